"""A queue's market fit explains its newest reading first — except on a venue whose tier lags,
where the newest reading is the one most likely to pair a score with a tier computed on an
earlier score, and must not outvote the queue's other recent readings."""

from __future__ import annotations

from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.model.estimate import Score

BTC_SHORTS = ("BTC/USDT:USDT", "short")


def fitted(exchange: str, formula: str, readings: list[tuple[float, int]]) -> RankEstimator:
    estimator = RankEstimator()
    for value, tier in readings:
        estimator.observe(exchange, Score(value, formula, True), tier, queue=BTC_SHORTS)
    return estimator


def tier(estimator: RankEstimator, exchange: str, formula: str, value: float) -> int:
    return estimator.tier_for(exchange, Score(value, formula, True), queue=BTC_SHORTS)


def test_binances_newest_tier_does_not_outvote_the_queues_other_readings() -> None:
    """A cascade's Binance BTC shorts (held-out seed 12): three readings say a score of
    0.0011–0.0027 is tier 2–3, the newest pairs 0.0033 with tier 5. Fitted newest first, the
    queue took the one member that puts 0.0033 in tier 5 — every profit in tier 4 or 5, the
    other three readings two tiers off — and the position, its score down to 0.0014 after ADL
    closed part of it (true tier 2), was shown 5."""
    readings = [(0.0011, 2), (0.00185, 2), (0.00265, 3), (0.00333, 5)]
    estimator = fitted("binanceusdm", "binance", readings)
    for value, reported in readings[:3]:
        assert abs(tier(estimator, "binanceusdm", "binance", value) - reported) <= 1
    assert tier(estimator, "binanceusdm", "binance", 0.00142) <= 3


def test_a_venue_whose_tier_is_fresh_still_follows_its_newest_reading() -> None:
    """Bybit computes its tier as it is read: the newest reading is the market now, and
    three older ones (tier 3) do not outvote it (tier 1)."""
    readings = [(0.0, 3), (0.005, 3), (0.01, 3), (0.0, 1)]
    estimator = fitted("bybit", "classic", readings)
    assert tier(estimator, "bybit", "classic", 0.0) == 1
