"""Hyperliquid's public wallet data, read through ccxt from the simulator: every synthetic
trader's positions and ADL fills by address, and the public trades that name them — a biased
view of the queue (market makers, recently opened positions), as on the real venue."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import ccxt.async_support as ccxt
import pytest

from adl_monitor.core.model.position import Side
from adl_monitor.sim.book_position import BookPosition
from adl_monitor.sim.demo import HYPERLIQUID_DEMO_WALLET
from adl_monitor.sim.server import SimExchange
from adl_monitor.sim.wallets import market_maker_addresses, wallet_address
from adl_monitor.sim.world import World
from tests.sim.clients import rest_client

Client = Callable[..., Any]
ZERO_HASH = "0x" + "0" * 64
COINS = ("BTC", "ETH", "SOL")


def address(sim: SimExchange, held: BookPosition) -> str:
    return wallet_address(sim.world.seed, held.account.name)


def synthetic(sim: SimExchange, coin: str, side: Side) -> list[BookPosition]:
    queue = sim.world.books["hyperliquid"].queues[(coin, side)]
    return [p for p in queue if not p.account.demo]


async def state(hyperliquid: Any, user: str) -> dict[str, Any]:
    reply: dict[str, Any] = await hyperliquid.public_post_info(
        {"type": "clearinghouseState", "user": user}
    )
    return reply


async def trades(hyperliquid: Any, coin: str) -> list[dict[str, Any]]:
    reply: list[dict[str, Any]] = await hyperliquid.public_post_info(
        {"type": "recentTrades", "coin": coin}
    )
    return reply


def by_account(sim: SimExchange) -> dict[str, BookPosition]:
    """Every Hyperliquid position ever held, by account name (a synthetic account holds one)."""
    return {p.account.name: p for p in sim.world.books["hyperliquid"].added}


def positions(reply: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["position"]["coin"]: p["position"] for p in reply["assetPositions"]}


async def test_a_trader_wallet_shows_its_book_position_and_other_wallets_are_empty(
    sim: SimExchange, client: Client
) -> None:
    hyperliquid = client("hyperliquid")
    held = synthetic(sim, "ETH", Side.SHORT)[7]
    mark = sim.world.marks()["ETH"]

    reply = await state(hyperliquid, address(sim, held).upper().replace("0X", "0x"))

    shown = positions(reply)
    assert list(shown) == ["ETH"]
    assert float(shown["ETH"]["szi"]) == pytest.approx(-held.size)
    assert float(shown["ETH"]["entryPx"]) == pytest.approx(held.entry)
    assert shown["ETH"]["leverage"]["type"] == held.margin_mode.value
    value = held.account.wallet + held.upnl(mark)
    assert float(reply["marginSummary"]["accountValue"]) == pytest.approx(value, abs=1e-6)
    # A market maker and an address nobody holds answer, empty.
    for nobody in (market_maker_addresses(sim.world.seed)[0], "0x" + "ab" * 20):
        empty = await state(hyperliquid, nobody)
        assert empty["assetPositions"] == [] and empty["marginSummary"]["accountValue"] == "0"
    assert sim.dialects["hyperliquid"].info_served["clearinghouseState"] == 3  # type: ignore[attr-defined]


@pytest.mark.parametrize("sim", ["cascade"], indirect=True)
async def test_liquidated_and_deleveraged_wallets_drop_what_the_venue_closed(
    sim: SimExchange, client: Client
) -> None:
    book = sim.world.books["hyperliquid"]
    by_name = by_account(sim)
    sim.advance(900)  # the crash: longs liquidated, shorts deleveraged

    hyperliquid = client("hyperliquid")
    liquidated = next(
        by_name[e.account] for e in book.liquidations if not by_name[e.account].account.demo
    )
    assert positions(await state(hyperliquid, address(sim, liquidated))) == {}

    closes = [e for e in book.deleverages if not by_name[e.account].account.demo]
    whole = by_name[next(e.account for e in closes if e.full)]
    assert whole.closed and positions(await state(hyperliquid, address(sim, whole))) == {}
    part = by_name[next(e.account for e in closes if not by_name[e.account].closed)]
    shown = positions(await state(hyperliquid, address(sim, part)))
    assert 0 < part.size < sum(e.qty for e in closes if e.pid == part.pid) + part.size
    assert float(shown[part.base]["szi"]) == pytest.approx(part.size * part.side.sign)

    # Its fills are the venue's ADL closes, as its owner would read them.
    fills = await hyperliquid.public_post_info({"type": "userFills", "user": address(sim, whole)})
    mine = [e for e in closes if e.pid == whole.pid]
    assert [f["dir"] for f in fills] == ["Auto-Deleveraging"] * len(mine)
    assert sum(float(f["sz"]) for f in fills) == pytest.approx(sum(e.qty for e in mine))
    assert {f["coin"] for f in fills} == {whole.base}


async def test_recent_trades_depend_on_seed_and_sim_time_only(
    sim: SimExchange, client: Client
) -> None:
    hyperliquid = client("hyperliquid")
    epoch = sim.world.epoch_ms
    sim.world = World("squeeze", seed=1, epoch_ms=epoch)
    for _ in range(30):  # asked every sim second ...
        await trades(hyperliquid, "BTC")
        sim.advance(1)
    asked_often = await trades(hyperliquid, "BTC")
    assert asked_often == await trades(hyperliquid, "BTC")

    sim.world = World("squeeze", seed=1, epoch_ms=epoch)
    sim.advance(30)  # ... or once, at the same sim time: the same tape
    assert await trades(hyperliquid, "BTC") == asked_often
    assert len(asked_often) == 100
    times = [t["time"] for t in asked_often]
    assert times == sorted(times) and times[-1] <= sim.world.now_ms()

    sim.world = World("squeeze", seed=2, epoch_ms=epoch)
    sim.advance(30)
    other_seed = await trades(hyperliquid, "BTC")
    assert not {u for t in other_seed for u in t["users"]} & {
        u for t in asked_often for u in t["users"]
    }


async def test_trades_name_open_positions_of_the_coin_or_market_makers_never_the_demo(
    sim: SimExchange, client: Client
) -> None:
    hyperliquid = client("hyperliquid")
    makers = set(market_maker_addresses(sim.world.seed))
    with_maker = total = 0
    for coin in COINS:
        open_here = {address(sim, p) for side in Side for p in synthetic(sim, coin, side)}
        tape = await trades(hyperliquid, coin)
        for trade in tape:
            assert set(trade) == {"coin", "side", "px", "sz", "time", "hash", "tid", "users"}
            assert trade["coin"] == coin and trade["side"] in ("B", "A")
            assert float(trade["px"]) == pytest.approx(sim.world.marks()[coin], rel=0.01)
            assert float(trade["sz"]) > 0 and trade["hash"] != ZERO_HASH
            buyer, seller = trade["users"]
            assert buyer != seller
            assert {buyer, seller} <= open_here | makers
            assert HYPERLIQUID_DEMO_WALLET not in trade["users"]
            with_maker += bool(makers & {buyer, seller})
            total += 1
        # A trader found on the tape holds that coin when read by address.
        trader = next(u for t in tape for u in t["users"] if u not in makers)
        assert coin in positions(await state(hyperliquid, trader))
    assert 0.6 < with_maker / total < 0.9  # most trades are with a market maker
    for maker in makers:
        assert (await state(hyperliquid, maker))["assetPositions"] == []
    assert sim.dialects["hyperliquid"].info_served["recentTrades"] == 3  # type: ignore[attr-defined]
    with pytest.raises(ccxt.ExchangeError, match="invalid coin"):
        await hyperliquid.public_post_info({"type": "recentTrades", "coin": "DOGE"})
    sim.set_fault("hyperliquid", "503")  # a bad day hits the tape as any other /info
    with pytest.raises(ccxt.ExchangeNotAvailable):
        await trades(hyperliquid, "BTC")


@pytest.mark.parametrize("sim", ["calm"], indirect=True)
async def test_recently_opened_positions_trade_far_more_often_than_old_ones(
    sim: SimExchange, client: Client
) -> None:
    """A sampler of the tape sees mostly young positions: the queue's old ones hide."""
    hyperliquid = client("hyperliquid")
    held = sorted(
        (p for side in Side for p in synthetic(sim, "BTC", side)), key=lambda p: -p.opened_at
    )
    quarter = len(held) // 4
    young = {address(sim, p) for p in held[:quarter]}
    old = {address(sim, p) for p in held[-quarter:]}
    first = {u for t in await trades(hyperliquid, "BTC") for u in t["users"]}
    assert len(old & first) < len(young & first) / 4, "one tape shows few old positions"
    seen: Counter[str] = Counter()
    tids: set[int] = set()
    for _ in range(30):  # 30 tapes of 100 trades, 5 sim minutes apart
        for trade in await trades(hyperliquid, "BTC"):
            if trade["tid"] not in tids:
                tids.add(trade["tid"])
                seen.update(trade["users"])
        sim.advance(300)
    assert len(tids) > 2_000
    young_trades = sum(seen[a] for a in young)
    old_trades = sum(seen[a] for a in old)
    assert young_trades > 4 * max(1, old_trades)


