"""The local tier estimate: a documented prior, calibrated by the tiers a venue reports."""

from __future__ import annotations

import json
import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from adl_monitor.core.estimate.rank_estimator import MAX_QUEUES, MIN_READINGS, RankEstimator
from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.levels import Level, level_for_tier
from adl_monitor.core.model.position import Position, Side
from adl_monitor.core.ranking.formulas import describe, score_position
from adl_monitor.core.ranking.queue import queue_tiers
from tests.core.risks import moved_position


def make_position(
    exchange: str, leverage: float, move: float, side: Side = Side.LONG
) -> tuple[Position, AccountFigures]:
    """An isolated position of 1 000 USDT at entry whose price moved by `move` in its favour
    (negative: against it), alone in its account."""
    return moved_position(
        exchange, leverage, move, side=side, entry=100.0, contracts=10.0, account="synthetic"
    )


def venue_book(exchange: str, size: int, seed: int, scale: float = 1.0) -> list[tuple[Score, int]]:
    """A synthetic venue book unlike the prior's: leverage log-uniform 1–50×, moves normal.

    Each position's true tier comes from ranking the whole book with `core.ranking.queue`, as the
    venue does. `scale` stretches every price move (a market that moved further).
    """
    rng = random.Random(seed)
    book: list[Score] = []
    for _ in range(size):
        leverage = math.exp(rng.uniform(0.0, math.log(50.0)))
        move = rng.gauss(0.01, 0.04) * scale
        move = max(move, -0.9 / leverage)  # still alive
        side = rng.choice((Side.LONG, Side.SHORT))
        book.append(score_position(exchange, *make_position(exchange, leverage, move, side)))
    tiers = queue_tiers(book)
    return list(zip(book, tiers, strict=True))


def agreement(estimator: RankEstimator, exchange: str, book: list[tuple[Score, int]]) -> float:
    profitable = [(s, t) for s, t in book if s.profitable]
    hits = sum(1 for s, t in profitable if estimator.estimate(exchange, s).tier == t)
    return hits / len(profitable)


def test_calibration_converges_to_the_venue_tiers() -> None:
    book = venue_book("bybit", 3000, seed=1)
    estimator = RankEstimator()
    before = agreement(estimator, "bybit", book)
    rng = random.Random(2)
    for score, tier in rng.sample(book, 500):
        estimator.observe("bybit", score, tier)
    after = agreement(estimator, "bybit", book)
    assert after >= 0.95, (before, after)
    assert after > before
    off_by_more = [
        (s, t) for s, t in book if s.profitable and abs(estimator.estimate("bybit", s).tier - t) > 1
    ]
    assert not off_by_more


def test_calibration_is_robust_to_a_noisy_indicator() -> None:
    book = venue_book("binanceusdm", 3000, seed=3)
    estimator = RankEstimator()
    rng = random.Random(4)
    for score, tier in rng.sample(book, 600):
        if rng.random() < 0.2:  # one reading in five lags or jumps a tier
            tier = min(5, max(1, tier + rng.choice((-1, 1))))
        estimator.observe("binanceusdm", score, tier)
    assert agreement(estimator, "binanceusdm", book) >= 0.9


def test_memory_is_bounded_and_follows_a_changed_market() -> None:
    estimator = RankEstimator(window=400)
    calm = venue_book("okx", 2000, seed=5)
    wild = venue_book("okx", 2000, seed=6, scale=4.0)
    for score, tier in calm:
        estimator.observe("okx", score, tier)
    assert estimator.readings("okx") == 400
    for score, tier in wild[:400]:
        estimator.observe("okx", score, tier)
    assert estimator.readings("okx") == 400
    assert agreement(estimator, "okx", wild) >= 0.9


def test_a_hyperliquid_loser_reads_not_in_queue() -> None:
    """Hyperliquid queues only profitable positions: a loser is tier 0, grey, and says why."""
    estimator = RankEstimator()
    losing = score_position("hyperliquid", *make_position("hyperliquid", 20.0, -0.03))
    estimate = estimator.estimate("hyperliquid", losing)
    assert (estimate.tier, estimate.low, estimate.high) == (0, 0, 0)
    assert "not in queue" in estimate.basis
    assert level_for_tier(estimate.tier) is Level.NONE


