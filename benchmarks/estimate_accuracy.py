"""Estimate accuracy: the local ADL estimate against the simulator's ground truth.

For each scenario and seed the simulator is stepped (clock frozen, `STEP` sim seconds at a
time for `DURATION`); every step the demo accounts are read through the real connectors, run
through `core.assess` with ONE `RankEstimator` per run (so calibration accumulates as it would
in the app), and compared with `/__sim/truth` — the queue place the venue itself ranks by
(`tests/sim/test_truth_agreement.py` checks that the two see the same scores).

Sim time stands in for wall time: each reading is stamped with its sim time and the venues'
indicators are re-read at each connector's own cadence in sim seconds (Binance every 30 s, on
top of Binance's own 30-s refresh), so calibration samples and Binance's lag are what a user
would get in the same minutes of real time.

Reported per group — venues with an indicator (Bybit, Binance, OKX) and Hyperliquid (none) —
over profitable positions (the ones ADL can hit): estimated tier = true tier, true tier within
the estimate's [low, high], mean |estimated − true| tiers, the venue-reported tier = true
tier (what repeating the venue's last tier scores: Binance's lag shows there), and how often
the estimate equals the venue's tier beside it (a fresh Bybit/OKX tier must be the estimate).
The range's mean width (in tiers, 1 = a single tier) keeps "in range" honest: a range of 1…5
always contains the truth. "calibrated" counts only steps where the venue's calibration
(overall, not per queue) already rested on enough readings. Readings and estimates go
through `core.assess`, so each position is calibrated and estimated in its own queue
(symbol, side), as in the app; each demo queue holds one demo position.

    .venv/bin/python -m benchmarks --only accuracy
    .venv/bin/python -m benchmarks.estimate_accuracy      # the per-venue table alone
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from adl_monitor.core.account_reading import AccountReading
from adl_monitor.core.assess import assess
from adl_monitor.core.estimator import RankEstimator
from adl_monitor.exchanges.base import VenueConnector
from adl_monitor.exchanges.registry import connector_for
from adl_monitor.sim.server import SimExchange
from benchmarks.common import Row

SCENARIOS = ("calm", "squeeze", "cascade", "hedge-leg")
SEEDS = (1, 2, 3)
DURATION = 300.0  # sim seconds per run
STEP = 5.0  # sim seconds between reads: the app's REST cadence
STALE_AFTER = 90.0  # seconds: three of Binance's indicator periods, as the engine allows
INDICATOR_VENUES = ("bybit", "binanceusdm", "okx")


@dataclass
class Tally:
    """Counts over profitable demo positions, one sample per position per step."""

    n: int = 0
    exact: int = 0
    in_range: int = 0
    abs_error: float = 0.0
    width: int = 0
    reported_n: int = 0
    reported_exact: int = 0
    agrees: int = 0

    def add(self, estimate: int, low: int, high: int, truth: int, reported: int | None) -> None:
        self.n += 1
        self.exact += estimate == truth
        self.in_range += low <= truth <= high
        self.abs_error += abs(estimate - truth)
        self.width += high - low + 1
        if reported is not None:
            self.reported_n += 1
            self.reported_exact += reported == truth
            self.agrees += estimate == reported

    def merge(self, other: Tally) -> None:
        for name in (
            "n",
            "exact",
            "in_range",
            "abs_error",
            "width",
            "reported_n",
            "reported_exact",
            "agrees",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self) -> tuple[str, str]:
        if not self.n:
            return "no samples", ""
        measured = (
            f"exact {pct(self.exact, self.n)} · in range {pct(self.in_range, self.n)} "
            f"(mean width {self.width / self.n:.1f} tiers) · "
            f"mean |err| {self.abs_error / self.n:.2f} (n={self.n})"
        )
        reported = (
            f"venue-reported (last tier repeated) exact {pct(self.reported_exact, self.reported_n)}"
            f" · estimate = venue tier {pct(self.agrees, self.reported_n)}"
            if self.reported_n
            else "no venue indicator"
        )
        return measured, reported


@dataclass
class Results:
    by_venue: dict[str, Tally] = field(default_factory=dict)
    calibrated_by_venue: dict[str, Tally] = field(default_factory=dict)

    def venue(self, name: str, calibrated: bool) -> Tally:
        table = self.calibrated_by_venue if calibrated else self.by_venue
        return table.setdefault(name, Tally())

    def group(self, venues: Iterable[str], calibrated: bool = False) -> Tally:
        table = self.calibrated_by_venue if calibrated else self.by_venue
        total = Tally()
        for venue in venues:
            total.merge(table.get(venue, Tally()))
        return total


def pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.0f} %" if whole else "–"


class SimClock:
    """Maps sim time onto datetimes and paces each connector's indicator reads in sim time."""

    def __init__(self, sim: SimExchange) -> None:
        self.sim = sim
        self._last_indicator_read: dict[str, float] = {}

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.sim.world.now_ms() / 1000, UTC)

    def pace(self, venue: str, connector: VenueConnector) -> None:
        """Make the connector's indicator due exactly when its interval has passed in sim time.

        The connector paces itself with `time.monotonic()`; the frozen simulator jumps sim time
        instead, so the pacing is set here (a benchmark-only reach into the connector).
        """
        t = self.sim.world.t
        last = self._last_indicator_read.get(venue)
        if last is None or t - last >= connector.adl_interval - 0.5:
            connector._adl_refreshed_at = None
            self._last_indicator_read[venue] = t
        else:
            connector._adl_refreshed_at = time.monotonic()


