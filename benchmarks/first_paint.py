"""Start-up as a trader feels it: process start to the main window painted, against a bare
PySide6 + pyqtgraph window (a table and a plot, benchmarks/bare_window.py) started the same way
in the same run; and process start to the first positions on screen in demo mode.

Both are real processes on a real X display (Xvfb, benchmarks/desktop_session.py). The app
reports its milestones through `ADLMON_REPORT_FIRST_PAINT=1` (adl_monitor/ui/timing_report.py);
the bare window prints the same line from its own first paint. Times are CLOCK_MONOTONIC, which
every process on the machine shares, so "start" is the moment before `Popen`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.desktop_session import Desktop, desktop_session, stop_process
from benchmarks.soak import _app_environment

TIMEOUT_S = 60.0


def _time_to(
    command: list[str], env: dict[str, str], events: set[str], workdir: Path
) -> dict[str, float]:
    """Seconds from just before start to each of `events` (lines on the child's stderr)."""
    log = workdir / f"stderr-{time.monotonic_ns()}.txt"
    seen: dict[str, float] = {}
    with log.open("wb") as stderr:
        started = time.monotonic()
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            deadline = started + TIMEOUT_S
            while time.monotonic() < deadline and child.poll() is None and events - set(seen):
                for line in log.read_text(errors="replace").splitlines():
                    parts = line.split()
                    if len(parts) == 3 and parts[0] == "adlmon-timing" and parts[1] in events:
                        seen[parts[1]] = float(parts[2]) - started
                time.sleep(0.02)
        finally:
            stop_process(child)
    return seen


def _median(samples: list[dict[str, float]], event: str) -> float | None:
    values = [s[event] for s in samples if event in s]
    return statistics.median(values) if values else None


def measure(repeats: int) -> dict[str, float | None]:
    with (
        tempfile.TemporaryDirectory(prefix="adlmon-paint-") as tmp,
        desktop_session(Path(tmp)) as desktop,
    ):
        return _measure(desktop, Path(tmp), repeats)


def _measure(desktop: Desktop, workdir: Path, repeats: int) -> dict[str, float | None]:
    bare: list[dict[str, float]] = []
    app: list[dict[str, float]] = []
    # Interleaved, so machine load hits both alike. The first pair only warms the disk cache
    # (Qt, numpy, ccxt): whichever ran first would otherwise read them from disk for the other.
    for attempt in range(-1, repeats):
        appdir = workdir / f"app-{attempt + 1}"
        appdir.mkdir()
        env = dict(_app_environment(desktop, appdir, 1.0), ADLMON_REPORT_FIRST_PAINT="1")
        bare_cmd = [sys.executable, "-m", "benchmarks.bare_window"]
        bare_times = _time_to(bare_cmd, env, {"first-paint"}, workdir)
        app_cmd = [sys.executable, "-m", "adl_monitor", "--demo"]
        app_times = _time_to(app_cmd, env, {"first-paint", "first-positions"}, workdir)
        if attempt >= 0:
            bare.append(bare_times)
            app.append(app_times)
    first_paint, bare_window = _median(app, "first-paint"), _median(bare, "first-paint")
    return {
        "first_paint_s": first_paint,
        "bare_window_s": bare_window,
        "ratio": first_paint / bare_window if first_paint and bare_window else None,
        "first_positions_s": _median(app, "first-positions"),
    }


if __name__ == "__main__":
    print(measure(3))
