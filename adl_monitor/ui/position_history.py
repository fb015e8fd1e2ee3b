"""What the detail charts plot: each position's numbers over time, as snapshots arrive.

Kept in memory since the app started; the engine's SQLite history (when it has one) is merged in
front through `add_samples`, so a restart does not begin with an empty chart. Memory is bounded
twice: `MAX_SAMPLES` per position and `MAX_TOTAL_SAMPLES` over all of them, shared equally, so
1,000 positions ticking every second do not grow the app without end (benchmarks/gui_load.py);
the chart of the selected position reloads its longer past from the database.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from adl_monitor.core.snapshot import Snapshot

PositionKey = tuple[str, str, str]
MAX_SAMPLES = 20_000
MAX_TOTAL_SAMPLES = 250_000  # ~50 MB of samples
MIN_SAMPLES = 120  # however many positions, each keeps its last two minutes at a 1-s pace


@dataclass(frozen=True, slots=True)
class Sample:
    at: float  # POSIX seconds
    mark: float
    entry: float
    liquidation: float | None
    score: float | None
    exchange_tier: int | None
    estimated_tier: int | None


class PositionHistory:
    def __init__(self, max_samples: int = MAX_SAMPLES, max_total: int = MAX_TOTAL_SAMPLES) -> None:
        self._series: dict[PositionKey, deque[Sample]] = {}
        self._max = max_samples
        self._max_total = max_total

    def _cap(self) -> int:
        """Samples each position may keep: its share of the total, within bounds."""
        share = self._max_total // max(1, len(self._series))
        return max(MIN_SAMPLES, min(self._max, share))

    def add_snapshot(self, snapshot: Snapshot) -> None:
        """Record every position's fresh data; a stale repeat of old data adds no point."""
        for risk in snapshot.positions:
            if risk.stale:
                continue
            p = risk.position
            sample = Sample(
                at=risk.fetched_at.timestamp(),
                mark=p.mark_price,
                entry=p.entry_price,
                liquidation=p.liquidation_price,
                score=risk.estimate.score if risk.estimate else None,
                exchange_tier=risk.exchange_adl.tier if risk.exchange_adl else None,
                estimated_tier=risk.estimate.tier if risk.estimate else None,
            )
            series = self._series.setdefault(risk.key, deque(maxlen=self._max))
            if series and series[-1].at >= sample.at:
                continue
            series.append(sample)
        cap = self._cap()
        for series in self._series.values():
            while len(series) > cap:
                series.popleft()

    def add_samples(self, key: PositionKey, samples: list[Sample]) -> None:
        """Merge older samples (from the history database) in front of what we have."""
        series = self._series.get(key, deque(maxlen=self._max))
        first = series[0].at if series else float("inf")
        older = sorted((s for s in samples if s.at < first), key=lambda s: s.at)
        self._series[key] = deque([*older, *series], maxlen=self._max)

    def samples(self, key: PositionKey) -> list[Sample]:
        return list(self._series.get(key, ()))
