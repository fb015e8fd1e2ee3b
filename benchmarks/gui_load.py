"""The GUI under load: 1,000 positions all changing every second, in a real window on Xvfb.

A child process shows the real `MainWindow` and is fed synthetic snapshots (core dataclasses)
from a thread through the real `EngineBridge` path (`on_snapshot` on a worker thread → queued
signal → `MainWindow.apply_snapshot` on the GUI thread) — no engine, no simulator — so what is
measured is the GUI alone. As in the app, the snapshots are built on that other thread (it
holds the GIL meanwhile, as the engine does) and Python's cyclic garbage collector runs on the
GUI thread from a timer (`GuiThreadGarbageCollector`, what `ui/app.py` installs), so its pauses
count. The child reports the GUI thread's CPU time over wall time (`time.thread_time()`, busy
fraction of one core) and the longest gap between ticks of a 10-ms precise timer (an event-loop
stall the user would see as a frozen window), with its 99th percentile and the count of gaps
over 50 ms. The baseline is the same window in the same run, shown but fed nothing for 4 s
before the feed starts (`idle_*`): on a shared machine the idle window's own longest gap says
how much of a stall is the machine's. The parent samples the child's RSS every second. The
charts' in-memory history starts full (`_fill_chart_history`), as in a window open for hours:
that store is bounded and would otherwise fill during the run and read as growth.

`python -m benchmarks.gui_load [SECONDS] --profile FILE` also writes a cProfile of the GUI
thread and the stalls over 50 ms beside what ran then (snapshot applied, collection) to FILE.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.desktop_session import desktop_session, stop_process
from benchmarks.gui_stalls import StallRecorder
from benchmarks.soak import _proc_sample

POSITIONS = 1000
WARM_UP_S = 3.0
IDLE_S = 4.0
PROBE_MS = 10


class Heartbeat:
    """Gaps between ticks of the probe timer, and the GUI thread's CPU time, over one phase."""

    def __init__(self, clock: Any) -> None:
        self._clock = clock
        self._last: int | None = None
        self.gaps: list[int] = []
        self.busy = 0.0
        self._cpu0 = self._wall0 = 0.0

    def begin(self) -> None:
        self._last = self._clock.elapsed()
        self._cpu0, self._wall0 = time.thread_time(), time.monotonic()

    def tick(self) -> int | None:
        if self._last is None:
            return None
        now: int = self._clock.elapsed()
        gap, self._last = now - self._last, now
        self.gaps.append(gap)
        return gap

    def end(self) -> None:
        self.busy = (time.thread_time() - self._cpu0) / (time.monotonic() - self._wall0)
        self._last = None

    @property
    def max_gap(self) -> float:
        return float(max(self.gaps, default=0))

    def percentile(self, share: float) -> float:
        ordered = sorted(self.gaps)
        return float(ordered[min(len(ordered) - 1, int(share * len(ordered)))]) if ordered else 0.0

    def over(self, milliseconds: int) -> int:
        return sum(gap > milliseconds for gap in self.gaps)


def _snapshot(count: int, rng: random.Random, marks: list[float]) -> object:
    from adl_monitor.core.advice.suggestion import Action, ActionKind, Advice
    from adl_monitor.core.model.adl_indicator import AdlIndicator
    from adl_monitor.core.model.estimate import Estimate
    from adl_monitor.core.model.position import MarginMode, Position, Side
    from adl_monitor.core.model.snapshot import AccountState, AccountStatus, PositionRisk, Snapshot

    now = datetime.now(UTC)
    risks = []
    for i in range(count):
        marks[i] *= 1 + rng.uniform(-0.002, 0.002)
        tier = 1 + (i + int(marks[i])) % 5
        position = Position(
            account=f"acct{i % 20}",
            exchange=("binance", "bybit", "okx", "hyperliquid")[i % 4],
            symbol=f"C{i}/USDT:USDT",
            side=Side.LONG,
            contracts=1.0,
            contract_size=1.0,
            entry_price=100.0,
            mark_price=marks[i],
            notional=marks[i],
            unrealized_pnl=marks[i] - 100.0,
            margin_mode=MarginMode.CROSS,
            leverage=10.0,
            liquidation_price=91.0,
        )
        risks.append(
            PositionRisk(
                position=position,
                exchange_adl=AdlIndicator(raw=tier, tier=tier, updated_at=now),
                estimate=Estimate(marks[i] / 100, tier, max(0, tier - 1), min(5, tier + 1), ""),
                fetched_at=now,
                advice=Advice("Reduce by 25 %", (Action(ActionKind.REDUCE, 25.0, "%", 3),)),
                effective_leverage=7.5,
                pnl_pct=(marks[i] - 100.0) / 100.0,
            )
        )
    accounts = tuple(
        AccountStatus(f"acct{a}", "bybit", AccountState.LIVE, fetched_at=now) for a in range(20)
    )
    return Snapshot(generated_at=now, accounts=accounts, positions=tuple(risks))


