"""Estimate accuracy and warning lead: the local ADL estimate and the alerts against the
simulator's ground truth, over many seeded populations.

For each scenario and seed the simulator is stepped on its own clock (frozen, `STEP` sim seconds
at a time, no real sleeping); every step the demo accounts are read through the real connectors
and ccxt, run through `core.assess` with ONE `RankEstimator` per run (so calibration accumulates
as it would in the app), fed as a `Snapshot` to the real `core.alerts.rules.AlertRules`, and
compared with the simulator's truth (`World.truth()`, served as `/__sim/truth`) — the tier the venue
itself gives each position at that moment, never the app's own earlier readings.

Each seed draws its own trader population (`adl_monitor/sim/population_mix.py`): leverage mix,
cross share, entry spread and age, losing share, crowding; every fourth seed (2, 6, 10) is
*wild*, outside the ranges the estimator's prior was designed on. `--population b` plays a
second family designed independently (`adl_monitor/sim/population_b.py`: multi-position
accounts, round leverage, entries in bursts, Pareto sizes; docs/simulator.md).

Each run opens with `CALIBRATION` sim seconds of quiet market (the start price and the
scenario's noise: `World(lead_in=…)`) in which the app reads and calibrates; then the
scenario's story plays (its moves, liquidations, ADL, outages), so what is scored is the story,
after calibration.

**Accuracy** is scored only after those `CALIBRATION` sim seconds (the issue's "after 5
simulated minutes of calibration"), to the scenario's end, for every open demo position —
losers included, a Hyperliquid loser's true tier being 0, "not in queue" — per venue and per
seed (a seed's figure pools its scenarios). Reported per venue: the mean over seeds and the
*worst* seed, exact and within one tier; beside Binance, how often simply repeating the venue's
last published tier (30 s refresh) is exact — the baseline the estimate must beat; beside Bybit
and OKX, how often the estimate equals the fresh venue tier next to it; beside Hyperliquid, how
often the true tier lies within the range the estimate shows (`in_range`).

**Warnings** are scored over whole runs: every demo position the simulator deleverages (its
first ADL event in the truth) is an *ADL hit*; it counts as *warned* when an orange or red
level alert on that position came before the hit, and its *lead* is the time from the first
such alert to the hit. Alerts per position per cooldown counts the level alerts the rules
emitted for one position within any window of the rules' cooldown (15 min).

The 40 runs share nothing, so one worker process per core plays them (`measure`), and their
results are merged in the order one process would play them: the same figures, in the same
order, with any number of workers (`--workers 1` plays them all in this process).

    .venv/bin/python -m benchmarks accuracy              # the summary rows
    .venv/bin/python -m benchmarks.estimate_accuracy     # per venue and per seed, ~13 min
    .venv/bin/python -m benchmarks.estimate_accuracy --json
    .venv/bin/python -m benchmarks.estimate_accuracy --first-seed 11   # held-out seeds 11-20
    .venv/bin/python -m benchmarks.estimate_accuracy --population b    # traders of another design
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from adl_monitor.commands.command_line import count_argument
from adl_monitor.core.alerts.alert import Alert, AlertKind
from adl_monitor.core.alerts.rules import AlertRules
from adl_monitor.core.assess import assess
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.model.levels import Level, level_for_tier
from adl_monitor.core.model.position import PositionId
from adl_monitor.core.model.snapshot import AccountState, AccountStatus, PositionRisk, Snapshot
from adl_monitor.engine.snapshot_builder import with_venue_risk
from adl_monitor.exchanges.background_read import BackgroundRead
from adl_monitor.exchanges.base import VenueConnector
from adl_monitor.exchanges.registry import connector_for
from adl_monitor.exchanges.slow_read import SlowRead
from adl_monitor.sim.population_mix import is_wild
from adl_monitor.sim.populations import DEFAULT_TRADERS_PER_SIDE, POPULATIONS
from adl_monitor.sim.server import SimExchange
from adl_monitor.sim.world import World
from benchmarks.common import Row

SCENARIOS = ("calm", "squeeze", "cascade", "hedge-leg")
SEEDS = tuple(range(1, 11))
CALIBRATION = 300.0  # sim seconds before accuracy is scored
STEP = 5.0  # sim seconds between reads: the app's REST cadence
RELATIVE_COST = {"calm": 1.0, "squeeze": 1.0, "cascade": 1.5, "hedge-leg": 0.9}
"""CPU time of one run of each scenario, relative (measured): the costliest are handed out
first."""
TRADERS_PER_SIDE = 750
"""Synthetic traders per venue, symbol and side in the benchmark's book (the simulated
exchange the app runs on has 150), its insurance funds and depth scaled with it (`World`). A
tier is a quintile of the positions in the queue, and a trending history can leave only a few
percent of a side in profit: of 150, two or three, whose quintiles a tick of the mark
reshuffles (seed 14's calm BTC long on Hyperliquid: true tier 3, 5, 3, 5 within 70 s). Real
books hold thousands a side. Three times the wall time of 150 on two cores (docs/simulator.md,
"Book size")."""
STALE_AFTER = 90.0  # seconds: three of Binance's indicator periods, as the engine allows
TIER_VENUES = ("bybit", "binanceusdm", "okx")
NO_TIER_VENUES = ("hyperliquid",)
WARNING_LEVELS = frozenset({Level.ORANGE, Level.RED})


@dataclass
class Tally:
    """Samples of one venue in one seed: one per open demo position per scored step."""

    n: int = 0
    exact: int = 0
    within_one: int = 0
    in_range: int = 0
    reported_n: int = 0
    reported_exact: int = 0
    """The venue's last published tier = true tier: what repeating it would score."""
    agrees: int = 0
    """Estimate = the venue's tier beside it."""
    profitable_n: int = 0
    profitable_exact: int = 0
    """The same over profitable positions only (the ones ADL can hit)."""

    def add(
        self,
        estimate: int,
        low: int,
        high: int,
        truth: int,
        reported: int | None,
        profitable: bool,
    ) -> None:
        self.n += 1
        self.exact += estimate == truth
        self.within_one += abs(estimate - truth) <= 1
        self.in_range += low <= truth <= high
        if profitable:
            self.profitable_n += 1
            self.profitable_exact += estimate == truth
        if reported is not None:
            self.reported_n += 1
            self.reported_exact += reported == truth
            self.agrees += estimate == reported

    def merge(self, other: Tally) -> None:
        for name in Tally.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def share(self, name: str) -> float | None:
        wholes = {"reported_exact": self.reported_n, "agrees": self.reported_n}
        whole = wholes.get(name, self.profitable_n if name.startswith("profitable") else self.n)
        return getattr(self, name) / whole if whole else None


@dataclass(frozen=True)
class AdlHit:
    scenario: str
    seed: int
    venue: str
    key: PositionId
    at: float
    warned_at: float | None
    """Sim time of the first orange/red alert on the position before the hit; None: unwarned."""
    last_warned_at: float | None
    """Sim time of the latest one (the red after an orange, or a re-alert)."""
    story_start: float
    """Sim time the scenario's story began (the end of the calibration lead-in)."""
    warned_by: str | None = None
    """What the first warning rested on: "own tier", or what raised it (`Warning.raised`)."""

    @property
    def lead(self) -> float | None:
        return None if self.warned_at is None else self.at - self.warned_at

    @property
    def lead_from_latest(self) -> float | None:
        return None if self.last_warned_at is None else self.at - self.last_warned_at


@dataclass(frozen=True)
class Warning:
    """One orange/red level alert, as the benchmark keeps it."""

    at: float
    level: Level
    raised: str | None = None
    """What raised it when the market did, not the own tier: "venue-wide risk", "tier rising"
    or "market run" (core/alerts/market_warning.py); None: its own tier."""


@dataclass(frozen=True)
class FalseAlarm:
    scenario: str
    seed: int
    key: PositionId
    warning: Warning


@dataclass
class Results:
    tallies: dict[tuple[str, int], Tally] = field(default_factory=dict)
    """(venue, seed) → samples pooled over the scenarios."""
    hits: list[AdlHit] = field(default_factory=list)
    alerts_per_position: list[int] = field(default_factory=list)
    """Per position that alerted at all, per run: the most warnings (level and monitoring-lost
    alerts, any level) within one cooldown — what the issue's "at most one" counts."""
    notices_per_position: list[int] = field(default_factory=list)
    """The same counting every notification, the ADL-hit fact included."""
    escalations: int = 0
    """Orange → red within a cooldown: the red *replaces* the orange notification on screen
    (`Alert.escalates`), so it is not counted as a second alert above, but counted here."""
    false_alarms: list[FalseAlarm] = field(default_factory=list)
    """Orange/red warnings on positions the simulator did NOT deleverage in that run."""
    seeds: tuple[int, ...] = ()
    runs: int = 0
    population: str = "a"
    """The simulator's trader family (`World(population=…)`)."""
    traders_per_side: int = TRADERS_PER_SIDE
    """The size of the simulator's book (`World(traders_per_side=…)`)."""

    def is_wild(self, seed: int) -> bool:
        """Population A's wild seeds (`population_mix.is_wild`); population B has none."""
        return self.population == "a" and is_wild(seed)

    def tally(self, venue: str, seed: int) -> Tally:
        return self.tallies.setdefault((venue, seed), Tally())

    def merge(self, other: Results) -> None:
        """Add one run's results (its own `Results`, e.g. from a worker process)."""
        for (venue, seed), tally in other.tallies.items():
            self.tally(venue, seed).merge(tally)
        self.hits.extend(other.hits)
        self.alerts_per_position.extend(other.alerts_per_position)
        self.notices_per_position.extend(other.notices_per_position)
        self.escalations += other.escalations
        self.false_alarms.extend(other.false_alarms)
        self.runs += other.runs

    def per_seed(self, venues: Iterable[str]) -> dict[int, Tally]:
        pooled: dict[int, Tally] = {}
        for venue in venues:
            for seed in self.seeds:
                pooled.setdefault(seed, Tally()).merge(self.tallies.get((venue, seed), Tally()))
        return {seed: t for seed, t in pooled.items() if t.n}


@dataclass(frozen=True)
class SeedSpread:
    """A share's mean over seeds and its worst seed."""

    mean: float | None
    worst: float | None
    worst_seed: int | None

    @classmethod
    def of(cls, per_seed: dict[int, Tally], name: str) -> SeedSpread:
        shares = {seed: s for seed, t in per_seed.items() if (s := t.share(name)) is not None}
        if not shares:
            return cls(None, None, None)
        worst_seed = min(shares, key=lambda seed: (shares[seed], seed))
        return cls(statistics.fmean(shares.values()), shares[worst_seed], worst_seed)

    def text(self, wild_seed: Callable[[int], bool] = is_wild) -> str:
        if self.mean is None or self.worst is None:
            return "–"
        wild = " wild" if self.worst_seed is not None and wild_seed(self.worst_seed) else ""
        return f"{pct(self.mean)} (worst seed {self.worst_seed}{wild}: {pct(self.worst)})"


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} s"


