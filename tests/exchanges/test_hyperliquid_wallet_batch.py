"""Hyperliquid: the wallet batch (some 25 reads of other wallets,
`exchanges/hyperliquid_wallets.py`) runs beside the account's refresh, never in it
(`exchanges/background_read.py`): a stalled batch does not make the user's positions late, its
values arrive on a later refresh, closing the connector mid-batch is clean, and a failing batch
is logged once. Through the real ccxt client on the simulator; the batch is stalled by holding
the simulated venue's replies for other wallets on an event."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import warnings
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.exchanges import background_read
from adl_monitor.exchanges.base import VenueConnector
from adl_monitor.sim.faults import UNAVAILABLE_PAGE
from adl_monitor.sim.server import SimExchange
from tests.exchanges.test_sim_venues import connect, sim  # noqa: F401  (fixtures)

UNAVAILABLE = "other wallets' public positions unavailable"


class HeldWalletReads:
    """The simulated Hyperliquid's `clearinghouseState` for any wallet but the user's: held
    until `release()`, then answered — or refused with a 503 while `failing`.
    The user's own reads, and every other request, are answered as ever.

    A held read is a venue that has not answered yet, not one past the client's time-out: the
    connectors under test wait for it as long as the test runs (`patient`)."""

    def __init__(self, exchange: SimExchange) -> None:
        dialect: Any = exchange.dialects["hyperliquid"]
        own = next(a for a in exchange.demo_accounts() if a.exchange == "hyperliquid")
        self._own = str(own.spec().wallet_address).lower()
        self._routes = dialect.routes
        self._info = dialect.routes[("POST", "/info")]
        self._routes[("POST", "/info")] = self._reply
        self.failing = False
        self.holding = False
        """Whether other wallets' reads are held now: off for the first batch, which the
        first refresh waits for (a one-shot `snapshot` has no later refresh)."""
        self.entered = asyncio.Event()
        """Set when the first held read arrives: the batch is in flight, stalled."""
        self._released = asyncio.Event()

    def release(self) -> None:
        self._released.set()

    def restore(self) -> None:
        self.release()
        self._routes[("POST", "/info")] = self._info

    async def _reply(self, request: web.Request) -> web.StreamResponse:
        body = json.loads(await request.text())
        user = str(body.get("user", "")).lower()
        if self.holding and body.get("type") == "clearinghouseState" and user != self._own:
            self.entered.set()
            await self._released.wait()
            if self.failing:
                return web.Response(status=503, text=UNAVAILABLE_PAGE, content_type="text/html")
        return await self._info(request)


@pytest.fixture
async def held(sim: SimExchange) -> AsyncIterator[HeldWalletReads]:  # noqa: F811
    holder = HeldWalletReads(sim)
    yield holder
    holder.restore()  # a read still held ends before the connectors close and the sim stops


async def patient(opener: Any) -> VenueConnector:
    """The Hyperliquid demo account's connector, whose client waits for a reply as long as the
    test runs (pytest's time-out): on a slow machine a held read must not end in ccxt's own
    time-out, which would end the batch."""
    connector: VenueConnector = await opener("hyperliquid")
    connector.client.timeout = 3_600_000
    return connector


def marks(reading: AccountReading) -> dict[str, float]:
    return {p.symbol: p.mark_price for p in reading.positions}


def sampled(reading: AccountReading) -> int:
    return sum(len(context.wallets) for context in reading.markets.values())


async def start_held_batch(
    connector: VenueConnector, exchange: SimExchange, held: HeldWalletReads
) -> AccountReading:
    """The first refresh, whose batch it waits for; then, 30 s later, the refresh that starts
    the next batch, which `held` stalls. That refresh's reading."""
    first = await connector.fetch()
    assert sampled(first) > 0  # the first batch's values are in the first reading
    held.holding = True
    exchange.advance(30)
    connector._wallets._read_at = None  # due again, as 30 s later in the app
    return await connector.fetch()


async def test_a_refresh_shows_the_positions_now_while_the_wallet_batch_is_stalled(
    sim: SimExchange,  # noqa: F811
    connect: Any,  # noqa: F811
    held: HeldWalletReads,
) -> None:
    """A refresh starts a batch, which stalls on the venue's reply for another wallet;
    refreshes go on meanwhile with the positions as the venue shows them now, and no other
    batch starts beside the stalled one, even when one is due."""
    connector = await patient(connect)
    asked = sim.dialects["hyperliquid"].info_served  # type: ignore[attr-defined]
    first = await start_held_batch(connector, sim, held)
    await held.entered.wait()
    coins = {symbol.split("/")[0] for symbol in marks(first)}
    assert asked["recentTrades"] == 2 * len(coins)
    stalled = sampled(first)
    for _ in range(3):
        sim.advance(30)
        connector._wallets._read_at = None  # due again, as 30 s later in the app
        reading = await connector.fetch()
        now = sim.world.marks()
        assert marks(reading) == pytest.approx({s: now[s.split("/")[0]] for s in marks(first)})
        assert sampled(reading) == stalled  # nothing of the stalled batch yet
    assert marks(reading) != marks(first)  # the market moved: these are new readings
    assert asked["recentTrades"] == 2 * len(coins)  # still the one batch
    assert connector._wallets.running


async def test_the_batch_values_reach_the_first_refresh_after_it_finished(
    sim: SimExchange,  # noqa: F811
    connect: Any,  # noqa: F811
    held: HeldWalletReads,
) -> None:
    connector = await patient(connect)
    before = await start_held_batch(connector, sim, held)
    await held.entered.wait()
    read_before = connector._wallets.values
    held.release()
    await connector._wallets.settled()
    assert connector._wallets.values is not read_before
    after = await connector.fetch()
    assert sampled(after) >= sampled(before)
    assert marks(after) == pytest.approx(marks(before))


@pytest.mark.parametrize("when", ["in flight", "just started"])
async def test_closing_the_connector_mid_batch_cancels_it_cleanly(
    sim: SimExchange,  # noqa: F811
    connect: Any,  # noqa: F811
    held: HeldWalletReads,
    caplog: Any,
    when: str,
) -> None:
    """No task left pending, no coroutine left unawaited, nothing logged: closing is what the
    app does on quit or when an account is removed, in a cascade as much as in a calm. The
    batch is closed waiting for the venue's reply, or right after the refresh that started
    it (before it may have sent a request)."""
    caplog.set_level(logging.DEBUG, logger="adl_monitor")
    caplog.set_level(logging.DEBUG, logger="asyncio")
    connector = await patient(connect)
    await start_held_batch(connector, sim, held)
    if when == "in flight":
        await held.entered.wait()
    batch = connector._wallets._running
    assert batch is not None and not batch.done()
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        await connector.close()
        assert batch.cancelled()
        assert not connector._wallets.running
        del batch
        gc.collect()
    assert not [str(w.message) for w in warned]
    noise = [r for r in caplog.records if r.name.startswith(("adl_monitor", "asyncio"))]
    assert not [r.getMessage() for r in noise if r.levelno >= logging.INFO]
    assert not [t for t in asyncio.all_tasks() if "other wallets" in t.get_name()]


async def test_a_failing_batch_is_logged_once_and_its_recovery_once(
    sim: SimExchange,  # noqa: F811
    connect: Any,  # noqa: F811
    held: HeldWalletReads,
    caplog: Any,
) -> None:
    """The venue refuses other wallets' reads (503) in two batches running: each refresh has
    the positions, the failure is logged once with the account's name, after the refresh that
    started the batch had returned; the sample comes when the venue answers again."""
    caplog.set_level(logging.INFO)
    connector = await patient(connect)
    held.failing = True
    reading = await start_held_batch(connector, sim, held)
    await held.entered.wait()
    assert reading.positions
    assert not [r for r in caplog.records if UNAVAILABLE in r.getMessage()]
    held.release()
    await connector._wallets.settled()
    for _ in range(2):
        connector._wallets._read_at = None
        assert (await connector.fetch()).positions
        await connector._wallets.settled()
    lines = [r.getMessage() for r in caplog.records if UNAVAILABLE in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].startswith(f"{connector.spec.name}: ")
    held.failing = False
    connector._wallets._read_at = None
    await connector.fetch()
    await connector._wallets.settled()
    assert sampled(await connector.fetch()) > 0
    again = [r.getMessage() for r in caplog.records if "positions readable again" in r.getMessage()]
    assert again == [f"{connector.spec.name}: other wallets' public positions readable again"]


async def test_a_stalled_first_batch_never_fails_the_first_reading(
    sim: SimExchange,  # noqa: F811
    connect: Any,  # noqa: F811
    held: HeldWalletReads,
    monkeypatch: Any,
) -> None:
    """The first refresh waits for the first batch — but only so long (`FIRST_READ_WAIT`, cut
    short here): a venue slow to answer for other wallets still gives the user's positions in
    the first reading, and the batch's values come with a later one."""
    monkeypatch.setattr(background_read, "FIRST_READ_WAIT", 0.05)
    held.holding = True
    connector = await patient(connect)
    first = await connector.fetch()
    assert first.positions and sampled(first) == 0
    assert connector._wallets.running
    held.release()
    await connector._wallets.settled()
    assert sampled(await connector.fetch()) > 0