@pytest.mark.parametrize("sim", ["cascade"], indirect=True)
async def test_liquidations_and_adl_closes_are_public_trades_with_a_zero_hash(
    sim: SimExchange, client: Client
) -> None:
    world = sim.world
    book = world.books["hyperliquid"]
    by_name = by_account(sim)
    while not any(not by_name[e.account].account.demo for e in book.deleverages):
        assert world.t < 900, "the cascade liquidates and deleverages"
        sim.advance(2)
    liquidation = next(e for e in book.liquidations if not by_name[e.account].account.demo)
    adl = next(e for e in book.deleverages if not by_name[e.account].account.demo)
    hyperliquid = client("hyperliquid")
    tapes = {coin: await trades(hyperliquid, coin) for coin in {liquidation.base, adl.base}}

    wallet = wallet_address(world.seed, liquidation.account)
    shown = [t for t in tapes[liquidation.base] if t["time"] == world.to_ms(liquidation.at)]
    forced = [t for t in shown if wallet in t["users"]]
    assert len(forced) == 1 and forced[0]["hash"] == ZERO_HASH
    assert float(forced[0]["sz"]) == pytest.approx(liquidation.qty)
    seller = forced[0]["users"][1]
    assert (seller == wallet) == (liquidation.side is Side.LONG)  # a long's liquidation sells

    hit = wallet_address(world.seed, adl.account)
    counterparty = wallet_address(world.seed, adl.counterparty)
    closes = [t for t in tapes[adl.base] if hit in t["users"] and t["time"] == world.to_ms(adl.at)]
    assert [set(t["users"]) for t in closes] == [{hit, counterparty}]
    assert float(closes[0]["px"]) == pytest.approx(adl.price)


