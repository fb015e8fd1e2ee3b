"""Seeds draw different trader populations, and some lie outside the estimator prior's design:
a simulator shaped like the prior would only flatter the estimate it benchmarks (issue 10)."""

from __future__ import annotations

import statistics
from functools import cache

from adl_monitor.core.model.position import MarginMode, Side
from adl_monitor.sim.book_position import BookPosition
from adl_monitor.sim.population_mix import is_wild
from adl_monitor.sim.world import World

SEEDS = range(1, 11)  # the accuracy benchmark's seeds
# The prior's design (core/estimate/rank_estimator.py's reference book): 55 % cross, 16 % of
# positions at 50x or more, a mean age of 20 h, and a market that moved at most +22 % for a side.
PRIOR_CROSS = 0.55
PRIOR_HIGH_LEVERAGE = 0.16
PRIOR_MAX_MOVE = 0.22


@cache
def world(seed: int) -> World:
    return World("calm", seed=seed)


def positions(seed: int, venue: str = "bybit") -> list[BookPosition]:
    return [p for q in world(seed).books[venue].queues.values() for p in q if not p.account.demo]


def share(items: list[BookPosition], test: object) -> float:
    return sum(1 for p in items if test(p)) / len(items)  # type: ignore[operator]


def test_every_seed_draws_its_own_crowd() -> None:
    cross = [share(positions(s), lambda p: p.margin_mode is MarginMode.CROSS) for s in SEEDS]
    high = [share(positions(s), lambda p: p.leverage >= 50) for s in SEEDS]
    longs = [share(positions(s), lambda p: p.side is Side.LONG) for s in SEEDS]
    ages = [statistics.fmean(-p.opened_at / 3600 for p in positions(s)) for s in SEEDS]
    for figures in (cross, high, longs, ages):
        assert len({round(f, 2) for f in figures}) >= 8, figures


def losing_share(seed: int, side: Side) -> float:
    mark = world(seed).marks()["BTC"]
    held = [p for p in positions(seed) if p.base == "BTC" and p.side is side]
    return share(held, lambda p: p.upnl(mark) < 0)


def test_the_losing_share_of_a_side_ranges_from_few_to_nearly_all() -> None:
    losing = [losing_share(s, side) for s in SEEDS for side in Side]
    assert min(losing) < 0.2 and max(losing) > 0.9, losing


def test_wild_seeds_go_beyond_the_priors_ranges() -> None:
    wild = [s for s in SEEDS if is_wild(s)]
    assert 2 <= len(wild) <= len(SEEDS) // 2
    for seed in wild:
        crowd = positions(seed)
        cross = share(crowd, lambda p: p.margin_mode is MarginMode.CROSS)
        high = share(crowd, lambda p: p.leverage >= 50)
        low = share(crowd, lambda p: p.leverage <= 5)
        assert abs(cross - PRIOR_CROSS) > 0.3, (seed, cross)
        assert high > 2 * PRIOR_HIGH_LEVERAGE or low > 0.6, (seed, high, low)
        # Positions hours old (the prior assumes about a day), or a trend that left one side's
        # positions further in profit than the prior's market moves span.
        mark = world(seed).marks()["BTC"]
        moves = [p.side.sign * (mark / p.entry - 1) for p in crowd if p.base == "BTC"]
        mean_age = statistics.fmean(-p.opened_at / 3600 for p in crowd)
        assert mean_age < 6 or max(moves) > PRIOR_MAX_MOVE, (seed, mean_age, max(moves))
    typical = [s for s in SEEDS if not is_wild(s)]
    assert all(
        abs(share(positions(s), lambda p: p.margin_mode is MarginMode.CROSS) - PRIOR_CROSS) < 0.3
        for s in typical
    )


def test_a_wild_seed_replays_the_same_crowd() -> None:
    seed = next(s for s in SEEDS if is_wild(s))
    again = World("calm", seed=seed)
    first = [(p.pid, p.entry, p.leverage, p.margin_mode, p.size) for p in positions(seed)]
    second = [
        (p.pid, p.entry, p.leverage, p.margin_mode, p.size)
        for q in again.books["bybit"].queues.values()
        for p in q
        if not p.account.demo
    ]
    assert first == second


def test_entries_scatter_around_the_price_history_the_trend_left() -> None:
    seed = next(s for s in SEEDS if is_wild(s) and abs(world(s).trends["BTC"]) > 0.05)
    past = world(seed)
    old = [p for p in positions(seed) if p.base == "BTC" and -p.opened_at > 36 * 3600]
    ratios = [p.entry / past.history_price("BTC", p.opened_at) for p in old]
    assert 0.9 < statistics.median(ratios) < 1.1
    then, now = past.history_price("BTC", -48 * 3600), past.history_price("BTC", 0)
    moved = now / then - 1
    assert moved * past.trends["BTC"] > 0 and abs(moved) > 0.1  # two days of candles show it
