"""Break a chart's line where the data has a hole.

A line drawn straight across twenty minutes when the app was not running (or the account was
failing) claims a history nobody saw. Where two neighbouring samples are further apart than
`gap_seconds` (or several times the usual spacing), a NaN goes between them, and the curves,
drawn with `connect="finite"`, leave the hole empty.
"""

from __future__ import annotations

import math
from itertools import pairwise
from statistics import median

MIN_GAP_SECONDS = 60.0
GAP_FACTOR = 5.0
"""A hole is at least this many times the median spacing of the series (and a minute)."""


def gap_threshold(times: list[float]) -> float:
    steps = [b - a for a, b in pairwise(times) if b > a]
    return max(MIN_GAP_SECONDS, GAP_FACTOR * median(steps)) if steps else MIN_GAP_SECONDS


def break_at_gaps(
    times: list[float], values: list[float], gap_seconds: float | None = None
) -> tuple[list[float], list[float]]:
    """`times`, `values` with a NaN point inserted in the middle of every hole."""
    if len(times) < 2:
        return list(times), list(values)
    gap = gap_seconds if gap_seconds is not None else gap_threshold(times)
    out_t, out_v = [times[0]], [values[0]]
    for (t0, _), (t1, v1) in pairwise(zip(times, values, strict=True)):
        if t1 - t0 > gap:
            out_t.append((t0 + t1) / 2)
            out_v.append(math.nan)
        out_t.append(t1)
        out_v.append(v1)
    return out_t, out_v
