"""A measuring hook for `benchmarks/first_paint.py`: off unless `ADLMON_REPORT_FIRST_PAINT=1`.

Prints one line per milestone on stderr, `adlmon-timing <event> <monotonic seconds>`; the
benchmark compares it with the moment it started the process (CLOCK_MONOTONIC is system-wide).
"""

from __future__ import annotations

import os
import sys
import time

ENV = "ADLMON_REPORT_FIRST_PAINT"
_reported: set[str] = set()


def report_once(event: str) -> None:
    if event in _reported or os.environ.get(ENV) != "1":
        return
    _reported.add(event)
    print(f"adlmon-timing {event} {time.monotonic():.6f}", file=sys.stderr, flush=True)
