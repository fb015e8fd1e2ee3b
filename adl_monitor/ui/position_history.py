"""What the detail charts plot: each position's numbers over time, as snapshots arrive.

Kept in memory since the app started; the engine's SQLite history (when it has one) is merged in
front through `add_samples`, so a restart does not begin with an empty chart. Memory is bounded
twice: `MAX_SAMPLES` per position and `MAX_TOTAL_SAMPLES` over all of them, shared equally, so
1,000 positions ticking every second do not grow the app without end (benchmarks/gui_load.py);
the chart of the selected position reloads its longer past from the database.
"""

from __future__ import annotations

from collections import deque
from typing import Any, NamedTuple

from adl_monitor.core.model.position import PositionId
from adl_monitor.core.model.snapshot import Snapshot

MAX_SAMPLES = 20_000
MAX_TOTAL_SAMPLES = 250_000  # ~50 MB of samples
MAX_PENDING = 10  # snapshots taken but not yet recorded, should no one record them
MIN_SAMPLES = 120  # however many positions, each keeps its last two minutes at a 1-s pace


class Sample(NamedTuple):
    """One point of a chart, as `samples()` hands it out.

    Kept inside as a plain tuple of numbers: the garbage collector stops tracking an exact
    tuple that holds only numbers (not a dataclass, not even a NamedTuple), so 250,000 kept
    points add nothing to each full collection, which runs on the GUI thread and took 150 ms
    with them tracked (`gui_thread_gc`; benchmarks/gui_load.py --profile)."""

    at: float  # POSIX seconds
    mark: float
    entry: float
    liquidation: float | None
    score: float | None
    exchange_tier: int | None
    estimated_tier: int | None


class PositionHistory:
    def __init__(self, max_samples: int = MAX_SAMPLES, max_total: int = MAX_TOTAL_SAMPLES) -> None:
        self._series: dict[PositionId, deque[tuple[Any, ...]]] = {}
        self._pending: list[Snapshot] = []  # taken, not yet recorded (`record_pending`)
        self._max = max_samples
        self._max_total = max_total

    def _cap(self) -> int:
        """Samples each position may keep: its share of the total, within bounds."""
        share = self._max_total // max(1, len(self._series))
        return max(MIN_SAMPLES, min(self._max, share))

    def add_snapshot(self, snapshot: Snapshot) -> None:
        """Take a snapshot now, record it in `record_pending` (the window calls it a moment
        later, in its own pass of the event loop, so recording 1,000 points does not add to
        the refresh's stall) or at the latest when a chart asks."""
        self._pending.append(snapshot)
        if len(self._pending) > MAX_PENDING:
            self.record_pending()

    def record_pending(self) -> None:
        pending, self._pending = self._pending, []
        for snapshot in pending:
            self._record(snapshot)

    def _record(self, snapshot: Snapshot) -> None:
        """Record every position's fresh data; a stale repeat of old data adds no point."""
        for risk in snapshot.positions:
            if risk.stale:
                continue
            p = risk.position
            at = risk.fetched_at.timestamp()
            series = self._series.setdefault(p.key, deque(maxlen=self._max))
            if series and series[-1][0] >= at:
                continue
            estimate, reading = risk.estimate, risk.exchange_adl
            series.append(
                (
                    at,
                    p.mark_price,
                    p.entry_price,
                    p.liquidation_price,
                    estimate.score if estimate else None,
                    reading.tier if reading else None,
                    estimate.tier if estimate else None,
                )
            )
        cap = self._cap()
        for series in self._series.values():
            while len(series) > cap:
                series.popleft()

    def add_samples(self, key: PositionId, samples: list[Sample]) -> None:
        """Merge older samples (from the history database) in front of what we have."""
        self.record_pending()
        series = self._series.get(key, deque(maxlen=self._max))
        first = series[0][0] if series else float("inf")
        older = [tuple(s) for s in sorted(samples, key=lambda s: s.at) if s.at < first]
        self._series[key] = deque([*older, *series], maxlen=self._max)

    def latest(self, key: PositionId) -> tuple[int, tuple[Any, ...] | None]:
        """How many samples the position has and its newest: changes whenever a chart would."""
        self.record_pending()
        series = self._series.get(key)
        return (len(series), series[-1]) if series else (0, None)

    def samples(self, key: PositionId) -> list[Sample]:
        self.record_pending()
        return list(map(Sample._make, self._series.get(key, ())))