def test_a_losing_position_on_a_mostly_losing_side_gets_the_tier_its_quintile_says() -> None:
    """After a 6 % drop most longs lose; a 25x long down 1 % ranks ahead of most of them."""
    for exchange in ("bybit", "okx"):
        book = trending_book(exchange, 2000, seed=11, move=-0.06)
        losers = [(s, t) for s, t in book if not s.profitable]
        assert len(losers) > 0.8 * len(book)
        estimator = RankEstimator()
        for score, tier in random.Random(12).sample(book, 300):
            estimator.observe(exchange, score, tier)
        small_loss = score_position(exchange, *make_position(exchange, 25.0, -0.01))
        truth = queue_tiers([small_loss, *(s for s, _ in book)])[0]
        assert truth >= 3
        assert estimator.estimate(exchange, small_loss).tier == truth, exchange
        hits = sum(1 for s, t in losers if estimator.estimate(exchange, s).tier == t)
        assert hits >= 0.9 * len(losers), exchange


def test_calibration_recovers_known_cut_points_losers_included() -> None:
    """Cut points below zero (tiers made of losers) are learned like the others."""
    known = (-0.02, -0.005, 0.01, 0.05)
    rng = random.Random(13)
    estimator = RankEstimator()
    for _ in range(500):
        value = rng.uniform(-0.06, 0.1)
        tier = 1 + sum(1 for cut in known if value >= cut)
        estimator.observe("okx", Score(value, "classic", value > 0), tier)
    learned = estimator.thresholds("okx")[1:]
    for cut, want in zip(learned, known, strict=True):
        assert abs(cut - want) < 0.002, (learned, known)


def test_the_prior_warns_of_a_highly_levered_winner_and_not_of_a_small_one() -> None:
    estimator = RankEstimator()
    for exchange in ("bybit", "okx", "binanceusdm", "htx", "bitget", "hyperliquid"):
        big = score_position(exchange, *make_position(exchange, 100.0, 0.05))
        small = score_position(exchange, *make_position(exchange, 2.0, 0.003))
        assert estimator.estimate(exchange, big).tier >= 4, exchange
        # Yellow at most, not a warning: in a flat market half the side is losing and sits
        # behind every winner, so even a tiny winner is in the middle of the queue.
        assert estimator.estimate(exchange, small).tier <= 3, exchange


def test_basis_names_the_formula_inputs_and_the_calibration() -> None:
    estimator = RankEstimator()
    score = score_position("bybit", *make_position("bybit", 10.0, 0.05))
    prior = estimator.estimate("bybit", score)
    assert prior.basis.startswith(describe(score))
    assert "prior: not yet calibrated" in prior.basis
    sample = venue_book("bybit", 200, seed=7)[:50]
    for reading, tier in sample:
        estimator.observe("bybit", reading, tier)
    kept = len(sample)  # losers are ranked in the same queue: they teach the lower cuts
    assert kept >= MIN_READINGS
    calibrated = estimator.estimate("bybit", score)
    assert f"calibrated on {kept} readings on Bybit overall" in calibrated.basis
    assert calibrated.low <= calibrated.tier <= calibrated.high


def test_hyperliquid_stays_on_its_prior_whatever_other_venues_teach() -> None:
    estimator = RankEstimator()
    before = estimator.thresholds("hyperliquid")
    for score, tier in venue_book("bybit", 500, seed=8):
        estimator.observe("bybit", score, tier)
    assert estimator.thresholds("hyperliquid") == before
    score = score_position("hyperliquid", *make_position("hyperliquid", 10.0, 0.05))
    assert (
        "Hyperliquid publishes no ADL indicator" in estimator.estimate("hyperliquid", score).basis
    )


def test_each_venue_is_calibrated_on_its_own() -> None:
    estimator = RankEstimator()
    okx_before = estimator.thresholds("okx")
    for score, tier in venue_book("bybit", 500, seed=9):
        estimator.observe("bybit", score, tier)
    assert estimator.calibrated("bybit") and not estimator.calibrated("okx")
    assert estimator.thresholds("okx") == okx_before
    assert estimator.thresholds("bybit") != okx_before


def test_tier_zero_and_unknown_readings_do_not_calibrate() -> None:
    estimator = RankEstimator()
    score = score_position("bybit", *make_position("bybit", 10.0, 0.05))
    for tier in (0, 6, -1):
        estimator.observe("bybit", score, tier)
    assert estimator.readings("bybit") == 0


def test_calibration_survives_a_restart() -> None:
    estimator = RankEstimator(window=300)
    book = venue_book("gate", 800, seed=10)
    for score, tier in book[:400]:
        estimator.observe("gate", score, tier)
    restored = RankEstimator.from_dict(json.loads(json.dumps(estimator.to_dict())))
    assert restored.readings("gate") == estimator.readings("gate")
    assert restored.thresholds("gate") == estimator.thresholds("gate")
    for score, _ in book:
        assert restored.estimate("gate", score) == estimator.estimate("gate", score)