def _fill_chart_history(history: Any, count: int) -> int:
    """Give every position the chart history a window open for hours holds: its share of the
    bound (`position_history.MAX_TOTAL_SAMPLES`), so the RSS and its slope are the steady
    state's, not the first minutes' while that bounded store fills. Samples taken."""
    from adl_monitor.ui import position_history as bounds
    from adl_monitor.ui.position_history import Sample

    share = min(bounds.MAX_SAMPLES, max(bounds.MIN_SAMPLES, bounds.MAX_TOTAL_SAMPLES // count))
    snapshot: Any = _snapshot(count, random.Random(1), [100.0] * count)
    start = time.time() - share - 60
    for risk in snapshot.positions:
        mark = risk.position.mark_price
        # Three numbers of their own per sample (time, mark, score), as a fed one has: shared
        # ones would be replaced by the feed and read as growth.
        samples = [
            Sample(start + j, mark * (1 + j * 1e-6), 100.0, 91.0, mark / 100 + j * 1e-6, 3, 3)
            for j in range(share)
        ]
        history.add_samples(risk.position.key, samples)
    return share * count


def _child(seconds: float, count: int, workdir: Path, profile: Path | None) -> None:
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from adl_monitor.ui.bridge import EngineBridge
    from adl_monitor.ui.gui_thread_gc import GuiThreadGarbageCollector
    from adl_monitor.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    collector = GuiThreadGarbageCollector(app)
    collector.start()
    window = MainWindow(workdir / "window.ini")
    bridge = EngineBridge(lambda: (_ for _ in ()).throw(RuntimeError("no engine here")))
    recorder = StallRecorder(profile) if profile is not None else None
    apply = recorder.timed("apply", window.apply_snapshot) if recorder else window.apply_snapshot
    bridge.snapshot_received.connect(apply)
    window.resize(1400, 900)
    window.show()
    history_samples = _fill_chart_history(window.history, count)
    stop = threading.Event()

    def feed() -> None:
        rng = random.Random(7)
        marks = [100.0 + rng.uniform(-5, 20) for _ in range(count)]
        while not stop.is_set():
            started = time.monotonic()
            bridge.on_snapshot(_snapshot(count, rng, marks))  # type: ignore[arg-type]
            stop.wait(max(0.0, 1.0 - (time.monotonic() - started)))

    feeder = threading.Thread(target=feed, daemon=True)
    clock = QElapsedTimer()
    clock.start()
    idle, loaded = Heartbeat(clock), Heartbeat(clock)
    heartbeat = {"now": idle}

    def probe() -> None:
        gap = heartbeat["now"].tick()
        if recorder and heartbeat["now"] is loaded and gap is not None:
            recorder.gap(gap)

    def measure_idle() -> None:
        idle.begin()

    def start_feeding() -> None:
        idle.end()
        feeder.start()

    def measure_load() -> None:
        heartbeat["now"] = loaded
        loaded.begin()
        if recorder:
            recorder.start()

    def finish() -> None:
        loaded.end()
        if recorder:
            recorder.write(loaded.busy)
        result = {
            "busy_fraction": loaded.busy,
            "max_frame_ms": loaded.max_gap,
            "frame_p99_ms": loaded.percentile(0.99),
            "stalls_over_50ms": loaded.over(50),
            "idle_busy_fraction": idle.busy,
            "idle_max_frame_ms": idle.max_gap,
            "idle_frame_p99_ms": idle.percentile(0.99),
            "rows": window.model.rowCount(),
            "chart_history_samples": history_samples,
        }
        print(json.dumps(result), flush=True)
        stop.set()
        app.quit()

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(probe)
    timer.start(PROBE_MS)
    at = 1.0  # the window shown and painted
    QTimer.singleShot(int(at * 1000), measure_idle)
    at += IDLE_S
    QTimer.singleShot(int(at * 1000), start_feeding)
    at += WARM_UP_S
    QTimer.singleShot(int(at * 1000), measure_load)
    at += seconds
    QTimer.singleShot(int(at * 1000), finish)
    app.exec()
    feeder.join(5)


def _slope(samples: list[tuple[float, float]]) -> float:
    """Least-squares MB per minute over the second half of the samples."""
    half = samples[len(samples) // 2 :]
    if len(half) < 3:
        return 0.0
    xs, ys = [t / 60 for t, _ in half], [r for _, r in half]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var if var else 0.0


def measure(
    seconds: float, count: int = POSITIONS, profile: Path | None = None
) -> dict[str, float | None]:
    with (
        tempfile.TemporaryDirectory(prefix="adlmon-gui-load-") as tmp,
        desktop_session(Path(tmp)) as desktop,
    ):
        command = [
            sys.executable,
            "-m",
            "benchmarks.gui_load",
            "--child",
            str(seconds),
            str(count),
            tmp,
            *([str(profile.resolve())] if profile else []),
        ]
        child = subprocess.Popen(
            command, env=desktop.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        samples: list[tuple[float, float]] = []
        started = time.monotonic()
        try:
            while child.poll() is None and time.monotonic() - started < seconds + 60:
                sample = _proc_sample(child.pid, time.monotonic() - started)
                loaded = sample is not None and sample.at_s >= 1.0 + IDLE_S + WARM_UP_S
                if sample is not None and loaded and sample.rss_mb > 0:
                    samples.append((sample.at_s, sample.rss_mb))
                time.sleep(1.0)
            output = child.stdout.read().decode() if child.stdout else ""
        finally:
            stop_process(child)
    lines = [line for line in output.splitlines() if line.startswith("{")]
    result: dict[str, float | None] = json.loads(lines[-1]) if lines else {}
    result["rss_mb"] = samples[-1][1] if samples else None
    result["rss_slope_mb_per_min"] = _slope(samples)
    result["seconds"] = seconds
    return result


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        profile = Path(sys.argv[5]) if len(sys.argv) > 5 else None
        _child(float(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]), profile)
        return
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gui_load")
    parser.add_argument("seconds", type=float, nargs="?", default=15.0)
    parser.add_argument("--profile", type=Path, help="write the GUI thread's profile here")
    args = parser.parse_args()
    print(measure(args.seconds, profile=args.profile))


if __name__ == "__main__":
    main()
