"""`python -m benchmarks [--quick] [--out FILE] [--only NAME] [NAME ...]`: run benchmarks, print
one table, and write what a trader feels as JSON to FILE (default benchmarks/results.json).

`python -m benchmarks soak [--minutes N]` runs the desktop app for a long while instead
(benchmarks/soak.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from benchmarks import (
    engine_memory,
    estimate_accuracy,
    fetch_overhead,
    snapshot_assembly,
    soak,
    startup,
    trader_feel,
)
from benchmarks.common import Row

BENCHMARKS: dict[str, Callable[[int], Coroutine[Any, Any, list[Row]]]] = {
    "fetch": fetch_overhead.run,
    "snapshot": snapshot_assembly.run,
    "memory": engine_memory.run,
    "startup": startup.run,
    "accuracy": estimate_accuracy.run,
}
ON_REQUEST_ONLY = {"accuracy"}  # the JSON's `estimate` section runs the same measurement
DEFAULT_OUT = Path(__file__).with_name("results.json")


def _print_table(rows: list[Row]) -> None:
    header = Row("benchmark", "measured (ours vs reference)", "ratio", "note")
    table = [header, *rows]
    widths = [max(len(getattr(r, f)) for r in table) for f in ("benchmark", "measured", "ratio")]
    for row in table:
        cells = (row.benchmark, row.measured, row.ratio)
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)), row.note)


def main() -> None:
    if sys.argv[1:2] == ["soak"]:
        sys.exit(soak.main(sys.argv[2:]))
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the JSON results file")
    names = sorted({*BENCHMARKS, *trader_feel.SECTIONS})
    parser.add_argument("--only", choices=names, action="append")
    parser.add_argument("names", nargs="*", metavar="NAME", help="same as --only NAME")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(names))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(names)}")
    args.only = [*(args.only or []), *args.names] or None
    logging.basicConfig(level=logging.ERROR)
    repeats = 10 if args.quick else 40
    rows: list[Row] = []
    started = time.perf_counter()
    for name, bench in BENCHMARKS.items():
        if (args.only and name not in args.only) or (not args.only and name in ON_REQUEST_ONLY):
            continue
        bench_started = time.perf_counter()
        rows.extend(asyncio.run(bench(repeats)))
        print(f"{name:20} {time.perf_counter() - bench_started:5.0f} s", flush=True)
    _print_table(rows)
    if not args.only or set(args.only) & set(trader_feel.SECTIONS):
        print()
        document = trader_feel.run(args.quick, args.only)
        document["command"] = " ".join(["python -m benchmarks", *sys.argv[1:]])
        args.out.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
        print(f"\nJSON written to {args.out}")
    print(
        f"\n{len(rows)} measurements in {time.perf_counter() - started:.0f} s "
        f"(repeats {repeats}; loopback simulator, frozen clock)"
    )


if __name__ == "__main__":
    main()