def restamp(reading: AccountReading, at: datetime, indicator_at: datetime) -> AccountReading:
    """The reading as if fetched at sim time `at`, its indicator read at `indicator_at`."""
    adl = {
        key: value if value.tier is None else replace(value, updated_at=indicator_at)
        for key, value in reading.adl.items()
    }
    return replace(reading, fetched_at=at, adl=adl)


async def run_one(scenario: str, seed: int, results: Results) -> None:
    sim = SimExchange(scenario, seed=seed, speed=0)
    await sim.start()
    connectors: dict[str, VenueConnector] = {}
    try:
        accounts = {a.exchange: a for a in sim.demo_accounts()}
        for venue, account in accounts.items():
            connectors[venue] = connector_for(account.spec(), account.credentials())
            await connectors[venue].open()
        estimator = RankEstimator()
        clock = SimClock(sim)
        indicator_at: dict[str, datetime] = {}
        steps = int(DURATION / STEP)
        for _ in range(steps):
            sim.advance(STEP)
            now = clock.now()
            truth: Any = sim.truth()["venues"]
            for venue, connector in connectors.items():
                clock.pace(venue, connector)
                if connector._adl_refreshed_at is None:
                    indicator_at[venue] = now
                try:
                    reading = await connector.fetch()
                except Exception:  # an outage or a fault: the app would show it; skip the step
                    continue
                reading = restamp(reading, now, indicator_at.get(venue, now))
                risks = assess(
                    reading, accounts[venue].spec(), estimator, now=now, stale_after=STALE_AFTER
                )
                true = {(p["symbol"], p["side"]): p for p in truth[venue]["positions"]}
                calibrated = estimator.calibrated(venue)
                for risk in risks:
                    position = risk.position
                    place = true.get((position.symbol, position.side.value))
                    estimate = risk.estimate
                    if place is None or estimate is None or place["score"] <= 0:
                        continue  # only profitable positions: the ones ADL can hit
                    reported = risk.exchange_adl.tier if risk.exchange_adl is not None else None
                    for tally in (results.venue(venue, False),) + (
                        (results.venue(venue, True),) if calibrated else ()
                    ):
                        tally.add(
                            estimate.tier, estimate.low, estimate.high, place["tier"], reported
                        )
    finally:
        for connector in connectors.values():
            await connector.close()
        await sim.stop()


async def measure(scenarios: Iterable[str] = SCENARIOS, seeds: Iterable[int] = SEEDS) -> Results:
    results = Results()
    for scenario in scenarios:
        for seed in seeds:
            await run_one(scenario, seed, results)
    return results


def rows_for(results: Results) -> list[Row]:
    groups = (
        ("accuracy: indicator venues", INDICATOR_VENUES, False),
        ("accuracy: indicator venues, calibrated", INDICATOR_VENUES, True),
        ("accuracy: hyperliquid (no indicator)", ("hyperliquid",), False),
    )
    rows = []
    for label, venues, calibrated in groups:
        measured, reported = results.group(venues, calibrated).summary()
        rows.append(Row(label, measured, reported))
    return rows


async def run(repeats: int) -> list[Row]:
    """`repeats` is ignored: the runs are deterministic, one pass is the measurement."""
    return rows_for(await measure())


def print_per_venue(results: Results) -> None:
    for calibrated in (False, True):
        print("calibrated steps only" if calibrated else "all steps")
        table = results.calibrated_by_venue if calibrated else results.by_venue
        for venue, tally in sorted(table.items()):
            measured, reported = tally.summary()
            print(f"  {venue:12} {measured}  {reported}")


if __name__ == "__main__":
    import asyncio
    import logging

    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    measured = asyncio.run(measure())
    print_per_venue(measured)
    for row in rows_for(measured):
        print(f"{row.benchmark:42} {row.measured}  {row.ratio}")
    print(f"\n{time.perf_counter() - started:.0f} s")
