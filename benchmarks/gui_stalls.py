"""What the GUI thread did when it stalled: a cProfile of it, and each long event-loop gap
beside the snapshots applied and the collections run around then (`gui_load.py --profile`).

Measure, don't guess: this is how the re-sort of 1,000 rows in a Python `lessThan` and the
chart's grid were found (benchmarks/README.md, "GUI under load").
"""

from __future__ import annotations

import cProfile
import gc
import io
import pstats
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STALL_MS = 50


class StallRecorder:
    def __init__(self, out: Path) -> None:
        self._out = out
        self._profile = cProfile.Profile()
        self._events: list[tuple[str, float, float]] = []  # what, started, seconds
        self._stalls: list[tuple[float, float]] = []  # ended, milliseconds
        self._collecting: float | None = None
        gc.callbacks.append(self._on_gc)

    def timed(self, what: str, slot: Callable[[Any], None]) -> Callable[[Any], None]:
        def run(value: Any) -> None:
            started = time.perf_counter()
            slot(value)
            self._events.append((what, started, time.perf_counter() - started))

        return run

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._collecting = time.perf_counter()
        elif self._collecting is not None:
            started, self._collecting = self._collecting, None
            what = f"gc{info['generation']}"
            self._events.append((what, started, time.perf_counter() - started))

    def start(self) -> None:
        self._profile.enable()

    def gap(self, milliseconds: float) -> None:
        if milliseconds > STALL_MS:
            self._stalls.append((time.perf_counter(), milliseconds))

    def write(self, busy: float) -> None:
        self._profile.disable()
        gc.callbacks.remove(self._on_gc)
        lines = [f"busy fraction (profiled, so higher) {busy:.3f}", "stalls over 50 ms:"]
        for ended, ms in self._stalls:
            began = ended - ms / 1000
            near = [
                f"{what} {1000 * (at - began):+.0f} ms for {1000 * took:.0f} ms"
                for what, at, took in self._events
                if began - 0.02 <= at <= ended
            ]
            lines.append(f"  {ms:.0f} ms: {'; '.join(near) or 'no snapshot, no collection'}")
        applied = [1000 * took for what, _, took in self._events if what == "apply"]
        lines.append("apply_snapshot ms: " + " ".join(f"{ms:.0f}" for ms in applied))
        for order in ("cumulative", "tottime"):
            text = io.StringIO()
            pstats.Stats(self._profile, stream=text).sort_stats(order).print_stats(40)
            lines.append(text.getvalue())
        self._out.write_text("\n".join(lines), encoding="utf-8")
