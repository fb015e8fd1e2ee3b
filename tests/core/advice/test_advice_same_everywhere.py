"""One position, one answer: the advice rests only on what every path shares.

A one-shot `snapshot` has seen one reading of the venue, a `watch` a few more (of other queues
too, in whatever order the accounts answered). Until the venue's tiers are calibrated
(`MIN_READINGS` readings of the venue, `MIN_QUEUE_READINGS` of the queue), both must size the
advice on the same prior and say it is a first guide; once calibrated, on the calibration the
engine saves and every command loads.
"""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from adl_monitor.core.advice.what_if import advise
from adl_monitor.core.estimate.rank_estimator import MIN_READINGS, RankEstimator
from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.position import MarginMode, Side
from adl_monitor.core.ranking.formulas import score_position
from tests.core.advice.test_advisor import GUIDE, add_margin, book, feed_queue

BTC_LONGS = ("BTC/USDT:USDT", "long")
QUEUES = (BTC_LONGS, ("ETH/USDT:USDT", "short"), ("SOL/USDT:USDT", "long"))


@settings(max_examples=120, deadline=None)
@given(
    exchange=st.sampled_from(("bybit", "okx", "binanceusdm", "gate")),
    leverage=st.floats(min_value=2.0, max_value=50.0),
    move=st.floats(min_value=0.005, max_value=0.5),
    mode=st.sampled_from(MarginMode),
    side=st.sampled_from(Side),
    tier=st.sampled_from((4, 5)),
    seen=st.lists(
        st.tuples(
            st.sampled_from(QUEUES),
            st.floats(min_value=0.01, max_value=100.0),
            st.integers(min_value=1, max_value=5),
        ),
        max_size=MIN_READINGS - 2,
    ),
)
def test_uncalibrated_advice_does_not_depend_on_the_readings_seen_so_far(
    exchange: str,
    leverage: float,
    move: float,
    mode: MarginMode,
    side: Side,
    tier: int,
    seen: list[tuple[tuple[str, str], float, int]],
) -> None:
    """The snapshot's estimator has read the venue's tier for this position once; the watch's
    has also read other positions, before and after it: the same advice, a first guide."""
    state = book(exchange, leverage, move, mode, side=side, spare=1_000.0)
    score = score_position(exchange, *state)
    one_shot = RankEstimator()
    one_shot.observe(exchange, score, tier, queue=BTC_LONGS)
    watched = RankEstimator()
    half = len(seen) // 2
    for queue, factor, reported in seen[:half]:
        watched.observe(exchange, Score(score.value * factor, "test", True), reported, queue=queue)
    watched.observe(exchange, score, tier, queue=BTC_LONGS)
    for queue, factor, reported in seen[half:]:
        watched.observe(exchange, Score(score.value * factor, "test", True), reported, queue=queue)
    assert not watched.calibrated(exchange)
    advice = advise(exchange, *state, one_shot, tier, queue=BTC_LONGS)
    assume(advice is not None)
    assert advice is not None and advice.text.startswith("A first guide (")
    assert advise(exchange, *state, watched, tier, queue=BTC_LONGS) == advice
    assert advise(exchange, *state, RankEstimator(), tier, queue=BTC_LONGS) == advice


def test_a_calibrated_venue_sizes_advice_for_a_queue_it_has_barely_read() -> None:
    """The venue's calibration is shared (saved, loaded by every command); a queue's first
    readings are not: they do not put the advice back on a first guide."""
    state = book("bybit", 20.0, 0.1, MarginMode.ISOLATED)
    score = score_position("bybit", *state)
    estimator = RankEstimator()
    feed_queue(estimator, QUEUES[2], tuple(score.value * f for f in (0.1, 0.2, 0.4, 0.8)), seed=3)
    estimator.observe("bybit", score, 5, queue=BTC_LONGS)
    assert estimator.calibrated("bybit") and not estimator.calibrated("bybit", queue=BTC_LONGS)
    advice = advise("bybit", *state, estimator, 5, queue=BTC_LONGS)
    assert advice is not None and advice.text.startswith("Add ")
    (action,) = advice.actions
    after = score_position("bybit", *add_margin(*state, action.amount))
    assert after.value < estimator.tier_start("bybit", 4)
    assert advise("bybit", *state, estimator, 5) == advice


def test_the_prior_is_named_until_calibration_then_dropped() -> None:
    """Eleven readings of the venue: still the prior, and the advice says so; the twelfth
    calibrates the venue and the note goes."""
    state = book("okx", 25.0, 0.08, MarginMode.CROSS)
    score = score_position("okx", *state)
    estimator = RankEstimator()
    for i in range(MIN_READINGS - 1):
        estimator.observe("okx", Score(score.value * (0.2 + 0.1 * i), "test", True), 1 + i % 5)
    guided = advise("okx", *state, estimator, 5, queue=BTC_LONGS)
    assert guided is not None and guided.text.startswith(GUIDE.format("OKX"))
    assert guided == advise("okx", *state, RankEstimator(), 5, queue=BTC_LONGS)
    estimator.observe("okx", score, 5)
    calibrated = advise("okx", *state, estimator, 5, queue=BTC_LONGS)
    assert calibrated is not None and not calibrated.text.startswith("A first guide")
