"""Each demo run records into its own file; the folder keeps the newest runs only."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from adl_monitor.storage import demo_history
from adl_monitor.storage.history import History


def test_runs_get_their_own_files_and_old_runs_go() -> None:
    start = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    made = []
    for i in range(demo_history.KEEP_RUNS + 3):
        path = demo_history.new_run_path("squeeze", 1, start + timedelta(minutes=i))
        History(path).close()  # a real database, with its -wal/-shm companions
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
        made.append(path)
    assert len(set(made)) == len(made)
    kept = demo_history.runs()
    assert kept == made[-demo_history.KEEP_RUNS :]
    assert demo_history.latest_run_path() == made[-1]
    leftovers = [p.name for p in demo_history.demo_history_dir().iterdir()]
    assert not any(name.startswith(made[0].name) for name in leftovers)


def test_two_processes_in_the_same_second_do_not_share_a_file() -> None:
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    first = demo_history.new_run_path("calm", 1, now)
    assert str(os.getpid()) in first.name and first.name.startswith("calm-seed1-")