def pct(share: float | None) -> str:
    """One decimal: the targets sit at 95 % and 99 %, and 94.7 % must not print as 95 %."""
    return "–" if share is None else f"{100.0 * share:.1f} %"


class SimClock:
    """Maps sim time onto datetimes and paces each connector's slow reads in sim time."""

    def __init__(self, sim: SimExchange) -> None:
        self.sim = sim
        self._last_slow_read: dict[tuple[str, str], float] = {}

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.sim.world.now_ms() / 1000, UTC)

    def pace_venue_risk(self, venue: str, connector: VenueConnector) -> None:
        """Make the venue's slow reads due when their interval has passed in sim time: the
        venue-wide ADL risk (core/model/venue_risk.py; Bybit every minute, Binance every 5
        minutes) and Hyperliquid's sample of other wallets (`exchanges/hyperliquid_wallets.py`).
        The connector paces them with `time.monotonic()`; the frozen simulator jumps sim time
        instead, so the pacing is set here (a benchmark-only reach into the connector). The
        sample runs beside the refresh in the app (`exchanges/background_read.py`); here the
        refresh that starts it waits for it: sim time stands still while it runs, so its values
        are those of the reading's instant."""
        interval = connector.venue_risk_interval
        if interval is not None:
            self._pace(("risk", venue), connector._venue_risk, interval)
        wallets = getattr(connector, "_wallets", None)
        if isinstance(wallets, SlowRead):
            self._pace(("wallets", venue), wallets, wallets.interval)
        if isinstance(wallets, BackgroundRead):
            wallets.awaited = True

    def _pace(self, key: tuple[str, str], read: SlowRead[Any], interval: float) -> None:
        t = self.sim.world.t
        last = self._last_slow_read.get(key)
        if last is None or t - last >= interval - 0.5:
            read._read_at = None
            self._last_slow_read[key] = t
        else:
            read._read_at = time.monotonic()


