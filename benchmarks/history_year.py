"""History: a chart query over a year of one position, and database bytes per position-year.

A real SQLite file written by `storage.history.History` with a year's retention, holding what
a year of one position leaves after the app's own thinning (DESIGN: the last day at every
refresh, older days one sample per minute): 17,280 rows at a 5-s refresh for the last day,
1,440 per day before it. The rows are written in bulk through the same INSERT the engine uses
(`History.record` would take minutes to write 540,000 rows one snapshot at a time), then
`prune()` runs once, as the engine's hourly maintenance does. The query is `History.series`
with `max_points=CHART_POINTS`, what the chart asks (`Engine.history_for`); the app asks two
days, measured beside it. The bytes are counted after a VACUUM: a running app's file reuses the
pages thinning frees, so its size follows the rows kept, not the bulk insert made here.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adl_monitor.core.model.adl_indicator import AdlIndicator
from adl_monitor.core.model.position import MarginMode, Position, Side
from adl_monitor.core.model.snapshot import PositionRisk
from adl_monitor.engine.engine import CHART_POINTS
from adl_monitor.storage.history import History

REFRESH_S = 5
DAY_S = 86_400
INSERT = (
    "INSERT INTO position_sample (t, account, exchange, symbol, side, contracts,"
    " notional, mark, entry, liq, pnl_pct, effective_leverage, score,"
    " exchange_tier, exchange_raw, estimate_tier, estimate_low, estimate_high,"
    " level, stale) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


def _risk(now: datetime) -> PositionRisk:
    position = Position(
        account="main", exchange="bybit", symbol="BTC/USDT:USDT", side=Side.LONG,
        contracts=0.5, contract_size=1.0, entry_price=60_000.0, mark_price=66_000.0,
        notional=33_000.0, unrealized_pnl=3_000.0, margin_mode=MarginMode.CROSS,
        leverage=10.0, liquidation_price=54_500.0,
    )  # fmt: skip
    reading = AdlIndicator(raw=3, tier=3, updated_at=now)
    return PositionRisk(position, reading, None, now, effective_leverage=7.5, pnl_pct=0.1)


def _times(now: float) -> list[float]:
    older = range(int(now) - 365 * DAY_S, int(now) - DAY_S, 60)
    recent = range(int(now) - DAY_S, int(now), REFRESH_S)
    return [float(t) for t in (*older, *recent)]


def measure(repeats: int) -> dict[str, float]:
    workdir = Path(tempfile.mkdtemp(prefix="adlmon-history-"))
    try:
        now = datetime.now(UTC)
        history = History(workdir / "history.sqlite", retention_days=366)
        template = History._sample_row(_risk(now))
        rows = [
            (t, *template[1:7], 66_000.0 + (t % 997), *template[8:])
            for t in _times(now.timestamp())
        ]
        conn = history._conn
        assert conn is not None
        with conn:
            conn.executemany(INSERT, rows)
        history.prune(now)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        key = ("main", "BTC/USDT:USDT", "long")
        year, two_days = [], []
        for _ in range(max(3, repeats // 3)):
            started = time.perf_counter()
            points = history.series(key, now - timedelta(days=365), max_points=CHART_POINTS)
            year.append(time.perf_counter() - started)
            started = time.perf_counter()
            history.series(key, now - timedelta(days=2), max_points=CHART_POINTS)
            two_days.append(time.perf_counter() - started)
        history.close()
        with sqlite3.connect(workdir / "history.sqlite") as vacuum:
            vacuum.execute("VACUUM")
        size = sum(p.stat().st_size for p in workdir.iterdir() if p.name.startswith("history"))
        return {
            "year_query_ms": statistics.median(year) * 1000,
            "two_day_query_ms": statistics.median(two_days) * 1000,
            "points_in_year": float(len(points)),
            "bytes_per_position_year": float(size),
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    print(measure(10))
