"""A slow read too long to make the account's refresh wait for: Hyperliquid's sample of other
wallets (`hyperliquid_wallets`), some 25 requests one after another every 30 s.

Awaited inside the refresh, such a read would make one reading of the user's positions in
every interval late by seconds — and most often in a cascade, when the venue is slow and the
position matters most. So the refresh that finds it due starts it as a task of its own on the
connector's event loop and returns at once with the last values; the first refresh after the
read has finished shows what it read. There is never more than one such read at a time: a
refresh while one runs starts none, even for a key newly held (it is asked in the next read).
Only the first read is waited for, and for `FIRST_READ_WAIT` at most: a one-shot reading
(`snapshot`) has no later refresh to show what it read. The read and the refresh share the
ccxt client and its rate limiter; the read's requests go one at a time, so a refresh's
request waits behind one of them at most, never behind all.

Everything else is `SlowRead`'s: due after its interval, a failure keeps the last values, is
logged once per reason with the account's name, and its recovery once (exchanges/slow_read.py).
The connector's `close()` calls `close()` here, which cancels a running read and waits for it
to end: nothing is left pending, and nothing is logged.

`settled()` waits for the running read, and `awaited` makes the refresh that starts one wait
for it: for tests and benchmarks, whose simulated clock stands still between refreshes, so that
a read's values reach the reading they expect without sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Coroutine
from typing import Any, TypeVar

from adl_monitor.exchanges.slow_read import SlowRead

V = TypeVar("V")

FIRST_READ_WAIT = 5.0
"""Seconds the first refresh waits for the first read at most: long enough for the venue's
usual answer, short enough that a slow one never fails the reading of the user's positions
(the request time-out), which goes on with what the read brings later."""


class BackgroundRead(SlowRead[V]):
    """A `SlowRead` whose read runs beside the refresh, not in it."""

    def __init__(self, what: str, interval: float) -> None:
        super().__init__(what, interval)
        self._running: asyncio.Task[None] | None = None
        self._started_once = False
        self.awaited = False
        """Whether the refresh that starts a read also waits for it. For a harness whose clock
        stands still between refreshes and that scores each reading at its instant (the
        accuracy benchmark): the values read at that instant reach that reading, as they would
        if the read took no time. The app leaves it off."""

    @property
    def running(self) -> bool:
        """Whether a read is in flight now."""
        return self._running is not None and not self._running.done()

    def _starts(self, keys: Collection[str], *, force: bool) -> bool:
        return not self.running and super()._starts(keys, force=force)

    async def _run(self, reading: Coroutine[Any, Any, None]) -> None:
        """Start the read and return at once — or when it has finished: for the first read
        (a one-shot reading, `snapshot`, has no later refresh to pick its values up), within
        `FIRST_READ_WAIT`, and when `awaited`. `values` stay the last read's until this one
        has finished."""
        self._running = asyncio.create_task(reading, name=self.what)
        first, self._started_once = not self._started_once, True
        if self.awaited:
            await self.settled()
        elif first:
            await asyncio.wait({self._running}, timeout=FIRST_READ_WAIT)

    async def settled(self) -> None:
        """Wait until the read running now, if any, has finished (its values kept, or its
        failure logged). Cancelling the wait leaves the read running."""
        if self._running is not None:
            await asyncio.wait({self._running})

    async def close(self) -> None:
        """Cancel the read running now, if any, and wait until it has ended."""
        task, self._running = self._running, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait({task})