def restamp(reading: AccountReading, at: datetime) -> AccountReading:
    """The reading as if fetched, its indicator with it, at sim time `at`."""
    adl = {
        key: value if value.tier is None else replace(value, updated_at=at)
        for key, value in reading.adl.items()
    }
    return replace(reading, fetched_at=at, adl=adl)


def true_tier(venue: str, place: dict[str, Any]) -> int:
    """The venue's tier for the position. Hyperliquid queues only the profitable side
    (docs/venues.md), so a loser there is not in the queue: tier 0."""
    if venue in NO_TIER_VENUES and not place["profitable"]:
        return 0
    return int(place["tier"])


class Run:
    """One scenario and seed: the simulator, the connectors, one estimator, one alert rules."""

    def __init__(
        self,
        scenario: str,
        seed: int,
        results: Results,
        calibration: float = CALIBRATION,
        story: float | None = None,
        population: str = "a",
        traders_per_side: int = TRADERS_PER_SIDE,
    ) -> None:
        """`story`: sim seconds of the scenario played after calibration (default: all of it);
        `population`: the simulator's trader family (`World`); `traders_per_side`: the book's
        size (`TRADERS_PER_SIDE`)."""
        self.scenario = scenario
        self.seed = seed
        self.results = results
        self.calibration = calibration
        self.sim = SimExchange(scenario, seed=seed, speed=0)
        # The same world, its story delayed by the calibration time (a benchmark-only swap:
        # the server reads `sim.world` on every request).
        world = self.sim.world
        self.sim.world = World(
            scenario,
            seed,
            traders_per_side,
            epoch_ms=world.epoch_ms,
            lead_in=calibration,
            population=population,
        )
        self.duration = calibration + (world.scenario.duration if story is None else story)
        self.estimator = RankEstimator()
        self.rules = AlertRules()
        self.clock = SimClock(self.sim)
        self.connectors: dict[str, VenueConnector] = {}
        self.rows: dict[str, tuple[PositionRisk, ...]] = {}
        self.warnings: dict[PositionId, list[Warning]] = {}
        self.notices: dict[PositionId, list[tuple[float, AlertKind]]] = {}

    async def play(self) -> None:
        await self.sim.start()
        try:
            accounts = {a.exchange: a for a in self.sim.demo_accounts()}
            for venue, account in accounts.items():
                self.connectors[venue] = connector_for(account.spec(), account.credentials())
                await self.connectors[venue].open()
            for _ in range(int(self.duration / STEP)):
                self.sim.advance(STEP)
                await self._step(accounts)
            self._score_hits()
        finally:
            for connector in self.connectors.values():
                await connector.close()
            await self.sim.stop()

    async def _step(self, accounts: dict[str, Any]) -> None:
        now = self.clock.now()
        t = self.sim.world.t
        truth: Any = self.sim.truth()["venues"]
        statuses = []
        for venue, connector in self.connectors.items():
            spec = accounts[venue].spec()
            self.clock.pace_venue_risk(venue, connector)
            try:
                reading = await connector.fetch()
            except Exception as error:  # an outage or a fault: the app shows it, rows go stale
                self.rows[venue] = tuple(replace(r, stale=True) for r in self.rows.get(venue, ()))
                error_state = AccountStatus(spec.name, venue, AccountState.ERROR, error=str(error))
                statuses.append(error_state)
                continue
            reading = restamp(reading, now)
            assessed = assess(reading, spec, self.estimator, now=now, stale_after=STALE_AFTER)
            risks = with_venue_risk(reading, assessed)
            self.rows[venue] = risks
            statuses.append(AccountStatus(spec.name, venue, AccountState.LIVE, fetched_at=now))
            if t > self.calibration + 1e-9:
                self._score(venue, risks, truth[venue]["positions"])
        snapshot = Snapshot(now, tuple(statuses), tuple(r for rs in self.rows.values() for r in rs))
        for alert in self.rules.feed(snapshot, now):
            key = alert.position_id
            if alert.escalates:
                self.results.escalations += 1
            else:
                self.notices.setdefault(key, []).append((t, alert.kind))
            if alert.kind is AlertKind.LEVEL and alert.level in WARNING_LEVELS:
                self.warnings.setdefault(key, []).append(Warning(t, alert.level, _raised(alert)))

    def _score(
        self, venue: str, risks: Iterable[PositionRisk], places: list[dict[str, Any]]
    ) -> None:
        true = {(p["symbol"], p["side"]): p for p in places}
        tally = self.results.tally(venue, self.seed)
        for risk in risks:
            place = true.get((risk.position.symbol, risk.position.side.value))
            estimate = risk.estimate
            if place is None or estimate is None:
                continue
            reported = risk.exchange_adl.tier if risk.exchange_adl is not None else None
            truth = true_tier(venue, place)
            low, high = estimate.low, estimate.high
            tally.add(estimate.tier, low, high, truth, reported, bool(place["profitable"]))

    def _score_hits(self) -> None:
        """ADL hits, false alarms and alerts per cooldown, from the simulator's own record of
        the ADL it did (`adl_events` in its truth), never from what the app noticed."""
        truth: Any = self.sim.truth()["venues"]
        first_hits: dict[PositionId, tuple[str, float]] = {}
        for venue, book in truth.items():
            for event in book["adl_events"]:
                key = PositionId(event["account"], event["symbol"], event["side"])
                first_hits.setdefault(key, (venue, event["at"]))
        score_warnings(
            self.results,
            self.scenario,
            self.seed,
            self.calibration,
            first_hits,
            self.warnings,
            self.notices,
            self.rules.settings.cooldown.total_seconds(),
        )


