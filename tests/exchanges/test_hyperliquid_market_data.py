"""Hyperliquid's public market data, read through the real ccxt client on the simulator, is
what the estimate's prior rests on there."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adl_monitor.core.assess import assess
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.exchanges.public_candles import CANDLE_HOURS
from adl_monitor.exchanges.registry import connector_for
from adl_monitor.sim.server import SimExchange
from tests.exchanges.test_sim_venues import connect, sim  # noqa: F401  (fixtures)
from tests.helpers import assert_loopback_client


async def test_candles_open_interest_and_funding_reach_the_estimate(
    sim: SimExchange,  # noqa: F811
    connect: Any,  # noqa: F811
) -> None:
    connector = await connect("hyperliquid")
    reading = await connector.fetch()
    held = {p.symbol for p in reading.positions}
    assert held and set(reading.markets) == held
    for symbol, context in reading.markets.items():
        assert context.symbol == symbol
        assert len(context.candles) == CANDLE_HOURS
        assert context.open_interest == 10_000.0 and context.day_volume == 10_000.0
        assert context.funding_rate == 0.0000125 and context.max_leverage is not None
        assert max(c.hours_ago for c in context.candles) == CANDLE_HOURS - 1
    spec = next(a for a in sim.demo_accounts() if a.exchange == "hyperliquid").spec()
    now = datetime.now(UTC)
    risks = assess(reading, spec, RankEstimator(), now=now, stale_after=90.0)
    for risk in risks:
        assert risk.estimate is not None
        if risk.position.unrealized_pnl > 0:
            assert "public market data" in risk.estimate.basis, risk.estimate.basis
        else:
            assert risk.estimate.tier == 0 and "not in queue" in risk.estimate.basis


async def test_after_adl_reached_the_short_it_stands_near_the_front(tmp_path: Any) -> None:
    """The cascade deleverages part of the demo's BTC short (seed 6). Its fill says so; the
    connector passes the score the short had then with the market's figures, and a minute
    later the estimate puts what is left of it near the front, within one of the venue's
    truth (tier 4–5), instead of at the back. While the market runs each refresh re-reads the
    market figures (one request); in a quiet market they wait for `MARKET_INTERVAL`."""
    cascade = SimExchange("cascade", seed=6, speed=0)
    await cascade.start()
    account = next(a for a in cascade.demo_accounts() if a.exchange == "hyperliquid")
    connector = connector_for(account.spec(), account.credentials(), cache_dir=tmp_path)
    asked = cascade.dialects["hyperliquid"].info_served  # type: ignore[attr-defined]
    short = ("BTC/USDC:USDC", "short")
    estimator = RankEstimator()
    hit_at = None
    try:
        await connector.open()
        assert_loopback_client(connector.client)
        await connector.fetch()
        quiet_reads = asked["metaAndAssetCtxs"]
        await connector.fetch()
        assert asked["metaAndAssetCtxs"] == quiet_reads  # quiet: not read again
        for step in range(180):  # the story's 900 s, read every 5 s as the app does
            cascade.advance(5)
            reading = await connector.fetch()
            if short in reading.adl_hits and hit_at is None:
                hit_at = step
            if hit_at is not None and step >= hit_at + 12:
                break
        risks = assess(reading, account.spec(), estimator, now=datetime.now(UTC), stale_after=90.0)
        market = reading.markets["BTC/USDC:USDC"]
        truth: Any = cascade.truth()["venues"]["hyperliquid"]["positions"]
    finally:
        await connector.close()
        await cascade.stop()
    assert hit_at is not None, "the cascade deleverages the demo's short"
    assert asked["metaAndAssetCtxs"] > quiet_reads + 10  # re-read while the market ran
    (risk,) = [r for r in risks if (r.position.symbol, r.position.side.value) == short]
    assert risk.estimate is not None
    ((side, front),) = market.adl_front
    assert side == "short" and front > risk.estimate.score > 0
    assert "ADL reached your short here" in risk.estimate.basis
    assert risk.estimate.tier >= 3
    (true_tier,) = [p["tier"] for p in truth if (p["symbol"], p["side"]) == short]
    assert true_tier >= 4 and abs(risk.estimate.tier - true_tier) <= 1