def test_damaged_state_costs_calibration_not_start_up() -> None:
    damaged = {
        "version": 1,
        "window": "lots",
        "venues": {"bybit": [[0.5, 5], ["x", 3], [0.1], [float("nan"), 2], [0.2, 9]], "okx": 7},
    }
    estimator = RankEstimator.from_dict(damaged)
    assert estimator.readings("bybit") == 1
    assert estimator.readings("okx") == 0
    assert RankEstimator.from_dict({"version": 99}).readings("bybit") == 0


@settings(max_examples=60, deadline=None)
@given(
    readings=st.lists(
        st.tuples(
            st.floats(min_value=1e-4, max_value=10.0, allow_nan=False),
            st.integers(min_value=1, max_value=5),
        ),
        min_size=MIN_READINGS,
        max_size=80,
    ),
    probes=st.lists(st.floats(min_value=1e-5, max_value=20.0), min_size=2, max_size=20),
)
def test_the_mapping_is_monotone_whatever_it_was_fed(
    readings: list[tuple[float, int]], probes: list[float]
) -> None:
    """However noisy the readings, a higher score never gets a lower estimated tier."""
    estimator = RankEstimator()
    for value, tier in readings:
        estimator.observe("kucoinfutures", Score(value, "classic", True), tier)
    cuts = estimator.thresholds("kucoinfutures")
    assert cuts == sorted(cuts)
    tiers = [
        estimator.estimate("kucoinfutures", Score(v, "classic", True)).tier for v in sorted(probes)
    ]
    assert tiers == sorted(tiers)
    assert all(1 <= t <= 5 for t in tiers)


def trending_book(exchange: str, size: int, seed: int, move: float) -> list[tuple[Score, int]]:
    """A book whose side the market moved `move` for (entries spread ±2 % around it)."""
    rng = random.Random(seed)
    book: list[Score] = []
    for _ in range(size):
        leverage = rng.choice((3.0, 5.0, 10.0, 10.0, 20.0, 25.0, 50.0))
        own_move = max(move + rng.gauss(0.0, 0.02), -0.9 / leverage)
        book.append(score_position(exchange, *make_position(exchange, leverage, own_move)))
    tiers = queue_tiers(book)
    return list(zip(book, tiers, strict=True))


def test_a_handful_of_readings_fits_the_market_the_venue_is_in() -> None:
    """After a 10 % rally nearly the whole side is in profit and spreads over all five tiers;
    five readings from the venue are enough to move the estimate to that market."""
    for exchange in ("bybit", "binanceusdm"):
        book = trending_book(exchange, 2000, seed=3, move=0.10)
        estimator = RankEstimator()
        before = agreement(estimator, exchange, book)
        profitable = [(s, t) for s, t in book if s.profitable]
        for score, tier in random.Random(4).sample(profitable, 5):
            estimator.observe(exchange, score, tier)
        assert not estimator.calibrated(exchange)
        after = agreement(estimator, exchange, book)
        assert after >= 0.7, exchange
        assert after > before, exchange
        assert "fitted to" in estimator.estimate(exchange, profitable[0][0]).basis


# ---- per queue: (venue, symbol, side) ---------------------------------------------------

BTC_LONGS = ("BTC/USDT:USDT", "long")
SOL_LONGS = ("SOL/USDT:USDT", "long")
ETH_SHORTS = ("ETH/USDT:USDT", "short")
Book = list[tuple[Score, int]]


def levered_book(size: int, seed: int, leverages: tuple[float, ...], move: float) -> Book:
    """One Bybit queue: its traders' leverage habits and how far the market moved for it."""
    rng = random.Random(seed)
    book: list[Score] = []
    for _ in range(size):
        leverage = rng.choice(leverages)
        own_move = max(move + rng.gauss(0.0, 0.02), -0.9 / leverage)
        book.append(score_position("bybit", *make_position("bybit", leverage, own_move)))
    tiers = queue_tiers(book)
    return list(zip(book, tiers, strict=True))


def btc_and_sol_books() -> tuple[Book, Book]:
    """BTC longs: 2–5×, a flat market. SOL longs: 50–100× after a rally. Their scores are an
    order of magnitude apart: the back of SOL's queue would be the front of BTC's."""
    btc = levered_book(1500, seed=21, leverages=(2.0, 3.0, 5.0), move=0.0)
    sol = levered_book(1500, seed=22, leverages=(50.0, 75.0, 100.0), move=0.08)
    return btc, sol


