"""The accuracy benchmark's measuring stick: ADL hits come from the simulator's truth and count
as warned only when the real alert rules spoke first; accuracy is scored only after the
calibration time, against the venue's true tier (benchmarks/estimate_accuracy.py)."""

from __future__ import annotations

from benchmarks import estimate_accuracy as bench


async def test_the_squeeze_hit_is_found_warned_and_scored_after_calibration() -> None:
    results = bench.Results(seeds=(1,))
    run = bench.Run("squeeze", 1, results, calibration=60.0, story=120.0)
    await run.play()

    events = run.sim.truth()["venues"]["bybit"]["adl_events"]
    hit_keys = {(e["account"], e["symbol"], e["side"]) for e in events}
    assert hit_keys and {h.key for h in results.hits} == hit_keys
    for hit in results.hits:
        # The squeeze walks Bybit's tier up to orange and red before it deleverages.
        assert hit.warned_at is not None and hit.lead is not None and hit.lead > 0
    assert max(results.alerts_per_position_level) == 1

    # Calibration reads are not scored: at most 24 reads (120 s of story) per open position.
    assert all(hit.at > 60.0 for hit in results.hits)  # the story starts after calibration
    bybit = results.tallies[("bybit", 1)]
    assert 0 < bybit.n <= 24 * 3
    figures = bench.accuracy_json(results)
    for key in ("exact", "within_one", "worst_seed_exact", "no_venue_tier_exact"):
        assert 0.0 <= figures[key] <= 1.0
    assert figures["adl"]["hits"] == len(hit_keys)
