"""The estimate as a user gets it: `adl-monitor watch --json` against `adl-monitor sim-exchange`,
two real processes, each snapshot scored against the simulator's true tier.

`estimate_accuracy` drives the connectors on a frozen clock, step by step, in one process. That
is fast and deterministic, but it is not what a user runs: it skips the engine's own cadences,
the wallet batch that runs beside the refresh in real time, the JSON the CLI prints, and any
lag between them. This is the issue's own way of measuring (issue 10: "the app's `watch --json`
read through real ccxt"): the sim runs in real time (`--speed` sim seconds per second), `watch`
reads it as it would a venue, and right after each snapshot line this reads
`GET /__sim/truth` — the tier the venue would give each demo position at that moment — and
compares. Scored from the end of the quiet lead-in (`--lead-in`, the calibration) to the end.

    .venv/bin/python -m benchmarks.watch_accuracy --scenario cascade --seed 4 --minutes 20

Per venue it prints how often the estimate is exact and within one tier, how often the true
tier lies in the shown range, and how often the venue's last published tier (the snapshot's
`exchange_adl`) is: for Binance, the baseline the estimate must beat. The run's data and log
stay in a temporary directory; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from adl_monitor.commands.command_line import count_argument
from adl_monitor.commands.sim_exchange import LISTENING
from adl_monitor.sim.populations import DEFAULT_TRADERS_PER_SIDE, POPULATIONS
from adl_monitor.sim.scenarios import SCENARIOS
from benchmarks.estimate_accuracy import TRADERS_PER_SIDE, true_tier

START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


class Score:
    """Per venue: readings scored, and how many were exact, within one, in range, and how many
    the venue's last published tier got right."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = defaultdict(Counter)

    def add(self, position: dict[str, Any], place: dict[str, Any]) -> None:
        venue, estimate = position["exchange"], position["estimate"]
        truth = true_tier(venue, place)
        count = self.counts[venue]
        count["readings"] += 1
        count["exact"] += estimate["tier"] == truth
        count["within_one"] += abs(estimate["tier"] - truth) <= 1
        count["in_range"] += estimate["low"] <= truth <= estimate["high"]
        published = (position.get("exchange_adl") or {}).get("tier")
        if published is not None:
            count["published"] += 1
            count["published_exact"] += published == truth

    def figures(self) -> dict[str, dict[str, float | int]]:
        out: dict[str, dict[str, float | int]] = {}
        for venue, count in sorted(self.counts.items()):
            n = count["readings"]
            row: dict[str, float | int] = {"readings": n}
            for key in ("exact", "within_one", "in_range"):
                row[key] = round(count[key] / n, 4)
            if count["published"]:
                row["last_venue_tier_exact"] = round(count["published_exact"] / n, 4)
            out[venue] = row
        return out


def truth(base_url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base_url}/__sim/truth", timeout=10) as reply:
        return dict(json.load(reply))


def places(world: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Every demo position's true place, by (account, symbol, side)."""
    return {
        (p["account"], p["symbol"], p["side"]): p
        for book in world["venues"].values()
        for p in book["positions"]
    }


def base_url_of(sim: subprocess.Popen[str]) -> str:
    """Read the sim's banner until it names the address it listens on."""
    assert sim.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT
    for line in sim.stdout:
        if found := LISTENING.search(line):
            return found.group(1)
        if time.monotonic() > deadline:
            break
    raise RuntimeError("sim-exchange did not start (no 'Simulated exchange on …' line)")


def snapshots(lines: IO[str]) -> Iterator[dict[str, Any]]:
    for line in lines:
        document = json.loads(line)
        if document.get("type") == "snapshot":
            yield document


def play(args: argparse.Namespace, home: Path) -> tuple[Score, int]:
    """Run both processes until the sim's clock passes the end; the score and the number of
    snapshots read."""
    command = [sys.executable, "-m", "adl_monitor"]
    env = os.environ | {
        "ADLMON_DATA_DIR": str(home / "data"),
        "ADLMON_CACHE_DIR": str(home / "cache"),
        "ADLMON_LOG_DIR": str(home / "log"),
        "ADLMON_CONFIG_DIR": str(home / "config"),
    }
    config = home / "config.toml"
    sim = subprocess.Popen(
        [
            *command,
            "sim-exchange",
            "--port=0",
            f"--scenario={args.scenario}",
            f"--seed={args.seed}",
            f"--speed={args.speed}",
            f"--population={args.population}",
            f"--traders-per-side={args.traders_per_side}",
            f"--lead-in={args.lead_in}",
            f"--write-config={config}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    watch: subprocess.Popen[str] | None = None
    score, seen = Score(), 0
    end = args.lead_in + 60.0 * args.minutes
    try:
        base_url = base_url_of(sim)
        watch = subprocess.Popen(
            [*command, "watch", f"--config={config}", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert watch.stdout is not None
        for snapshot in snapshots(watch.stdout):
            world = truth(base_url)
            seen += 1
            if world["sim_time"] >= end:
                break
            if world["sim_time"] < args.lead_in:
                continue
            true = places(world)
            for position in snapshot["positions"]:
                place = true.get((position["account"], position["symbol"], position["side"]))
                if place is not None and position["estimate"] and not position["stale"]:
                    score.add(position, place)
    finally:
        for process in (watch, sim):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in (watch, sim):
            if process is not None:
                try:
                    process.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    process.kill()
    return score, seen


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.watch_accuracy", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--scenario", default="cascade", choices=sorted(SCENARIOS))
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--population", default="a", choices=POPULATIONS)
    parser.add_argument(
        "--traders-per-side",
        type=count_argument,
        default=DEFAULT_TRADERS_PER_SIDE,
        help=f"the simulator's book (default {DEFAULT_TRADERS_PER_SIDE}, the app's demo; "
        f"estimate_accuracy plays {TRADERS_PER_SIDE})",
    )
    parser.add_argument(
        "--minutes", type=float, default=20.0, help="sim minutes scored after the lead-in"
    )
    parser.add_argument(
        "--lead-in", type=float, default=300.0, help="quiet sim seconds to calibrate in first"
    )
    parser.add_argument(
        "--speed", type=float, default=2.0, help="sim seconds per real second (default 2)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="adl-watch-accuracy-") as home:
        score, seen = play(args, Path(home))
    figures = score.figures()
    if args.json:
        print(json.dumps({"run": vars(args), "snapshots": seen, "per_venue": figures}, indent=2))
        return 0
    print(
        f"{args.scenario}, seed {args.seed}, population {args.population}: {seen} snapshots "
        f"in {time.perf_counter() - started:.0f} s, scored after {args.lead_in:.0f} sim s"
    )
    for venue, row in figures.items():
        baseline = (
            f"  last venue tier exact {100 * float(row['last_venue_tier_exact']):.1f} %"
            if "last_venue_tier_exact" in row
            else ""
        )
        print(
            f"{venue:12} n={row['readings']:<5} exact {100 * float(row['exact']):5.1f} %  "
            f"within one {100 * float(row['within_one']):5.1f} %  "
            f"in range {100 * float(row['in_range']):5.1f} %{baseline}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
