"""Before a venue's first reading each position's estimate rests on its own market move.

The estimator keeps the cut points of its last guess while the next position's move lands on the
same member of the prior family (a refresh of a thousand positions would otherwise rebuild them
for each one): what a position is told must still not depend on which positions were estimated
before it, nor in which order.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from adl_monitor.core.estimate.rank_estimator import FLAT_MARKET, MARKET_MOVES, RankEstimator
from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.position import QueueKey, Side
from adl_monitor.core.ranking.formulas import in_queue, score_position
from tests.core.estimate.test_estimator import make_position

VENUES = ("hyperliquid", "bybit", "binance")

positions = st.lists(
    st.tuples(
        st.sampled_from(VENUES),
        st.floats(min_value=1.5, max_value=80.0),
        st.floats(min_value=-0.2, max_value=0.4),
        st.sampled_from((Side.LONG, Side.SHORT)),
    ),
    min_size=2,
    max_size=25,
)


def _score(exchange: str, leverage: float, move: float, side: Side) -> Score:
    return score_position(exchange, *make_position(exchange, leverage, move, side))


@settings(max_examples=60, deadline=None)
@given(positions)
def test_an_unread_venue_tells_each_position_what_a_fresh_estimator_would(
    batch: list[tuple[str, float, float, Side]],
) -> None:
    shared = RankEstimator()
    for exchange, leverage, move, side in batch:
        score = _score(exchange, leverage, move, side)
        queue = QueueKey("BTC/USDT:USDT", side.value)
        told = shared.estimate(exchange, score, queue=queue)
        thresholds = shared.thresholds(exchange, queue=queue)
        fresh = RankEstimator()
        assert told == fresh.estimate(exchange, score, queue=queue)
        if in_queue(exchange, score):  # (a position outside the queue makes no guess)
            assert thresholds == fresh.thresholds(exchange, queue=queue)


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-3.0, max_value=3.0))
def test_the_prior_member_in_use_is_the_nearest_move_then_the_flatter(move: float) -> None:
    """Two positions whose moves lie between the same two members of the family use the one
    nearer to their own move (on a tie, the one nearer a flat market)."""
    shared = RankEstimator()
    ratio = math.exp(move)
    seen = math.log(ratio)  # the move the estimator reads back from the price ratio
    wanted = min(MARKET_MOVES, key=lambda m: (abs(m - seen), abs(m - FLAT_MARKET)))
    far = Score(1.0, "hyperliquid", True, {"mark_over_entry": math.e})
    shared.estimate("hyperliquid", far)  # a first guess, far from most moves
    guessed = Score(1.0, "hyperliquid", True, {"mark_over_entry": ratio})
    estimate = shared.estimate("hyperliquid", guessed)
    assert f"moved {wanted * 100:+.1f} % for this side" in estimate.basis
