"""Unmodified ccxt clients read markets, positions, balances, ADL indicators and key
permissions from the simulated exchange, and what they read is the sim's ground truth."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from adl_monitor.sim.demo import DEMO_TRADE_KEY, DEMO_WITHDRAW_KEY, VENUES
from adl_monitor.sim.server import SimExchange
from tests.sim.conftest import demo_truth

Client = Callable[..., Any]


@pytest.mark.parametrize("sim", ["calm"], indirect=True)
@pytest.mark.parametrize("venue", VENUES)
async def test_ccxt_reads_markets_positions_and_balance(
    sim: SimExchange, client: Client, venue: str
) -> None:
    sim.advance(20)
    exchange = client(venue)
    markets = await exchange.load_markets()
    settle = "USDC" if venue == "hyperliquid" else "USDT"
    assert {f"{base}/{settle}:{settle}" for base in ("BTC", "ETH", "SOL")} <= set(markets)
    assert all(m["swap"] and m["linear"] for m in markets.values())

    positions = await exchange.fetch_positions()
    truth = demo_truth(sim, venue)
    assert {(p["symbol"], p["side"]) for p in positions} == set(truth)
    for position in positions:
        expected = truth[(position["symbol"], position["side"])]
        coins = position["contracts"] * position["contractSize"]
        assert coins == pytest.approx(expected["contracts"], rel=1e-6)
        assert position["markPrice"] == pytest.approx(sim.truth()["marks"][position["symbol"][:3]])
    winners = [p for p in positions if p["unrealizedPnl"] and p["unrealizedPnl"] > 0]
    losers = [p for p in positions if p["unrealizedPnl"] and p["unrealizedPnl"] < 0]
    assert winners and losers, "the demo account holds some winning and some losing positions"

    balance = await exchange.fetch_balance()
    assert balance[settle]["total"] > 0


async def test_bybit_and_okx_report_the_true_tier_on_every_read(
    sim: SimExchange, client: Client
) -> None:
    bybit, okx = client("bybit"), client("okx")
    for _ in range(4):
        sim.advance(12)
        for exchange, field in ((bybit, "adlRankIndicator"), (okx, "adl")):
            truth = demo_truth(sim, exchange.id)
            for position in await exchange.fetch_positions():
                expected = truth[(position["symbol"], position["side"])]
                assert int(position["info"][field]) == expected["tier"]


async def test_bybit_marks_margin_mode_with_trade_mode(sim: SimExchange, client: Client) -> None:
    positions = await client("bybit").fetch_positions()
    modes = {p["info"]["tradeMode"] for p in positions}
    assert modes == {0, 1}, "the demo account mixes cross (0) and isolated (1) positions"


async def test_binance_quantile_is_a_30_second_snapshot(sim: SimExchange, client: Client) -> None:
    binance = client("binanceusdm")
    sim.advance(30)  # a refresh boundary: the published quantile is the true tier − 1
    published = {
        r["symbol"]: r["adlQuantile"]["BOTH"] for r in await binance.fapiPrivateGetAdlQuantile()
    }
    tiers_now = {
        p["symbol"].replace("/", "")[:3]: p["tier"] for p in demo_truth(sim, "binanceusdm").values()
    }
    assert {s[:3]: q for s, q in published.items()} == {b: t - 1 for b, t in tiers_now.items()}

    drifted = False
    for _ in range(5):  # 25 s more: still inside the same 30-s window
        sim.advance(5)
        rows = await binance.fapiPrivateGetAdlQuantile()
        assert {r["symbol"]: r["adlQuantile"]["BOTH"] for r in rows} == published
        positions = await binance.fetch_positions()
        assert {p["info"]["symbol"]: p["info"]["adl"] for p in positions} == published
        now = {p["symbol"][:3]: p["tier"] for p in demo_truth(sim, "binanceusdm").values()}
        drifted = drifted or now != tiers_now
    assert drifted, "the squeeze moves some Binance tier within the window"

    sim.advance(5)  # the next boundary publishes the new quantiles
    rows = await binance.fapiPrivateGetAdlQuantile()
    now = {p["symbol"][:3]: p["tier"] for p in demo_truth(sim, "binanceusdm").values()}
    assert {r["symbol"][:3]: r["adlQuantile"]["BOTH"] for r in rows} == {
        b: t - 1 for b, t in now.items()
    }


async def test_hyperliquid_publishes_no_indicator(sim: SimExchange, client: Client) -> None:
    positions = await client("hyperliquid").fetch_positions()
    assert positions
    for position in positions:
        assert not {"adl", "adlRankIndicator", "adlQuantile"} & set(position["info"]["position"])


@pytest.mark.parametrize(
    ("key", "read_only"), [(None, True), (DEMO_TRADE_KEY, False), (DEMO_WITHDRAW_KEY, False)]
)
async def test_key_permission_endpoints(client: Client, key: str | None, read_only: bool) -> None:
    overrides = {"api_key": key} if key else {}
    bybit = await client("bybit", **overrides).privateGetV5UserQueryApi()
    assert (bybit["result"]["readOnly"] == 1) is read_only

    okx = await client("okx", **overrides).privateGetAccountConfig()
    assert (okx["data"][0]["perm"] == "read_only") is read_only

    binance = await client("binanceusdm", **overrides).sapiGetAccountApiRestrictions()
    powers = [
        v
        for k, v in binance.items()
        if k.startswith(("enable", "permits")) and k not in ("enableReading", "enableFixReadOnly")
    ]
    assert binance["enableReading"] is True
    assert (not any(powers)) is read_only
    if key == DEMO_WITHDRAW_KEY:
        assert binance["enableWithdrawals"] is True
        assert okx["data"][0]["perm"] == "read_only,withdraw,trade"


async def test_venue_wide_risk_follows_the_insurance_fund(sim: SimExchange, client: Client) -> None:
    bybit, binance = client("bybit"), client("binanceusdm")
    before = await bybit.publicGetV5MarketAdlAlert()
    sim.advance(60)  # the squeeze drains Bybit's pools
    after = await bybit.publicGetV5MarketAdlAlert()
    balance = {r["symbol"]: float(r["balance"]) for r in before["result"]["list"]}
    drained = {r["symbol"]: float(r["balance"]) for r in after["result"]["list"]}
    assert any(drained[s] < balance[s] for s in balance)
    risk = await binance.fapiPublicGetSymbolAdlRisk({"symbol": "BTCUSDT"})
    assert risk["symbol"] == "BTCUSDT" and risk["adlRisk"] in ("low", "medium", "high")
