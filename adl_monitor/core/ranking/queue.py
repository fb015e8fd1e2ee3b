"""Where a score sits in a queue of other traders' scores, and the tier that place earns.

Percentile here is the share of the queue at or behind a score, in percent: the front-most
position is at 100, a lone position too. Tied scores share the front-most place of their group
(an early warning costs less than a late one). The tier is the quintile from the back:
top 20 % → 5 … bottom 20 % → 1 — BitMEX's "priority in the queue in 20 % increments".

BitMEX's worked example (six longs, "Auto-Deleveraging Examples") lists the quintile column
20/40/60/80/80/100 % counted from the front (20 % = the front fifth), the shared value on the
second bucket from the back. Equal quintile cuts over the usual percentile definitions put the
pair of six elsewhere (at-or-behind share: at the front; midpoint: in the middle; strictly
behind: at the back). The rule that yields BitMEX's column is "the nearest 20 % step of the
share at or behind, ties toward the back": `bitmex_quintiles` applies it and reproduces the
example exactly. The tiers keep equal quintiles all the same: over a queue of real size the
nearest-step rule would put only the front 10 % in tier 5 and warn a trader in the next 10 %
one tier too low, while equal cuts are what "20 % increments" means.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from decimal import ROUND_CEILING, Decimal

from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.levels import MAX_TIER
from adl_monitor.core.ranking.formulas.ranking import rank_key

NOT_IN_QUEUE = 0
BACK_TIER = 1
QUINTILE = 20.0


def _key(score: float | Score) -> tuple[float, ...]:
    if isinstance(score, Score):
        return rank_key(score)
    return (score if math.isfinite(score) else -math.inf,)


def queue_percentiles(scores: Sequence[float] | Sequence[Score]) -> list[float]:
    """Percentile 0–100 of each score in the queue, 100 = front (deleveraged first).

    Plain floats are ordered by value; `Score`s by `rank_key`, so a losing position is behind
    every profitable one even where its value is not lower. Non-finite values sort to the back.
    """
    keys = [_key(score) for score in scores]
    ordered = sorted(keys)
    total = len(keys)
    return [100.0 * bisect.bisect_right(ordered, key) / total for key in keys]


def queue_tiers(scores: Sequence[Score], *, losers_queued: bool = True) -> list[int]:
    """The tier each position of one side of one contract earns: its quintile among **all**
    positions of that side, losers included (a side that is mostly losing puts a small loss
    in tier 3–5). Tied losing scores sit at the back of their group: a venue deleverages
    profit, so Binance's many zero-score losers are not the front of anything.

    With `losers_queued=False` (Hyperliquid) losers are not in the queue (tier 0) and the
    profitable positions are ranked among themselves.
    """
    ranked = [s for s in scores if s.profitable or losers_queued]
    keys = sorted(rank_key(s) for s in ranked)
    total = len(keys)
    tiers: list[int] = []
    for score in scores:
        if not (score.profitable or losers_queued):
            tiers.append(NOT_IN_QUEUE)
            continue
        key = rank_key(score)
        if score.profitable:
            place = bisect.bisect_right(keys, key)
        else:
            place = bisect.bisect_left(keys, key) + 1
        tiers.append(tier_for_percentile(100.0 * place / total))
    return tiers


def tier_for_percentile(pct: float) -> int:
    """Quintile of the queue from the back: > 80 → 5, > 60 → 4, > 40 → 3, > 20 → 2, else 1."""
    if math.isnan(pct):
        return BACK_TIER
    clamped = min(100.0, max(0.0, pct))
    return max(BACK_TIER, min(MAX_TIER, math.ceil(clamped / QUINTILE)))


def bitmex_quintiles(scores: Sequence[float] | Sequence[Score]) -> list[int]:
    """BitMEX's documented quintile column: 20 = front fifth … 100 = back fifth.

    The nearest 20 % step of the share at or behind each score, ties toward the back, at least
    one step; then counted from the front. Reproduces BitMEX's six-long example exactly.
    """
    quintiles: list[int] = []
    for pct in queue_percentiles(scores):
        # ceil(x − ½) rounds to the nearest step with a tie going down (toward the back);
        # Decimal keeps 5 × 50 % exactly at the tie.
        step = (Decimal(repr(pct)) / 20 - Decimal("0.5")).to_integral_value(ROUND_CEILING)
        lights = max(BACK_TIER, min(MAX_TIER, int(step)))
        quintiles.append(int(QUINTILE) * (MAX_TIER + 1 - lights))
    return quintiles
