"""ADL evidence through the real connectors and ccxt against the simulator (issue 8, item 5).

Binance lists its ADL closes in `forceOrders` (client order id `adl_autoclose`); Hyperliquid
marks them in the user's fills (`dir` "Auto-Deleveraging"). Each is asked only after a position
closed or shrank — never on a refresh where nothing did (counted at the simulator).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from adl_monitor.core.model.position import Side
from adl_monitor.exchanges.base import VenueConnector
from adl_monitor.exchanges.registry import connector_for
from adl_monitor.sim.server import SimExchange
from tests.helpers import assert_loopback_client

Opener = Callable[[SimExchange, str], Any]


@pytest.fixture
async def open_demo(tmp_path: Any) -> AsyncIterator[Opener]:
    opened: list[tuple[VenueConnector, SimExchange]] = []

    async def open_(sim: SimExchange, venue: str) -> VenueConnector:
        await sim.start()
        account = next(a for a in sim.demo_accounts() if a.exchange == venue)
        connector = connector_for(account.spec(), account.credentials(), cache_dir=tmp_path)
        opened.append((connector, sim))
        await connector.open()
        assert_loopback_client(connector.client)
        return connector

    yield open_
    for connector, sim in opened:
        await connector.close()
        await sim.stop()


async def test_binance_partial_adl_is_found_in_force_orders_once(open_demo: Opener) -> None:
    """`cascade`, about 7:54: Binance deleverages part of the demo's BTC short; it stays open."""
    sim = SimExchange("cascade", seed=1, speed=0)
    connector = await open_demo(sim, "binanceusdm")
    served = sim.dialects["binanceusdm"].served
    key = ("BTC/USDT:USDT", "short")
    sim.advance(460)
    before = await connector.fetch()
    for _ in range(3):
        assert (await connector.fetch()).adl_hits == frozenset()
    assert served["/fapi/v1/forceOrders"] == 0  # nothing shrank: never asked

    events = sim.world.books["binanceusdm"].adl_events
    for _ in range(60):  # 7:54 with seed 1's population: an ADL fill on the short
        if events:
            break
        sim.advance(2)
    hit = await connector.fetch()
    again = await connector.fetch()

    events = [e for e in sim.truth()["venues"]["binanceusdm"]["adl_events"]]
    assert [(e["symbol"], e["side"], e["full"]) for e in events][:1] == [(*key, False)]
    assert hit.adl_hits == {key}
    assert hit.adl_evidence == {key: "Binance forceOrders (clientOrderId adl_autoclose)"}
    (short,) = [p for p in hit.positions if (p.symbol, p.side) == ("BTC/USDT:USDT", Side.SHORT)]
    (was,) = [p for p in before.positions if (p.symbol, p.side) == ("BTC/USDT:USDT", Side.SHORT)]
    assert 0 < short.contracts < was.contracts  # partly deleveraged: still listed, smaller
    assert again.adl_hits == frozenset()  # reported once
    assert served["/fapi/v1/forceOrders"] == 1
    assert served["/fapi/v1/userTrades"] == 0  # ADL explained it: no need for the trades


async def test_hyperliquid_adl_fill_marks_the_vanished_position(open_demo: Opener) -> None:
    """The venue's ADL closes the demo's whole SOL long; its fills say "Auto-Deleveraging"."""
    sim = SimExchange("calm", seed=1, speed=0)
    connector = await open_demo(sim, "hyperliquid")
    asked = sim.dialects["hyperliquid"].info_served  # type: ignore[attr-defined]
    key = ("SOL/USDC:USDC", "long")
    before = await connector.fetch()
    assert key in {(p.symbol, p.side.value) for p in before.positions}
    first = asked["clearinghouseState"]  # the wallet, and the first batch of other wallets
    await connector.fetch()
    assert asked["clearinghouseState"] == first + 1  # then the wallet once per refresh
    assert asked["userFills"] + asked["userFillsByTime"] == 0  # nothing closed: not asked

    sim.advance(30)  # sim time runs behind the wall clock here: the close is "now"
    _deleverage_demo(sim, "hyperliquid", "SOL", Side.LONG)
    hit = await connector.fetch()
    later = await connector.fetch()

    assert hit.adl_hits == {key}
    assert hit.adl_evidence == {key: "Hyperliquid userFills (dir Auto-Deleveraging)"}
    assert key not in {(p.symbol, p.side.value) for p in hit.positions}  # closed entirely
    assert hit.unconfirmed_closes == frozenset()
    assert later.adl_hits == frozenset()
    assert asked["userFillsByTime"] == 1  # asked once, when the long vanished


def _deleverage_demo(sim: SimExchange, venue: str, base: str, side: Side) -> None:
    """Run the venue book's own ADL against the demo position (insurance fund dry)."""
    world = sim.world
    book = world.books[venue]
    (held,) = [p for p in world.demo_account(venue).positions if (p.base, p.side) == (base, side)]
    everyone = sum(p.size for p in book.queues[(base, side)])  # the whole side: the demo too
    marks = world.marks()
    book._deleverage(base, side, everyone, marks[base], world.t, marks)
    assert held.closed
