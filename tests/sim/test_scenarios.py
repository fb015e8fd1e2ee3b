"""The scenarios tell their stories: the squeeze takes a demo long to the front and ADL hits it,
the hedge loses its short leg, the cascade deleverages low-leverage winners, a venue goes down."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ccxt
import pytest

from adl_monitor.sim.server import SimExchange
from adl_monitor.sim.world import World

Client = Callable[..., Any]


async def test_squeeze_takes_a_demo_long_to_red_then_deleverages_it(
    sim: SimExchange, client: Client
) -> None:
    bybit = client("bybit")
    seen: dict[str, list[int]] = {}
    hit: set[str] = set()
    for _ in range(36):  # three minutes of sim time in 5-s steps
        sim.advance(5)
        positions = await bybit.fetch_positions()
        for position in positions:
            info = position["info"]
            seen.setdefault(position["symbol"], []).append(info["adlRankIndicator"])
            if info["positionStatus"] == "Adl":
                hit.add(position["symbol"])
        held = {p["symbol"] for p in positions}
        hit |= {s for s in seen if s not in held}  # fully closed by ADL
        if hit:
            break
    assert hit, "the squeeze deleveraged a demo position"
    for symbol in hit:
        tiers = seen[symbol]
        assert tiers[0] < 5 and 5 in tiers, f"{symbol} climbed to the front first: {tiers}"
        assert 4 in tiers or tiers.index(5) > 0

    fills = await bybit.privateGetV5ExecutionList({"category": "linear"})
    adl_fills = {row["symbol"] for row in fills["result"]["list"] if row["execType"] == "AdlTrade"}
    assert {bybit.market(s)["id"] for s in hit} <= adl_fills
    events = sim.truth()["venues"]["bybit"]["adl_events"]
    assert {e["symbol"] for e in events} == hit
    assert all(e["side"] == "long" for e in events)


def test_hedge_leg_short_is_deleveraged_and_the_long_left_naked() -> None:
    world = World("hedge-leg", seed=1)
    world.advance(150)
    truth: Any = world.truth()["venues"]
    assert [(e["symbol"], e["side"]) for e in truth["bybit"]["adl_events"]][-1] == (
        "BTC/USDT:USDT",
        "short",
    )
    assert not [p for p in truth["bybit"]["positions"] if p["symbol"] == "BTC/USDT:USDT"]
    longs = [p for p in truth["binanceusdm"]["positions"] if p["symbol"] == "BTC/USDT:USDT"]
    assert [p["side"] for p in longs] == ["long"]


def test_cascade_liquidates_first_and_deleverages_low_leverage_winners() -> None:
    world = World("cascade", seed=1)
    world.advance(600)
    marks = world.marks()
    assert marks["BTC"] / 97_250.0 - 1 == pytest.approx(-0.12, abs=0.02)
    assert marks["SOL"] / 187.5 - 1 == pytest.approx(-0.23, abs=0.04)
    for book in world.books.values():
        first_liquidation = min(e.at for e in book.liquidations)
        first_adl = min(e.at for e in book.liquidations if e.deleveraged)
        assert 0 < first_adl - first_liquidation < 180
        assert min(book.deleveraged_leverages) <= 5
    demo_hits = [e for b in world.books.values() for e in b.adl_events]
    assert all(e.side.value == "short" and e.realized_pnl > 0 for e in demo_hits)
    assert any(e.leverage <= 5 for e in demo_hits)


@pytest.mark.parametrize("sim", ["cascade"], indirect=True)
async def test_okx_positions_history_marks_adl_closes(sim: SimExchange, client: Client) -> None:
    okx = client("okx")
    sim.advance(450)
    history = await okx.privateGetAccountPositionsHistory({"instType": "SWAP"})
    kinds = {row["type"] for row in history["data"]}
    assert kinds and kinds <= {"5", "6"}
    assert "6" in kinds  # at least one position closed fully by ADL
    full = await okx.privateGetAccountPositionsHistory({"type": "6"})
    assert {row["type"] for row in full["data"]} == {"6"}


@pytest.mark.parametrize("sim", ["cascade"], indirect=True)
async def test_binance_adl_closes_are_adl_autoclose_orders(
    sim: SimExchange, client: Client
) -> None:
    binance = client("binanceusdm")
    sim.advance(500)
    orders = await binance.fapiPrivateGetForceOrders({"autoCloseType": "ADL"})
    assert orders and {o["clientOrderId"] for o in orders} == {"adl_autoclose"}


@pytest.mark.parametrize("sim", ["outage"], indirect=True)
async def test_outage_answers_503_and_hangs_then_recovers(sim: SimExchange, client: Client) -> None:
    sim.outage_hang = 1.0
    okx = client("okx", timeout_ms=300)
    bybit = client("bybit")
    assert await okx.fetch_positions()
    sim.advance(60)  # inside the outage window
    errors = set()
    for _ in range(2):
        with pytest.raises(ccxt.NetworkError) as raised:
            await okx.fetch_positions()
        errors.add(type(raised.value))
    assert errors == {ccxt.ExchangeNotAvailable, ccxt.RequestTimeout}
    assert await bybit.fetch_positions()  # the other venues stay up
    sim.advance(90)
    assert await okx.fetch_positions()


def test_a_lead_in_delays_the_story_without_changing_it() -> None:
    plain, delayed = World("squeeze", seed=1), World("squeeze", seed=1, lead_in=120)
    delayed.advance(100)
    assert delayed.marks()["BTC"] / 97_250.0 - 1 == pytest.approx(0.0, abs=0.01)
    assert not any(book.liquidations for book in delayed.books.values())
    delayed.advance(20 + 110)
    plain.advance(110)
    assert delayed.marks() == plain.marks()  # the same rally, 120 s later
    delayed.advance(150)
    events = delayed.books["bybit"].adl_events
    assert events and min(e.at for e in events) > 120
