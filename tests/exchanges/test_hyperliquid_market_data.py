"""Hyperliquid's public market data, read through the real ccxt client on the simulator, is
what the estimate's prior rests on there."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adl_monitor.core.assess import assess
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.exchanges.hyperliquid import CANDLE_HOURS
from adl_monitor.sim.server import SimExchange
from tests.exchanges.test_sim_venues import connect, sim  # noqa: F401  (fixtures)


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