RAISED_BY = {
    "Venue-wide ADL risk": "venue-wide risk",
    "Its tier rose": "tier rising",
    "The market ran": "market run",
}


def _raised(alert: Alert) -> str | None:
    """What raised an alert above the level of its own tier (core/alerts/market_warning.py's reason
    opens the body after the account), or None."""
    if alert.tier is None or level_for_tier(alert.tier) >= alert.level:
        return None
    return next((why for words, why in RAISED_BY.items() if words in alert.body), "market")


WARNING_KINDS = frozenset({AlertKind.LEVEL, AlertKind.MONITORING_LOST})
"""What warns of a risk; the ADL hit, an unconfirmed close and a broken hedge report facts."""


def score_warnings(
    results: Results,
    scenario: str,
    seed: int,
    story_start: float,
    first_hits: dict[PositionId, tuple[str, float]],
    warnings: dict[PositionId, list[Warning]],
    notices: dict[PositionId, list[tuple[float, AlertKind]]],
    cooldown: float,
) -> None:
    """Score one run: `first_hits` maps each deleveraged position to (venue, sim time of its
    first ADL event); `warnings` holds the orange/red level alerts per position; `notices` every
    alert (time, kind) per position."""
    for key, (venue, at) in first_hits.items():
        before = [w for w in warnings.get(key, []) if w.at <= at]
        first, last = (before[0], before[-1]) if before else (None, None)
        results.hits.append(
            AdlHit(
                scenario,
                seed,
                venue,
                key,
                at,
                None if first is None else first.at,
                None if last is None else last.at,
                story_start,
                None if first is None else first.raised or "own tier",
            )
        )
    for key, said in warnings.items():
        if key not in first_hits:
            results.false_alarms.extend(FalseAlarm(scenario, seed, key, w) for w in said)
    for alerts in notices.values():
        warned = [t for t, kind in alerts if kind in WARNING_KINDS]
        if warned:
            results.alerts_per_position.append(most_within(warned, cooldown))
        results.notices_per_position.append(most_within([t for t, _ in alerts], cooldown))


