"""Where a score sits in the queue, and the tier that earns: BitMEX's worked example."""

from __future__ import annotations

import math

import pytest

from adl_monitor.core.model.estimate import Score
from adl_monitor.core.ranking.queue import bitmex_quintiles, queue_percentiles, tier_for_percentile

# BitMEX "Auto-Deleveraging Examples": six longs, account → PnL ranking (higher = more profit
# and leverage), and the quintile BitMEX lists for each (20 % = the front fifth).
BITMEX_ACCOUNTS = {1: 3, 2: 6, 3: 1, 4: 4, 5: 5, 6: 2}
BITMEX_QUINTILES = {2: 20, 5: 40, 4: 60, 1: 80, 6: 80, 3: 100}


def test_bitmex_documented_example_is_reproduced_exactly() -> None:
    accounts = list(BITMEX_ACCOUNTS)
    quintiles = bitmex_quintiles([float(BITMEX_ACCOUNTS[a]) for a in accounts])
    assert dict(zip(accounts, quintiles, strict=True)) == BITMEX_QUINTILES


def test_bitmex_example_in_table_order_reads_20_40_60_80_80_100() -> None:
    ranked = sorted(BITMEX_ACCOUNTS.values(), reverse=True)
    assert bitmex_quintiles(ranked) == [20, 40, 60, 80, 80, 100]


def test_bitmex_example_front_and_back_agree_with_the_tiers() -> None:
    scores = [float(v) for v in BITMEX_ACCOUNTS.values()]
    tiers = [tier_for_percentile(p) for p in queue_percentiles(scores)]
    by_score = dict(zip(scores, tiers, strict=True))
    assert by_score[6.0] == 5  # account 2: deleveraged first
    assert by_score[1.0] == 1  # account 3: last
    ordered = [by_score[s] for s in sorted(scores)]
    assert ordered == sorted(ordered)


def test_percentile_is_share_at_or_behind_with_front_at_100() -> None:
    assert queue_percentiles([10.0, 40.0, 20.0, 30.0]) == [25.0, 100.0, 50.0, 75.0]
    assert queue_percentiles([7.0]) == [100.0]
    assert queue_percentiles([]) == []


def test_tied_scores_share_the_front_most_place() -> None:
    assert queue_percentiles([1.0, 2.0, 2.0, 3.0]) == [25.0, 75.0, 75.0, 100.0]


def test_non_finite_scores_go_to_the_back() -> None:
    pct = queue_percentiles([math.nan, 1.0, -math.inf, 2.0])
    assert pct[1] == 75.0
    assert pct[3] == 100.0
    assert pct[0] == pct[2] == 50.0


def test_scores_rank_losing_positions_behind_whatever_their_value() -> None:
    scores = [
        Score(2.0, "hyperliquid", False),
        Score(0.1, "hyperliquid", True),
        Score(0.5, "hyperliquid", True),
    ]
    assert queue_percentiles(scores) == pytest.approx([100 / 3, 200 / 3, 100.0])


@pytest.mark.parametrize(
    ("pct", "tier"),
    [
        (100.0, 5),
        (80.01, 5),
        (80.0, 4),
        (60.01, 4),
        (60.0, 3),
        (40.01, 3),
        (40.0, 2),
        (20.01, 2),
        (20.0, 1),
        (0.0, 1),
        (-3.0, 1),
        (250.0, 5),
        (math.inf, 5),
        (math.nan, 1),
    ],
)
def test_tier_for_percentile_quintiles(pct: float, tier: int) -> None:
    assert tier_for_percentile(pct) == tier


def test_a_large_queue_splits_into_five_equal_tiers() -> None:
    scores = [float(i) for i in range(100)]
    tiers = [tier_for_percentile(p) for p in queue_percentiles(scores)]
    assert [tiers.count(t) for t in range(1, 6)] == [20, 20, 20, 20, 20]
    assert tiers == sorted(tiers)
