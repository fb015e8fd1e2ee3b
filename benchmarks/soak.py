"""`python -m benchmarks soak [--minutes N]`: the desktop app on the demo for a long while.

CI's tests are short; a crash that needs minutes to build up (PySide6 6.12's reference leak
aborted the app after 2-3 minutes) or memory that creeps only shows in a long run. This starts
the real app (`adl-monitor --demo`, the simulator accelerated) on a real X session (Xvfb, a
session bus, dunst, trayer), samples its resident memory, threads and open files, quits it the
way Ctrl+C does, and reports whether it stayed up and exited cleanly. It is a benchmark, not a
test: run it before calling a change to the GUI, the engine or a connector done.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks.desktop_session import Desktop, desktop_session, missing_programs

RSS_TARGET_MB = 300.0
FATAL = "Fatal Python error"


@dataclass(frozen=True)
class Sample:
    at_s: float
    rss_mb: float
    threads: int
    open_files: int
    rss_anon_mb: float = 0.0
    """The heap and other private memory: where a leak shows."""
    rss_file_mb: float = 0.0
    """Pages of the program and its libraries read in as code paths first run: no leak."""


@dataclass
class SoakResult:
    minutes: float
    scenario: str
    speed: float
    stayed_up: bool = False
    exit_code: int | None = None
    clean_exit: bool = False
    samples: list[Sample] = field(default_factory=list)
    log_warnings: int = 0
    log_tracebacks: int = 0
    stderr_tail: str = ""

    def _window(self, start: float, end: float) -> list[Sample]:
        return [s for s in self.samples if start <= s.at_s <= end]

    @property
    def rss_start_mb(self) -> float:
        """After warm-up (the first fifth of the run, at most a minute): markets, fonts, caches."""
        warm = min(60.0, self.minutes * 60 / 5)
        later = self._window(warm, float("inf")) or self.samples
        return later[0].rss_mb if later else 0.0

    @property
    def rss_end_mb(self) -> float:
        return self.samples[-1].rss_mb if self.samples else 0.0

    @property
    def rss_max_mb(self) -> float:
        return max((s.rss_mb for s in self.samples), default=0.0)

    @property
    def rss_slope_mb_per_min(self) -> float:
        """Least-squares slope over the second half of the run: flat means no creep."""
        return self._slope(lambda s: s.rss_mb)

    @property
    def rss_anon_slope_mb_per_min(self) -> float:
        """The same for the private memory alone (`Sample.rss_anon_mb`)."""
        return self._slope(lambda s: s.rss_anon_mb)

    @property
    def rss_largest_step(self) -> tuple[float, float]:
        """(MB, at s): the largest rise between two samples after warm-up. A creep rises a
        little at every sample; one allocation kept resident is a step, and a step in the
        second half weighs on its slope as much as a creep of its size over the half."""
        later = self._window(min(60.0, self.minutes * 60 / 5), float("inf"))
        steps = [(b.rss_mb - a.rss_mb, b.at_s) for a, b in itertools.pairwise(later)]
        return max(steps, default=(0.0, 0.0))

    def _slope(self, value: Callable[[Sample], float]) -> float:
        half = self._window(self.minutes * 30, float("inf"))
        if len(half) < 3:
            return 0.0
        xs = [s.at_s / 60 for s in half]
        ys = [value(s) for s in half]
        mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
        var = sum((x - mean_x) ** 2 for x in xs)
        cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
        return cov / var if var else 0.0

    def summary(self) -> dict[str, object]:
        first, last = (self.samples[0], self.samples[-1]) if self.samples else (None, None)
        return {
            "minutes": self.minutes,
            "scenario": self.scenario,
            "sim_speed": self.speed,
            "stayed_up": self.stayed_up,
            "clean_exit": self.clean_exit,
            "exit_code": self.exit_code,
            "rss_start_mb": round(self.rss_start_mb, 1),
            "rss_end_mb": round(self.rss_end_mb, 1),
            "rss_max_mb": round(self.rss_max_mb, 1),
            "rss_slope_mb_per_min": round(self.rss_slope_mb_per_min, 3),
            "rss_anon_slope_mb_per_min": round(self.rss_anon_slope_mb_per_min, 3),
            "rss_largest_step_mb": round(self.rss_largest_step[0], 1),
            "rss_largest_step_at_s": round(self.rss_largest_step[1]),
            "threads_start": first.threads if first else None,
            "threads_end": last.threads if last else None,
            "open_files_start": first.open_files if first else None,
            "open_files_end": last.open_files if last else None,
            "log_warnings": self.log_warnings,
            "log_tracebacks": self.log_tracebacks,
        }


def _proc_sample(pid: int, at_s: float) -> Sample | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        open_files = len(os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)

    def megabytes(name: str) -> float:
        return float(fields.get(name, "0 kB").split()[0]) / 1024

    return Sample(
        at_s,
        megabytes("VmRSS"),
        int(fields.get("Threads", "0")),
        open_files,
        megabytes("RssAnon"),
        megabytes("RssFile"),
    )


def _app_environment(desktop: Desktop, workdir: Path, speed: float) -> dict[str, str]:
    env = dict(desktop.env, ADLMON_SIM_SPEED=str(speed), PYTHONFAULTHANDLER="1")
    for kind in ("CONFIG", "DATA", "CACHE", "LOG"):
        path = workdir / kind.lower()
        path.mkdir(exist_ok=True)
        env[f"ADLMON_{kind}_DIR"] = str(path)
    return env


def _count_log(workdir: Path, result: SoakResult) -> None:
    for log in (workdir / "log").glob("*.log*"):
        text = log.read_text(encoding="utf-8", errors="replace")
        result.log_warnings += sum(
            1 for line in text.splitlines() if " WARNING " in line or " ERROR " in line
        )
        result.log_tracebacks += text.count("Traceback (most recent call last)")


def soak(
    minutes: float, scenario: str = "squeeze", speed: float = 4.0, interval: float = 5.0
) -> SoakResult:
    result = SoakResult(minutes=minutes, scenario=scenario, speed=speed)
    with (
        tempfile.TemporaryDirectory(prefix="adlmon-soak-") as tmp,
        desktop_session(Path(tmp)) as desktop,
    ):
        workdir = Path(tmp)
        stderr_path = workdir / "app-stderr.txt"
        with stderr_path.open("wb") as stderr:
            app = subprocess.Popen(
                [sys.executable, "-m", "adl_monitor", "--demo", "--scenario", scenario],
                env=_app_environment(desktop, workdir, speed),
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
            started = time.monotonic()
            deadline = started + minutes * 60
            while time.monotonic() < deadline and app.poll() is None:
                sample = _proc_sample(app.pid, time.monotonic() - started)
                if sample is not None:
                    result.samples.append(sample)
                time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
            result.stayed_up = app.poll() is None
            if result.stayed_up:
                _screenshot(desktop)
                app.send_signal(signal.SIGINT)  # what Ctrl+C in the terminal does: quit()
            try:
                result.exit_code = app.wait(30)
            except subprocess.TimeoutExpired:
                app.kill()
                result.exit_code = app.wait(10)
        err = stderr_path.read_text(encoding="utf-8", errors="replace")
        result.stderr_tail = err[-2000:]
        result.clean_exit = result.exit_code == 0 and FATAL not in err
        _count_log(workdir, result)
    return result


def _screenshot(desktop: Desktop) -> None:
    """The screen at the end of the soak, for a human to look at (test-artifacts/)."""
    target = Path(__file__).resolve().parents[1] / "test-artifacts" / "soak-end.png"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        desktop.screenshot(target)


def print_result(result: SoakResult) -> None:
    summary = result.summary()
    for key, value in summary.items():
        print(f"  {key:26s} {value}")
    verdict = (
        "PASS"
        if result.stayed_up
        and result.clean_exit
        and result.rss_max_mb < RSS_TARGET_MB
        and abs(result.rss_slope_mb_per_min) < 1.0
        else "FAIL"
    )
    print(
        f"\nsoak {verdict}: up {result.stayed_up}, clean exit {result.clean_exit}, "
        f"RSS {result.rss_start_mb:.0f} → {result.rss_end_mb:.0f} MB "
        f"(max {result.rss_max_mb:.0f}, target < {RSS_TARGET_MB:.0f} and flat)"
    )
    step, at = result.rss_largest_step
    print(
        f"RSS slope over the second half {result.rss_slope_mb_per_min:.2f} MB/min (private "
        f"memory {result.rss_anon_slope_mb_per_min:.2f}); largest rise between two samples "
        f"{step:.1f} MB at {at / 60:.1f} min"
    )
    if not result.clean_exit and result.stderr_tail:
        print("\nlast lines on stderr:\n" + result.stderr_tail)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=30.0, help="how long (default 30)")
    parser.add_argument("--scenario", default="squeeze", help="demo scenario (default squeeze)")
    parser.add_argument("--speed", type=float, default=4.0, help="sim seconds per real second")
    parser.add_argument("--out", type=Path, default=None, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if args.minutes <= 0:
        parser.error("--minutes must be more than 0")
    missing = missing_programs()
    if missing:
        print("soak needs a desktop session: install " + ", ".join(missing), file=sys.stderr)
        return 2
    result = soak(args.minutes, args.scenario, args.speed)
    print_result(result)
    if args.out is not None:
        document = {**result.summary(), "samples": [asdict(s) for s in result.samples]}
        args.out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0 if result.stayed_up and result.clean_exit else 1