def most_within(times: list[float], window: float) -> int:
    """The most alerts (sim times, in order) that fall within one `window` — whatever their
    level: an orange and then a red within it are two."""
    return max(
        (sum(1 for u in times[i:] if u - t < window) for i, t in enumerate(times)), default=0
    )


async def play(
    scenario: str,
    seed: int,
    calibration: float = CALIBRATION,
    story: float | None = None,
    population: str = "a",
    traders_per_side: int = TRADERS_PER_SIDE,
) -> Results:
    """One run, scored into a `Results` of its own (`Run` says what `story` is)."""
    results = Results(seeds=(seed,), population=population, traders_per_side=traders_per_side)
    await Run(scenario, seed, results, calibration, story, population, traders_per_side).play()
    results.runs = 1
    return results


def play_in_worker(
    scenario: str,
    seed: int,
    calibration: float = CALIBRATION,
    story: float | None = None,
    population: str = "a",
    traders_per_side: int = TRADERS_PER_SIDE,
) -> Results:
    """`play` on a worker process's own event loop (a module-level function: it pickles)."""
    return asyncio.run(play(scenario, seed, calibration, story, population, traders_per_side))


async def measure(
    scenarios: Iterable[str] = SCENARIOS,
    seeds: Iterable[int] = SEEDS,
    workers: int | None = None,
    *,
    calibration: float = CALIBRATION,
    story: float | None = None,
    population: str = "a",
    traders_per_side: int = TRADERS_PER_SIDE,
) -> Results:
    """Play every scenario with every seed. The runs share nothing (each has its own
    simulator, connectors, estimator and rules), so `workers` processes (default: one per
    core) play them side by side; each run's results are merged in the order one process
    plays them (scenario by scenario, seed by seed), so the figures and the order of the
    per-run lists are the same whatever the number of workers. `calibration` and `story`
    shorten the runs (tests); `population` picks the simulator's trader family and
    `traders_per_side` the size of its book."""
    results = Results(seeds=tuple(seeds), population=population, traders_per_side=traders_per_side)
    setup = (calibration, story, population, traders_per_side)
    plan = [(scenario, seed) for scenario in scenarios for seed in results.seeds]
    workers = max(1, min(workers or os.cpu_count() or 1, len(plan)))
    if workers == 1:
        for scenario, seed in plan:
            results.merge(await play(scenario, seed, *setup))
        return results
    loop = asyncio.get_running_loop()
    # "spawn": a fresh interpreter per worker, not a fork of a process that may hold threads
    # and an event loop (the JSON run measures a GUI and an engine before this).
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        # The costliest scenarios first, so the workers run out of work together.
        costliest_first = sorted(plan, key=lambda run: -RELATIVE_COST.get(run[0], 1.0))
        futures = {
            run: loop.run_in_executor(pool, play_in_worker, *run, *setup) for run in costliest_first
        }
        for run in plan:
            results.merge(await futures[run])
    return results


