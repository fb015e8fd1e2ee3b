"""A read a connector makes at its own slow pace beside the positions (the venue-wide ADL risk,
Binance's leverage settings, Hyperliquid's public market data): due after an interval, or at once
for a key not yet asked about; a failure keeps the last values, is logged once per reason, and
its recovery once.

A key already asked about waits for the interval even when the read failed or the venue had no
value for it: otherwise a failing endpoint, or a symbol the venue publishes nothing for, would
add this read to every refresh.

These reads add to what a position shows but are not the position itself, so a failure here
never fails the account's reading (docs/venue-risk.md). A read too long for the refresh to
wait for runs beside it instead (`background_read.BackgroundRead`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Coroutine
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

V = TypeVar("V")
Read = Callable[[], Awaitable[dict[str, V]]]
"""A read's call: the values it found, per key."""
Describe = Callable[[BaseException], str]
"""An error of a read, as the sanitised sentence that is logged."""


class SlowRead(Generic[V]):
    """Values per key (a unified symbol), refreshed every `interval` seconds."""

    def __init__(self, what: str, interval: float) -> None:
        self.what = what  # "venue-wide ADL risk", for the log line
        self.interval = interval
        self.values: dict[str, V] = {}
        self._read_at: float | None = None  # time.monotonic()
        self._asked: frozenset[str] = frozenset()  # the keys of the last read, answered or not
        self._failure: str | None = None

    def due(self, keys: Collection[str]) -> bool:
        if not keys:
            return False
        if self._read_at is None or not self._asked.issuperset(keys):
            return True  # a key newly needed: do not wait a whole interval
        return time.monotonic() - self._read_at >= self.interval

    async def refresh(
        self,
        account: str,
        keys: Collection[str],
        read: Callable[[], Awaitable[dict[str, V]]],
        describe: Callable[[BaseException], str],
        *,
        force: bool = False,
    ) -> None:
        """Call `read` when due (or `force`d: the caller knows the values moved) and keep its
        values for `keys`; `describe` turns an error into the sanitised sentence that is
        logged."""
        if self._starts(keys, force=force):
            await self._run(self._take(account, keys, read, describe))

    def _starts(self, keys: Collection[str], *, force: bool) -> bool:
        """Whether a read of `keys` starts now: due, or forced. If so, it counts as asked from
        now, answered or not."""
        if not (force and keys) and not self.due(keys):
            return False
        self._read_at = time.monotonic()
        self._asked = frozenset(keys)
        return True

    async def _run(self, reading: Coroutine[Any, Any, None]) -> None:
        """Where a read runs: here, inside the refresh (`BackgroundRead`: beside it)."""
        await reading

    async def _take(
        self, account: str, keys: Collection[str], read: Read[V], describe: Describe
    ) -> None:
        """Await `read` and keep its values for `keys`; an error keeps the last values and is
        logged once per reason, the recovery once."""
        try:
            values = await read()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            reason = describe(error)
            if reason != self._failure:
                log.warning("%s: %s unavailable: %s", account, self.what, reason)
            self._failure = reason
            return
        if self._failure is not None:
            log.info("%s: %s readable again", account, self.what)
            self._failure = None
        self.values = {key: values[key] for key in keys if key in values}
