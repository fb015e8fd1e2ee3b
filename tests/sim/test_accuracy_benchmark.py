"""The accuracy benchmark's measuring stick: ADL hits come from the simulator's truth and count
as warned only when the real alert rules spoke first; accuracy is scored only after the
calibration time, against the venue's true tier (benchmarks/estimate_accuracy.py)."""

from __future__ import annotations

from adl_monitor.core.alerts.alert import AlertKind
from adl_monitor.core.model.levels import Level
from adl_monitor.sim.populations import DEFAULT_TRADERS_PER_SIDE
from benchmarks import estimate_accuracy as bench

DEMO_BOOK = DEFAULT_TRADERS_PER_SIDE
HIT = ("demo-bybit", "BTC/USDT:USDT", "long")
SPARED = ("demo-okx", "ETH/USDT:USDT", "short")


async def test_the_squeeze_hit_is_found_warned_and_scored_after_calibration() -> None:
    # The measuring stick, not the book: the demo's book keeps the suite fast.
    results = bench.Results(seeds=(1,), traders_per_side=DEMO_BOOK)
    run = bench.Run("squeeze", 1, results, 60.0, 120.0, traders_per_side=DEMO_BOOK)
    await run.play()

    events = run.sim.truth()["venues"]["bybit"]["adl_events"]
    hit_keys = {(e["account"], e["symbol"], e["side"]) for e in events}
    assert hit_keys and {h.key for h in results.hits} == hit_keys
    for hit in results.hits:
        # The squeeze walks Bybit's tier up to orange and red before it deleverages.
        assert hit.warned_at is not None and hit.lead is not None and hit.lead > 0
    assert max(results.alerts_per_position) == 1

    # Every orange/red warning on a position the simulator did not deleverage is a false alarm.
    warned = {key for key, said in run.warnings.items() if said}
    assert {a.key for a in results.false_alarms} == warned - hit_keys

    # Calibration reads are not scored: at most 24 reads (120 s of story) per open position.
    assert all(hit.at > 60.0 for hit in results.hits)  # the story starts after calibration
    bybit = results.tallies[("bybit", 1)]
    assert 0 < bybit.n <= 24 * 3
    figures = bench.accuracy_json(results)
    for key in ("exact", "within_one", "worst_seed_exact", "no_venue_tier_exact"):
        assert 0.0 <= figures[key] <= 1.0
    assert figures["adl"]["hits"] == len(hit_keys)
    assert figures["adl"]["false_alarms"] == len(results.false_alarms)


def test_orange_then_red_within_a_cooldown_counts_as_two_alerts() -> None:
    """The issue's "alerts per position per cooldown" counts notifications, whatever their
    level: an orange and then a red within one cooldown are two, not one per level."""
    results = bench.Results(seeds=(1,))
    warnings = {
        HIT: [bench.Warning(100.0, Level.ORANGE), bench.Warning(160.0, Level.RED)],
        SPARED: [bench.Warning(120.0, Level.ORANGE, raised="market run")],
    }
    notices = {
        HIT: [(100.0, AlertKind.LEVEL), (160.0, AlertKind.LEVEL), (400.0, AlertKind.ADL_HIT)],
        SPARED: [(120.0, AlertKind.LEVEL)],
    }
    bench.score_warnings(
        results, "cascade", 1, 60.0, {HIT: ("bybit", 400.0)}, warnings, notices, 900.0
    )

    assert [(h.key, h.warned_at, h.lead, h.warned_by) for h in results.hits] == [
        (HIT, 100.0, 300.0, "own tier")
    ]
    assert max(results.alerts_per_position) == 2
    assert max(results.notices_per_position) == 3
    assert [(a.key, a.warning.raised) for a in results.false_alarms] == [(SPARED, "market run")]


def test_a_warning_after_the_hit_does_not_count_as_warned() -> None:
    results = bench.Results(seeds=(1,))
    warnings = {HIT: [bench.Warning(500.0, Level.RED)]}
    bench.score_warnings(results, "cascade", 1, 60.0, {HIT: ("bybit", 400.0)}, warnings, {}, 900.0)
    assert [(h.warned_at, h.lead) for h in results.hits] == [(None, None)]
    assert results.false_alarms == []


async def test_runs_played_by_two_worker_processes_merge_as_one_process_plays_them() -> None:
    """The benchmark plays its runs in worker processes; what it reports — the figures and
    every hit, false alarm and alert count, in order — is what one process reports."""
    runs = ("squeeze", "calm"), (1, 2)
    short = {"calibration": 60.0, "story": 60.0, "traders_per_side": DEMO_BOOK}
    alone = await bench.measure(*runs, workers=1, **short)
    split = await bench.measure(*runs, workers=2, **short)

    assert split.runs == alone.runs == 4
    assert alone.tallies and split.tallies == alone.tallies
    assert alone.hits and split.hits == alone.hits
    assert split.false_alarms == alone.false_alarms
    assert split.alerts_per_position == alone.alerts_per_position
    assert split.notices_per_position == alone.notices_per_position
    assert bench.accuracy_json(split) == bench.accuracy_json(alone)


def test_held_out_seeds_are_played_from_the_first_seed_given() -> None:
    """`--first-seed 11` plays seeds 11–20, populations no rule of the estimator was tuned on;
    without it the benchmark plays seeds 1–10 as before."""
    assert list(bench.arguments([]).played) == list(range(1, 11))
    assert list(bench.arguments(["--first-seed", "11"]).played) == list(range(11, 21))
    assert list(bench.arguments(["--first-seed", "21", "--seeds", "3"]).played) == [21, 22, 23]


def test_the_benchmark_plays_a_bigger_book_than_the_demo_and_says_so() -> None:
    """A tier is a quintile of a queue; on the demo's 150 traders per side a trending history
    leaves a queue of two or three to rank, so the benchmark plays `TRADERS_PER_SIDE`, or the
    size it is told, and its JSON records which."""
    assert bench.arguments([]).traders_per_side == bench.TRADERS_PER_SIDE
    assert bench.TRADERS_PER_SIDE > DEMO_BOOK
    assert bench.arguments(["--traders-per-side", "300"]).traders_per_side == 300

    results = bench.Results(seeds=(1,), traders_per_side=40)
    run = bench.Run("calm", 1, results, calibration=5.0, story=5.0, traders_per_side=40)
    for book in run.sim.world.books.values():
        theirs = [p for queue in book.queues.values() for p in queue]
        synthetic = [p for p in theirs if p.account.name not in book.demo_accounts]
        assert len(synthetic) == 3 * 2 * 40
    assert bench.accuracy_json(results)["traders_per_side"] == 40
