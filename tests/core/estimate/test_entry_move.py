"""Where a venue's tiers cannot place a queue, its prior leans on how far its own market moved
since the positions in it were likely entered, from the market's public candles."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from adl_monitor.core.estimate.entries import entry_move
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.market_context import Candle, MarketContext

ETH_LONGS = ("ETH/USDT:USDT", "long")
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def market(old: float, recent: float, mark: float, *, recent_hours: int = 0) -> MarketContext:
    """Two weeks of hourly candles at `old`, the last `recent_hours` of them at `recent`."""
    candles = tuple(
        Candle(float(age), recent if age < recent_hours else old, 100.0) for age in range(336)
    )
    return MarketContext("ETH/USDT:USDT", mark=mark, candles=candles)


def test_the_move_is_the_sides_since_the_likely_entries() -> None:
    rally = market(100.0, 100.0, 110.0)
    assert entry_move(rally, "long") == pytest.approx(math.log(1.1))
    assert entry_move(rally, "short") == pytest.approx(-math.log(1.1))
    # Positions opened long ago have mostly been closed: the last day weighs most.
    late = entry_move(market(100.0, 105.0, 110.0, recent_hours=24), "long")
    since_recent, since_old = math.log(110 / 105), math.log(110 / 100)
    assert late is not None and since_recent < late < (since_recent + since_old) / 2
    assert entry_move(MarketContext("ETH/USDT:USDT", mark=110.0, candles=()), "long") is None


def losing_binance_queue() -> RankEstimator:
    """A Binance queue whose only readings are of a losing account: tier 1, which every losing
    account is, whatever the market did — readings that cannot place a single cut point."""
    estimator = RankEstimator()
    for _ in range(6):
        estimator.observe("binanceusdm", Score(0.0, "binance", False), 1, queue=ETH_LONGS)
    return estimator


def small_profit(estimator: RankEstimator, context: MarketContext | None) -> tuple[int, str]:
    estimate = estimator.estimate(
        "binanceusdm", Score(0.001, "binance", True), queue=ETH_LONGS, market=context
    )
    return estimate.tier, estimate.basis


def test_a_queue_its_tiers_cannot_place_leans_on_its_markets_candles() -> None:
    """ETH rallied 10 % since the longs entered, so nearly every long is in profit and an
    account just out of a loss sits at the back (tier 1). Without the candles the queue leans
    on the venue's own fit — here its readings fit every market, so a flat one, where half the
    longs lose and the same small profit is near the middle."""
    rallied = market(100.0, 100.0, 110.0)
    tier, basis = small_profit(losing_binance_queue(), rallied)
    assert tier == 1, basis
    assert "and its hourly candles, a market that moved +10.0 % for this side" in basis

    tier, basis = small_profit(losing_binance_queue(), None)
    assert tier >= 3, basis
    assert "hourly candles" not in basis and "moved +0.0 % for this side" in basis


def test_readings_that_place_the_cut_points_outweigh_the_candles() -> None:
    """The candles only break ties: a queue whose readings say a tiny profit already ranks
    high (its market fell for the longs) keeps that fit whatever the candles say."""
    estimates = []
    for context in (market(100.0, 100.0, 110.0), None):
        estimator = RankEstimator()
        for value, tier in ((0.0002, 5), (0.00005, 4)):
            estimator.observe(
                "binanceusdm", Score(value, "binance", True), tier, queue=ETH_LONGS, at=NOW
            )
        estimate = estimator.estimate(
            "binanceusdm", Score(0.0002, "binance", True), queue=ETH_LONGS, market=context
        )
        assert estimate.tier >= 4, estimate.basis
        estimates.append((estimate.tier, estimate.low, estimate.high))
    assert estimates[0] == estimates[1]