async def test_the_trade_tape_keeps_about_one_answer_per_coin_however_long_it_is_asked(
    sim: SimExchange, client: Client
) -> None:
    """A demo left running answers `recentTrades` for hours: the simulator must not keep every
    trade it ever made (benchmarks/soak.py), and what it drops must come back the same."""
    hyperliquid = client("hyperliquid")
    tape = sim.dialects["hyperliquid"].public()[1]  # type: ignore[attr-defined]
    kept = []
    for _ in range(120):  # two sim hours, each coin asked every sim minute
        sim.advance(60)
        for coin in COINS:
            assert len(await trades(hyperliquid, coin)) == 100
        kept.append(tape.cached_trades())
    # Each answer is 100 trades; the tape keeps those plus the rest of the oldest bucket.
    assert max(kept) <= 2 * 100 * len(COINS)
    assert max(kept[60:]) <= max(kept[:60])  # the second hour holds no more than the first
    latest = await trades(hyperliquid, "ETH")
    sim.world = World("squeeze", seed=1, epoch_ms=sim.world.epoch_ms)  # a tape never asked
    sim.advance(120 * 60)
    assert await trades(hyperliquid, "ETH") == latest


@pytest.mark.parametrize(("population", "seed"), [("a", 14), ("a", 10), ("b", 17)])
async def test_no_wallet_holds_more_leverage_than_the_venue_allows(
    population: str, seed: int
) -> None:
    """Hyperliquid's `meta` caps leverage at 40x; a trader the simulator drew at 50-100x (as the
    other venues allow, and as these wild seeds favour) could not have opened that position
    there, yet the estimate is scored against the queue such traders make up."""
    sim = SimExchange("cascade", seed=seed, speed=0, population=population)
    await sim.start()
    hyperliquid = rest_client(sim, "hyperliquid")
    try:
        meta = await hyperliquid.public_post_info({"type": "meta"})
        allowed = {coin["name"]: float(coin["maxLeverage"]) for coin in meta["universe"]}
        held = {p.account.name: p for p in sim.world.books["hyperliquid"].added}
        assert len(held) > 300
        for name in list(held)[::5]:  # every fifth wallet, all three coins among them
            reply = await state(hyperliquid, wallet_address(seed, name))
            shown = positions(reply).values()
            for position in shown:
                assert float(position["maxLeverage"]) == allowed[position["coin"]]
                assert float(position["leverage"]["value"]) <= allowed[position["coin"]]
            # What the account had behind its positions when it opened them.
            wallet = float(reply["marginSummary"]["accountValue"]) - sum(
                float(p["unrealizedPnl"]) for p in shown
            )
            at_entry = sum(abs(float(p["szi"])) * float(p["entryPx"]) for p in shown)
            assert at_entry <= wallet * max(allowed.values()) * 1.000001, name
    finally:
        await hyperliquid.close()
        await sim.stop()