def feed_both(estimator: RankEstimator, btc: Book, sol: Book, count: int = 150) -> None:
    rng = random.Random(23)
    for (b_score, b_tier), (s_score, s_tier) in zip(
        rng.sample(btc, count), rng.sample(sol, count), strict=True
    ):
        estimator.observe("bybit", b_score, b_tier, queue=BTC_LONGS)
        estimator.observe("bybit", s_score, s_tier, queue=SOL_LONGS)


def queue_agreement(estimator: RankEstimator, book: Book, queue: tuple[str, str] | None) -> float:
    profitable = [(s, t) for s, t in book if s.profitable]
    hits = sum(1 for s, t in profitable if estimator.estimate("bybit", s, queue=queue).tier == t)
    return hits / len(profitable)


def test_each_queue_is_calibrated_on_its_own_where_the_venue_overall_cannot_be() -> None:
    btc, sol = btc_and_sol_books()
    estimator = RankEstimator()
    feed_both(estimator, btc, sol)
    assert estimator.calibrated("bybit", queue=BTC_LONGS)
    assert estimator.calibrated("bybit", queue=SOL_LONGS)
    per_queue = (
        queue_agreement(estimator, btc, BTC_LONGS),
        queue_agreement(estimator, sol, SOL_LONGS),
    )
    per_venue = (queue_agreement(estimator, btc, None), queue_agreement(estimator, sol, None))
    assert min(per_queue) >= 0.9, per_queue
    # One set of cuts for both queues gets at least one of them badly wrong.
    assert min(per_venue) < 0.6, per_venue
    sol_readings = estimator.readings("bybit", queue=SOL_LONGS)
    sol_basis = estimator.estimate("bybit", sol[0][0], queue=SOL_LONGS).basis
    assert f"calibrated on {sol_readings} readings of SOL/USDT:USDT longs on Bybit" in sol_basis
    venue_basis = estimator.estimate("bybit", sol[0][0]).basis
    assert f"calibrated on {estimator.readings('bybit')} readings on Bybit overall" in venue_basis


def test_the_advisor_cut_points_follow_the_queue() -> None:
    btc, sol = btc_and_sol_books()
    estimator = RankEstimator()
    feed_both(estimator, btc, sol)
    btc_red = estimator.tier_start("bybit", 5, queue=BTC_LONGS)
    sol_red = estimator.tier_start("bybit", 5, queue=SOL_LONGS)
    assert sol_red > 3 * btc_red
    assert estimator.thresholds("bybit", queue=SOL_LONGS) == sorted(
        estimator.thresholds("bybit", queue=SOL_LONGS)
    )


def test_a_new_queue_falls_back_to_the_venue_overall() -> None:
    btc, sol = btc_and_sol_books()
    estimator = RankEstimator()
    feed_both(estimator, btc, sol, count=40)
    assert estimator.readings("bybit", queue=ETH_SHORTS) == 0
    assert estimator.thresholds("bybit", queue=ETH_SHORTS) == estimator.thresholds("bybit")
    for score, _ in btc[:50]:
        new_queue = estimator.estimate("bybit", score, queue=ETH_SHORTS)
        venue = estimator.estimate("bybit", score)
        assert (new_queue.tier, new_queue.low, new_queue.high) == (
            venue.tier,
            venue.low,
            venue.high,
        )
    basis = estimator.estimate("bybit", btc[0][0], queue=ETH_SHORTS).basis
    assert "on Bybit overall" in basis
    assert "no readings yet of ETH/USDT:USDT shorts" in basis


def test_a_queue_with_few_readings_has_a_wider_range_than_a_calibrated_one() -> None:
    btc, _ = btc_and_sol_books()
    rng = random.Random(24)
    sample = rng.sample([(s, t) for s, t in btc if s.profitable], 200)
    few, many = RankEstimator(), RankEstimator()
    for score, tier in sample[:3]:
        few.observe("bybit", score, tier, queue=BTC_LONGS)
    for score, tier in sample:
        many.observe("bybit", score, tier, queue=BTC_LONGS)

    def mean_width(estimator: RankEstimator) -> float:
        ranges = [estimator.estimate("bybit", s, queue=BTC_LONGS) for s, _ in btc if s.profitable]
        return sum(e.high - e.low + 1 for e in ranges) / len(ranges)

    def in_range(estimator: RankEstimator) -> float:
        profitable = [(s, t) for s, t in btc if s.profitable]
        hits = 0
        for score, tier in profitable:
            estimate = estimator.estimate("bybit", score, queue=BTC_LONGS)
            hits += estimate.low <= tier <= estimate.high
        return hits / len(profitable)

    assert mean_width(few) > mean_width(many)
    assert "not yet calibrated (3 of" in few.estimate("bybit", btc[0][0], queue=BTC_LONGS).basis
    assert in_range(few) >= 0.8 and in_range(many) >= 0.9