# --- reporting -------------------------------------------------------------------------------


def venue_figures(results: Results, venues: Iterable[str]) -> dict[str, Any]:
    per_seed = results.per_seed(venues)
    exact = SeedSpread.of(per_seed, "exact")
    within = SeedSpread.of(per_seed, "within_one")
    last_tier = SeedSpread.of(per_seed, "reported_exact")
    agrees = SeedSpread.of(per_seed, "agrees")
    profitable = SeedSpread.of(per_seed, "profitable_exact")
    in_range = SeedSpread.of(per_seed, "in_range")
    return {
        "exact": exact.mean,
        "within_one": within.mean,
        "worst_seed_exact": exact.worst,
        "worst_seed_within_one": within.worst,
        "worst_seed": exact.worst_seed,
        "last_venue_tier_exact": last_tier.mean,
        "worst_seed_last_venue_tier_exact": last_tier.worst,
        "estimate_equals_venue_tier": agrees.mean,
        "profitable_exact": profitable.mean,
        "worst_seed_profitable_exact": profitable.worst,
        "in_range": in_range.mean,
        "worst_seed_in_range": in_range.worst,
        "samples": sum(t.n for t in per_seed.values()),
    }


def hit_figures(results: Results) -> dict[str, Any]:
    hits = results.hits
    leads = [h.lead for h in hits if h.lead is not None]
    latest = [h.lead_from_latest for h in hits if h.lead_from_latest is not None]
    return {
        "hits": len(hits),
        "warned": len(leads),
        "warned_share": len(leads) / len(hits) if hits else None,
        "median_lead_s": statistics.median(leads) if leads else None,
        "median_lead_from_latest_alert_s": statistics.median(latest) if latest else None,
        "warned_before_story": sum(
            1 for h in hits if h.warned_at is not None and h.warned_at <= h.story_start
        ),
        "hits_first_warned_by": _count(h.warned_by for h in hits if h.warned_by is not None),
        "max_alerts_per_position_per_cooldown": max(results.alerts_per_position, default=0),
        "max_notifications_per_position_per_cooldown": max(results.notices_per_position, default=0),
        "escalations_replacing_a_notification": results.escalations,
        **false_alarm_figures(results),
    }


