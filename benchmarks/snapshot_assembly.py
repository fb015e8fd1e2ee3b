"""Building a snapshot: assessing 1,000 positions (scores, estimates, advice), re-marking
staleness on a rebuild, and writing the JSON document — per 1,000 positions.

The positions are the simulator's demo positions read through the real connectors, copied
under distinct account names until there are 1,000.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime

from adl_monitor.commands.snapshot_json import dumps, snapshot_to_dict
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.engine.account_tracker import AccountTracker
from adl_monitor.engine.snapshot_builder import SnapshotBuilder
from adl_monitor.exchanges.registry import connector_for
from benchmarks.common import Row, demo_accounts, ms, start_sim

TARGET = 1000


async def _readings() -> list[tuple[AccountSpec, AccountReading]]:
    sim = start_sim()
    try:
        accounts, credentials = demo_accounts(sim)
        readings = []
        for spec in accounts:
            connector = connector_for(spec, credentials(spec), cache_dir=None)
            try:
                readings.append((spec, await connector.fetch()))
            finally:
                await connector.close()
        return readings
    finally:
        sim.stop()


def _trackers(readings: list[tuple[AccountSpec, AccountReading]]) -> list[AccountTracker]:
    trackers: list[AccountTracker] = []
    total = 0
    copy = 0
    while total < TARGET:
        for spec, reading in readings:
            name = f"{spec.name}-{copy}"
            positions = tuple(replace(p, account=name) for p in reading.positions)
            positions = positions[: TARGET - total]
            tracker = AccountTracker(replace(spec, name=name), period=5.0)
            tracker.record_reading(replace(reading, positions=positions))
            trackers.append(tracker)
            total += len(positions)
            if total >= TARGET:
                break
        copy += 1
    return trackers


async def run(repeats: int) -> list[Row]:
    readings = await _readings()
    fresh, rebuild, document = [], [], []
    count = 0
    for _ in range(max(3, repeats // 5)):
        trackers = _trackers(readings)
        builder = SnapshotBuilder(RankEstimator())
        now = datetime.now(UTC)
        started = time.perf_counter()
        snapshot = builder.build(trackers, now)
        fresh.append(time.perf_counter() - started)
        started = time.perf_counter()
        builder.build(trackers, now)
        rebuild.append(time.perf_counter() - started)
        started = time.perf_counter()
        dumps(snapshot_to_dict(snapshot))
        document.append(time.perf_counter() - started)
        count = len(snapshot.positions)
    scale = TARGET / count
    best_fresh, best_rebuild, best_json = min(fresh) * scale, min(rebuild) * scale, min(document)
    return [
        Row(
            "snapshot: assess 1,000 new positions",
            ms(best_fresh),
            "—",
            f"{count} positions in {len(trackers)} accounts",
        ),
        Row(
            "snapshot: rebuild 1,000 (no new data)",
            ms(best_rebuild),
            f"{best_rebuild / best_fresh:.2f}× of a fresh build",
            "staleness re-marked only",
        ),
        Row(
            "snapshot: JSON document for 1,000",
            ms(best_json * scale),
            f"{best_json / best_fresh:.2f}× of a fresh build",
        ),
    ]