def test_tracked_queues_are_bounded_least_recently_used_first() -> None:
    estimator = RankEstimator()
    score = score_position("bybit", *make_position("bybit", 10.0, 0.05))
    estimator.observe("bybit", score, 3, queue=BTC_LONGS)
    for i in range(MAX_QUEUES + 50):
        estimator.observe("bybit", score, 3, queue=(f"COIN{i}/USDT:USDT", "long"))
        estimator.estimate("bybit", score, queue=BTC_LONGS)  # in use: kept
    assert estimator.readings("bybit", queue=BTC_LONGS) == 1
    assert estimator.readings("bybit", queue=("COIN0/USDT:USDT", "long")) == 0
    kept = estimator.to_dict()["queues"]
    assert isinstance(kept, list) and len(kept) == MAX_QUEUES
    assert estimator.readings("bybit") == MAX_QUEUES + 51  # the venue level keeps them all


def test_per_queue_calibration_survives_a_restart() -> None:
    btc, sol = btc_and_sol_books()
    estimator = RankEstimator()
    feed_both(estimator, btc, sol, count=60)
    restored = RankEstimator.from_dict(json.loads(json.dumps(estimator.to_dict())))
    for queue, book in ((BTC_LONGS, btc), (SOL_LONGS, sol)):
        assert restored.readings("bybit", queue=queue) == estimator.readings("bybit", queue=queue)
        assert restored.readings("bybit", queue=queue) > 0
        assert restored.thresholds("bybit", queue=queue) == estimator.thresholds(
            "bybit", queue=queue
        )
        for score, _ in book[:200]:
            assert restored.estimate("bybit", score, queue=queue) == estimator.estimate(
                "bybit", score, queue=queue
            )


def test_a_file_written_before_per_queue_calibration_still_loads() -> None:
    btc, _ = btc_and_sol_books()
    old_file = {
        "version": 1,
        "window": 600,
        "venues": {"bybit": [[s.value, t] for s, t in btc[:300] if s.profitable]},
    }
    restored = RankEstimator.from_dict(json.loads(json.dumps(old_file)))
    assert restored.calibrated("bybit")
    assert restored.readings("bybit", queue=BTC_LONGS) == 0
    estimate = restored.estimate("bybit", btc[0][0], queue=BTC_LONGS)
    assert "on Bybit overall" in estimate.basis
    assert queue_agreement(restored, btc, BTC_LONGS) >= 0.9


def test_damaged_queue_entries_cost_that_queue_only() -> None:
    data = {
        "version": 1,
        "venues": {"bybit": [[0.5, 5]]},
        "queues": [
            ["bybit", "BTC/USDT:USDT", "long", [[0.5, 5], ["x", 1], [0.1, 9]]],
            ["bybit", "ETH/USDT:USDT", 7, [[0.5, 5]]],
            ["bybit", "SOL/USDT:USDT"],
            "junk",
        ],
    }
    restored = RankEstimator.from_dict(data)
    assert restored.readings("bybit") == 1
    assert restored.readings("bybit", queue=BTC_LONGS) == 1
    assert restored.readings("bybit", queue=("ETH/USDT:USDT", "short")) == 0
    assert RankEstimator.from_dict({**data, "queues": "junk"}).readings("bybit") == 1


@settings(max_examples=60, deadline=None)
@given(
    exchange=st.sampled_from(("bybit", "okx", "binanceusdm", "htx", "hyperliquid")),
    readings=st.lists(
        st.tuples(
            st.floats(min_value=-1.0, max_value=10.0, allow_nan=False),
            st.integers(min_value=1, max_value=5),
        ),
        max_size=60,
    ),
    probes=st.lists(st.floats(min_value=-2.0, max_value=20.0), min_size=2, max_size=20),
)
def test_a_higher_score_never_gets_a_lower_tier_losers_included(
    exchange: str, readings: list[tuple[float, int]], probes: list[float]
) -> None:
    """Prior, fitted or calibrated, on every formula family: the tier never falls as the
    score rises, across the losing branch and into the profitable one."""
    estimator = RankEstimator()
    for value, tier in readings:
        estimator.observe(exchange, Score(value, "classic", value > 0), tier)
    tiers = [estimator.estimate(exchange, Score(v, "classic", v > 0)).tier for v in sorted(probes)]
    assert tiers == sorted(tiers), (exchange, sorted(probes), tiers)
    in_queue_tiers = [t for v, t in zip(sorted(probes), tiers, strict=True) if v > 0]
    assert all(1 <= t <= 5 for t in in_queue_tiers)