def _count(words: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    return dict(sorted(counts.items()))


def false_alarm_figures(results: Results) -> dict[str, Any]:
    """Orange/red warnings on positions the simulator did not deleverage in that run: all of
    them, those the market raised (core/alerts/market_warning.py), and per scenario."""
    alarms = results.false_alarms
    per_scenario = {scenario: 0 for scenario in SCENARIOS}
    for alarm in alarms:
        per_scenario[alarm.scenario] = per_scenario.get(alarm.scenario, 0) + 1
    return {
        "false_alarms": len(alarms),
        "false_alarms_raised_by_market": sum(1 for a in alarms if a.warning.raised),
        "false_alarms_by_reason": _count(a.warning.raised or "own tier" for a in alarms),
        "false_alarm_positions": len({(a.scenario, a.seed, a.key) for a in alarms}),
        "false_alarms_per_scenario": per_scenario,
        "runs": results.runs,
    }


def accuracy_json(results: Results) -> dict[str, Any]:
    """The figures as one JSON-ready dict (shares are fractions 0–1).

    Top level: the venues with a tier pooled per seed (`exact`, `within_one`, their worst seed)
    and Hyperliquid (`no_venue_tier_*`); `per_venue` breaks them down, `adl` holds the warnings.
    """
    tiered = venue_figures(results, TIER_VENUES)
    untiered = venue_figures(results, NO_TIER_VENUES)
    rounded = {k: round(v, 3) if isinstance(v, float) else v for k, v in tiered.items()}
    return {
        **rounded,
        "no_venue_tier_exact": _round(untiered["exact"]),
        "no_venue_tier_within_one": _round(untiered["within_one"]),
        "no_venue_tier_worst_seed_exact": _round(untiered["worst_seed_exact"]),
        "no_venue_tier_worst_seed_within_one": _round(untiered["worst_seed_within_one"]),
        "per_venue": {
            venue: {k: _round(v) for k, v in venue_figures(results, (venue,)).items()}
            for venue in (*TIER_VENUES, *NO_TIER_VENUES)
        },
        "adl": {k: _round(v) for k, v in hit_figures(results).items()},
        "scenarios": list(SCENARIOS),
        "seeds": list(results.seeds),
        "population": results.population,
        "traders_per_side": results.traders_per_side,
        "wild_seeds": [seed for seed in results.seeds if results.is_wild(seed)],
        "calibration_s": CALIBRATION,
        "scored": "each scenario's whole story, after calibration",
    }


async def estimate_figures(seeds: Iterable[int] = SEEDS) -> dict[str, Any]:
    """Measure and return `accuracy_json`: what another benchmark's JSON puts under `estimate`."""
    return accuracy_json(await measure(seeds=seeds))


def _round(value: Any) -> Any:
    return round(value, 3) if isinstance(value, float) else value


def rows_for(results: Results) -> list[Row]:
    rows = []
    for label, venues in (
        ("accuracy: venues with a tier", TIER_VENUES),
        *((f"accuracy: {venue}", (venue,)) for venue in (*TIER_VENUES, *NO_TIER_VENUES)),
    ):
        per_seed = results.per_seed(venues)

        def spread(name: str, per_seed: dict[int, Tally] = per_seed) -> str:
            return SeedSpread.of(per_seed, name).text(results.is_wild)

        measured = f"exact {spread('exact')} · within one {spread('within_one')}"
        if venues == ("binanceusdm",):
            note = f"repeating last venue tier: exact {spread('reported_exact')}"
        elif set(venues) <= set(TIER_VENUES):
            note = f"estimate = venue tier {spread('agrees')}"
        else:
            note = (
                f"profitable only: exact {spread('profitable_exact')}; "
                f"true tier within the shown range {spread('in_range')}"
            )
        rows.append(Row(label, measured, f"n={sum(t.n for t in per_seed.values())}", note))
    adl = hit_figures(results)
    lead, latest_lead = adl["median_lead_s"], adl["median_lead_from_latest_alert_s"]
    rows.append(
        Row(
            "warning before ADL",
            f"{adl['warned']}/{adl['hits']} ADL hits warned ({pct(adl['warned_share'])}), "
            f"median lead {seconds(lead)} (from the latest alert {seconds(latest_lead)})",
            f"alerts/position/cooldown ≤ {adl['max_alerts_per_position_per_cooldown']}",
            f"with the ADL-hit notice ≤ {adl['max_notifications_per_position_per_cooldown']}; "
            f"{adl['escalations_replacing_a_notification']} orange → red in place",
        )
    )
    first_by = ", ".join(f"{k} {v}" for k, v in adl["hits_first_warned_by"].items())
    rows.append(Row("  first warned by", first_by or "–", "", ""))
    scenarios = ", ".join(f"{k} {v}" for k, v in adl["false_alarms_per_scenario"].items())
    rows.append(
        Row(
            "false alarms",
            f"{adl['false_alarms']} orange/red alerts on {adl['false_alarm_positions']} positions "
            f"not deleveraged, over {adl['runs']} runs ({scenarios})",
            f"raised by the market: {adl['false_alarms_raised_by_market']}",
            "",
        )
    )
    return rows


async def run(repeats: int) -> list[Row]:
    """`repeats` is ignored: the runs are deterministic, one pass is the measurement."""
    return rows_for(await measure())


def print_per_seed(results: Results) -> None:
    venues = (*TIER_VENUES, *NO_TIER_VENUES)
    print("exact / within one, per seed (pooled over scenarios)")
    print("seed  " + "  ".join(f"{v:>17}" for v in venues))
    for seed in results.seeds:
        cells = []
        for venue in venues:
            tally = results.tallies.get((venue, seed), Tally())
            cells.append(f"{pct(tally.share('exact')):>7} / {pct(tally.share('within_one')):>7}")
        print(f"{seed:>4}{'w' if results.is_wild(seed) else ' '} " + "  ".join(cells))
    early = hit_figures(results)["warned_before_story"]
    print(f"ADL hits first warned during the calibration lead-in (quiet market): {early}")
    for hit in results.hits:
        where = f"{hit.scenario} seed {hit.seed} {hit.key} at {hit.at:.0f} s"
        if hit.warned_at is None:
            print(f"unwarned ADL hit: {where}")
        else:
            print(f"warned ADL hit: {where}, lead {hit.lead:.0f} s, first by {hit.warned_by}")
    for alarm in results.false_alarms:
        w = alarm.warning
        how = f"raised by the {w.raised}" if w.raised else "own tier"
        print(
            f"false alarm: {alarm.scenario} seed {alarm.seed} {alarm.key} {w.level.label} "
            f"at {w.at:.0f} s ({how})"
        )


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; `played` is the seeds to play: `--seeds` of them from `--first-seed`."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.estimate_accuracy")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--json-file", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument(
        "--seeds", type=int, default=len(SEEDS), help="how many seeds to play (default 10)"
    )
    parser.add_argument(
        "--first-seed",
        type=int,
        default=SEEDS[0],
        help="the first seed played (default 1): --first-seed 11 --seeds 10 plays 11..20, "
        "populations no rule of the estimator was tuned on",
    )
    parser.add_argument(
        "--scenario",
        action="append",
        choices=SCENARIOS,
        help="play only this scenario (repeatable; default all four), for a quick look",
    )
    parser.add_argument(
        "--population",
        choices=POPULATIONS,
        default="a",
        help="the simulator's trader family: a (default, population.py) or b, designed "
        "independently of the estimator (population_b.py, docs/simulator.md)",
    )
    parser.add_argument(
        "--traders-per-side",
        type=count_argument,
        default=TRADERS_PER_SIDE,
        help=f"synthetic traders per venue, symbol and side (default {TRADERS_PER_SIDE}; the "
        f"simulated exchange the app runs on has {DEFAULT_TRADERS_PER_SIDE})",
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="processes playing runs (default: one per core)"
    )
    args = parser.parse_args(argv)
    args.played = range(args.first_seed, args.first_seed + args.seeds)
    return args


def main(argv: list[str] | None = None) -> None:
    import logging

    args = arguments(argv)
    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    scenarios = tuple(args.scenario or SCENARIOS)
    measured = asyncio.run(
        measure(
            scenarios,
            args.played,
            args.workers,
            population=args.population,
            traders_per_side=args.traders_per_side,
        )
    )
    figures = json.dumps(accuracy_json(measured), indent=2)
    if args.json_file:
        with open(args.json_file, "w", encoding="utf-8") as out:
            out.write(figures + "\n")
    if args.json:
        print(figures)
        return
    print_per_seed(measured)
    for row in rows_for(measured):
        print(f"{row.benchmark:30} {row.measured}  {row.ratio}  {row.note}")
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
