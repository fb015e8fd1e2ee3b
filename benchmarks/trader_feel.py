"""What a trader feels, as one JSON document: each figure taken in this run against a baseline
in this run (`python -m benchmarks --out FILE`, keys in benchmarks/README.md).

Each section is one module; this only runs them, records the targets and prints one line each.
A section that fails is recorded as `{"error": "..."}` and the others still run.
"""

from __future__ import annotations

import asyncio
import os
import platform
import subprocess
import time
from collections.abc import Callable
from typing import Any

from benchmarks import (
    estimate_figures,
    first_paint,
    gui_load,
    history_year,
    refresh_overhead,
    requests_per_refresh,
    warning_latency,
)

TARGETS = {
    "startup.ratio": "≤ 1.5",
    "gui_load.busy_fraction": "≤ 0.10",
    "gui_load.max_frame_ms": "≤ 50",
    "gui_load.rss_mb": "≤ 300",
    "warning_latency_ms.p99": "≤ 50",
    "refresh.*.ratio": "≤ 1.2",
    "history.year_query_ms": "≤ 100",
}


def _sections(quick: bool) -> dict[str, Callable[[], Any]]:
    repeats = 10 if quick else 40
    return {
        "startup": lambda: first_paint.measure(3 if quick else 7),
        "gui_load": lambda: gui_load.measure(15.0 if quick else 60.0),
        "warning_latency_ms": lambda: asyncio.run(warning_latency.measure(10.0 if quick else 40.0)),
        "refresh": lambda: asyncio.run(refresh_overhead.measure(repeats)),
        "requests": lambda: asyncio.run(requests_per_refresh.measure()),
        "history": lambda: history_year.measure(repeats),
        "estimate": lambda: asyncio.run(estimate_figures.figures(quick)),
    }


SECTIONS = tuple(_sections(True))


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):  # noqa: SIM115
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
    except OSError:
        free = ""
    return {
        "nproc": os.cpu_count(),
        "cpu": model or platform.processor(),
        "free_h": free.strip(),
        "loadavg": os.getloadavg(),
        "python": platform.python_version(),
        "shared": "shared with other sessions: absolute figures vary, ratios less",
    }


def run(quick: bool, only: list[str] | None) -> dict[str, Any]:
    document: dict[str, Any] = {"quick": quick, "machine": machine(), "targets": TARGETS}
    for name, section in _sections(quick).items():
        if only and name not in only:
            continue
        started = time.perf_counter()
        try:
            document[name] = section()
        except Exception as error:  # one broken section must not lose the others
            document[name] = {"error": f"{type(error).__name__}: {error}"}
        print(f"{name:20} {time.perf_counter() - started:5.0f} s  {document[name]}", flush=True)
    return document
