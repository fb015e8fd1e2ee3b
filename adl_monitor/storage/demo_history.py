"""The demo's history: one SQLite file per run of the simulated exchange.

Every demo run starts its own market from scratch, so its positions, prices and tiers have
nothing to do with the previous run's. One shared file joined runs and scenarios into one chart
line, and a `watch --demo` running beside the GUI wrote a second market into the same series
(spikes). A file per run keeps each story whole; the oldest runs are removed so the folder stays
small. The user's real history (`paths.default_history_path`) is never touched here.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path

from adl_monitor.storage import paths

KEEP_RUNS = 10
SUFFIX = ".sqlite3"


def demo_history_dir() -> Path:
    path = paths.data_dir() / "demo-history"
    path.mkdir(parents=True, exist_ok=True)
    return path


def new_run_path(scenario: str, seed: int, now: datetime | None = None) -> Path:
    """A fresh file name for a run that starts now; older runs beyond `KEEP_RUNS` go."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S")
    safe_scenario = "".join(c if c.isalnum() or c in "-_" else "_" for c in scenario)
    path = demo_history_dir() / f"{safe_scenario}-seed{seed}-{stamp}-{os.getpid()}{SUFFIX}"
    _remove_oldest(keep=KEEP_RUNS - 1)
    return path


def runs() -> list[Path]:
    """The recorded demo runs, oldest first."""
    return sorted(demo_history_dir().glob(f"*{SUFFIX}"), key=lambda p: (p.stat().st_mtime, p))


def latest_run_path() -> Path | None:
    recorded = runs()
    return recorded[-1] if recorded else None


def _remove_oldest(keep: int) -> None:
    recorded = runs()
    for old in recorded[: max(0, len(recorded) - keep)]:
        for extra in (old, old.with_name(old.name + "-wal"), old.with_name(old.name + "-shm")):
            with contextlib.suppress(OSError):
                extra.unlink()
