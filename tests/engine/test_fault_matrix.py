"""Every fault the simulator can stage, on every venue it speaks, through the real connectors,
the real engine (on its own thread, as the app runs it) and a real SQLite history file.

In every cell, while one venue misbehaves:

* the faulty account shows one sentence naming it, and keeps its positions, marked stale;
* the other accounts are unaffected: live, their positions present, their data fresh;
* nothing stale shows as live — checked on *every* published snapshot of the whole run: an
  account shown live, or a row not marked stale, holds data no older than the venue's staleness
  bound (`stale_after_periods` refresh periods);
* monitoring resumes when the fault ends: the account is live again with its positions;
* no history row is lost: the healthy accounts' samples keep being written during the fault,
  the faulty account's earlier samples are all still there, and its state changes are recorded.

One simulator and one engine serve all REST cells (the sim clock is frozen: no cell waits on sim
time); the websocket cells have their own engine with streams on. Engine periods are shortened
through `EngineSettings` so a cell takes a couple of seconds; every wait is for a condition, with
a generous time-out.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adl_monitor.core.model.snapshot import AccountState, AccountStatus, Snapshot
from adl_monitor.engine.options import EngineOptions
from adl_monitor.engine.runner import EngineRunner
from adl_monitor.engine.settings import EngineSettings
from adl_monitor.exchanges.base import VenueConnector
from adl_monitor.sim.demo import DEMO_ACCOUNT_NAMES, DEMO_SECRET, VENUES
from adl_monitor.sim.faults import FaultKind
from adl_monitor.sim.thread import SimExchangeThread
from tests.engine.conftest import FAST, RecordingFactory, demo_setup

SETTINGS = replace(FAST, refresh_seconds=0.25, request_timeout=2.0, coalesce_seconds=0.02)
"""The engine tests' fast settings (REST only), with time-outs a fault can outlast."""
STREAM_SETTINGS = replace(SETTINGS, use_websocket=True, reconcile_seconds=60.0)
"""Streams on; REST would only reconcile once a minute while a stream delivers."""

BOUND = SETTINGS.stale_after_periods * SETTINGS.period_for(VenueConnector.position_interval)
"""The venues' staleness bound under these settings, in seconds."""
SLACK = 0.5
"""Seconds of publishing granularity allowed on top of the bound."""
WAIT = 30.0
"""Generous time-out for any condition: a slow shared machine must not fail a cell."""
STARTUP = 120.0
"""Time-out for the engine's first readings (markets are loaded then)."""
RETRY_AFTER = 1

STREAM_VENUES = ("bybit", "okx")
"""The venues whose private position stream the simulator serves."""


def _cells(kinds: list[FaultKind], venues: tuple[str, ...]) -> list[object]:
    return [pytest.param(venue, kind, id=f"{venue}-{kind}") for kind in kinds for venue in venues]


HTTP_CELLS = _cells([k for k in FaultKind if k is not FaultKind.WS_SILENT], VENUES)
STREAM_CELLS = _cells([FaultKind.WS_SILENT], STREAM_VENUES)


def _age(snapshot: Snapshot, at: datetime | None) -> float:
    return (snapshot.generated_at - at).total_seconds() if at else float("inf")


@dataclass
class Bench:
    """The simulator, the engine on its thread, and every snapshot checked as it is published."""

    sim: SimExchangeThread
    runner: EngineRunner
    history: Path
    violations: list[str] = field(default_factory=list)
    faulty: tuple[str, frozenset[tuple[str, str, str]]] | None = None
    """While a fault is on: the faulty account and the positions it must keep showing."""
    streamed: set[str] = field(default_factory=set)
    """Accounts seen receiving their positions by websocket at least once."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- the engine listener (called on the engine's thread) ------------------------------

    def on_snapshot(self, snapshot: Snapshot) -> None:
        found = []
        for status in snapshot.accounts:
            age = _age(snapshot, status.fetched_at)
            if status.state is AccountState.LIVE and age > BOUND + SLACK:
                found.append(f"{status.name} shown live with data {age:.1f} s old")
        for row in snapshot.positions:
            age = _age(snapshot, row.fetched_at)
            if not row.stale and age > BOUND + SLACK:
                found.append(f"{row.key} not marked stale at {age:.1f} s old")
        for status in snapshot.accounts:
            if self.runner.engine.streaming(status.name):  # this is the engine's thread
                self.streamed.add(status.name)
        if self.faulty is not None:
            name, keys = self.faulty
            shown = {r.key for r in snapshot.positions if r.position.account == name}
            if shown != keys:
                found.append(f"{name} shows positions {sorted(shown)}, not {sorted(keys)}")
        if found:
            with self._lock:
                self.violations.extend(found)

    def on_alert(self, alert: object) -> None:
        pass

    # -- waiting ---------------------------------------------------------------------------

    def until(
        self, what: str, predicate: Callable[[Snapshot], bool], timeout: float = WAIT
    ) -> Snapshot:
        """The first snapshot meeting `predicate`; fails at once on a violation, else after
        `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                assert not self.violations, f"while waiting for {what}: {self.violations[:3]}"
            snapshot = self.runner.latest
            if snapshot is not None and predicate(snapshot):
                return snapshot
            assert time.monotonic() < deadline, f"{what}: not reached in {timeout:g} s; {snapshot}"
            time.sleep(0.02)

    def all_live(self, snapshot: Snapshot) -> bool:
        return all(
            status.state is AccountState.LIVE and _positions(snapshot, status.name)
            for status in snapshot.accounts
        ) and len(snapshot.accounts) == len(VENUES)

    # -- history (the real SQLite file, read as another program would) --------------------

    def samples(self, account: str, since: float = 0.0, until: float = float("inf")) -> int:
        with sqlite3.connect(f"file:{self.history}?mode=ro", uri=True) as db:
            row = db.execute(
                "SELECT COUNT(*) FROM position_sample WHERE account = ? AND t >= ? AND t < ?",
                (account, since, until),
            ).fetchone()
        return int(row[0])

    def rows_so_far(self, upto: tuple[int, int] | None = None) -> tuple[int, int]:
        """(rows, highest id) of the samples table, counting only ids up to `upto`'s."""
        last = upto[1] if upto else None
        with sqlite3.connect(f"file:{self.history}?mode=ro", uri=True) as db:
            row = db.execute(
                "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM position_sample"
                + (" WHERE id <= ?" if last is not None else ""),
                (last,) if last is not None else (),
            ).fetchone()
        return int(row[0]), int(row[1])

    def events(self, account: str, since: float) -> list[tuple[str, str | None]]:
        with sqlite3.connect(f"file:{self.history}?mode=ro", uri=True) as db:
            rows = db.execute(
                "SELECT state, error FROM account_event WHERE account = ? AND t >= ? ORDER BY t",
                (account, since),
            ).fetchall()
        return [(str(state), error) for state, error in rows]

    def wait_history(self, what: str, predicate: Callable[[], bool]) -> None:
        deadline = time.monotonic() + WAIT
        while not predicate():
            assert time.monotonic() < deadline, f"history: {what} not written in {WAIT:g} s"
            time.sleep(0.05)


def _all_read(snapshot: Snapshot | None) -> bool:
    return snapshot is not None and all(s.fetched_at is not None for s in snapshot.accounts)


def _positions(snapshot: Snapshot, name: str) -> frozenset[tuple[str, str, str]]:
    return frozenset(r.key for r in snapshot.positions if r.position.account == name)


def _tiers(snapshot: Snapshot, name: str) -> dict[tuple[str, str, str], int | None]:
    return {
        r.key: r.exchange_adl.tier if r.exchange_adl else None
        for r in snapshot.positions
        if r.position.account == name
    }


def _true_tiers(bench: Bench, venue: str) -> dict[tuple[str, str, str], int | None]:
    """The venue's own tier for each demo position right now, from the simulator."""
    positions = bench.sim.truth()["venues"][venue]["positions"]
    name = DEMO_ACCOUNT_NAMES[venue]
    return {(name, p["symbol"], p["side"]): p["tier"] for p in positions}


def _status(snapshot: Snapshot, name: str) -> AccountStatus:
    return next(s for s in snapshot.accounts if s.name == name)


def _bench(
    tmp_path_factory: pytest.TempPathFactory, scenario: str, settings: EngineSettings
) -> Iterator[Bench]:
    root = tmp_path_factory.mktemp(f"matrix-{scenario}")
    sim = SimExchangeThread(scenario=scenario, seed=3, speed=0.0, traders_per_side=40)
    sim.start()
    accounts, credentials = demo_setup(sim)
    runner = EngineRunner(
        accounts,
        credentials,
        EngineOptions(
            history_path=root / "history.sqlite3",
            calibration_path=root / "calibration.json",
            settings=settings,
            connector_factory=RecordingFactory(root / "markets"),
        ),
    )
    bench = Bench(sim, runner, root / "history.sqlite3")
    runner.add_listener(bench)
    runner.start()
    try:
        # The first start loads every venue's markets: allow a busy machine its time. Each
        # cell then checks, from its own start, what was published.
        deadline = time.monotonic() + STARTUP
        while not _all_read(runner.latest):
            assert time.monotonic() < deadline, f"no first reading in {STARTUP:g} s"
            time.sleep(0.05)
        yield bench
    finally:
        runner.stop()
        sim.stop()


@pytest.fixture(scope="module")
def rest_bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    yield from _bench(tmp_path_factory, "calm", SETTINGS)


@pytest.fixture(scope="module")
def stream_bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    yield from _bench(tmp_path_factory, "squeeze", STREAM_SETTINGS)


def _run_cell(
    bench: Bench,
    venue: str,
    kind: FaultKind,
    during: Callable[[], None] = lambda: None,
    rest_may_take_over: bool = False,
    ready: Callable[[Snapshot], bool] = lambda snapshot: True,
) -> None:
    """One cell. `during` runs once the fault is on; `ready` must hold too before it starts;
    `rest_may_take_over`: instead of showing the failure, the engine may read the account by
    REST (fresh data, current tiers) — the other right answer to a silent stream."""
    try:
        _check_cell(bench, venue, kind, during, rest_may_take_over, ready)
    except BaseException:
        with bench._lock:
            bench.violations.clear()  # reported by this cell; the next one starts clean
        raise


def _check_cell(
    bench: Bench,
    venue: str,
    kind: FaultKind,
    during: Callable[[], None],
    rest_may_take_over: bool,
    ready: Callable[[Snapshot], bool],
) -> None:
    name = DEMO_ACCOUNT_NAMES[venue]
    others = [DEMO_ACCOUNT_NAMES[v] for v in VENUES if v != venue]
    before = bench.until(
        "every account live with its positions", lambda s: bench.all_live(s) and ready(s)
    )
    kept = _positions(before, name)
    start = datetime.now(UTC)
    kept_rows = bench.rows_so_far()
    bench.violations.clear()
    bench.faulty = (name, kept)
    bench.sim.set_fault(venue, kind, retry_after=RETRY_AFTER)
    try:
        during()

        def shown_as_failed(snapshot: Snapshot) -> bool:
            status = _status(snapshot, name)
            rows = [r for r in snapshot.positions if r.position.account == name]
            return status.state is not AccountState.LIVE and all(r.stale for r in rows)

        truth = _true_tiers(bench, venue)

        def read_by_rest(snapshot: Snapshot) -> bool:
            """Live on data read after the stream fell silent, with the venue's current tiers."""
            status = _status(snapshot, name)
            fresh_after = start.timestamp() + BOUND
            return (
                status.state is AccountState.LIVE
                and status.fetched_at is not None
                and status.fetched_at.timestamp() > fresh_after
                and _tiers(snapshot, name) == truth
            )

        failed = bench.until(
            f"{name} shown as failed, its positions stale",
            lambda s: shown_as_failed(s) or (rest_may_take_over and read_by_rest(s)),
        )
        if shown_as_failed(failed):
            sentence = _status(failed, name).error
            assert sentence is not None and sentence.startswith(f"{name}: "), sentence
            assert "\n" not in sentence and "<" not in sentence and "Traceback" not in sentence
            assert DEMO_SECRET not in sentence

        def others_fresh(snapshot: Snapshot) -> bool:
            return all(
                _status(snapshot, other).state is AccountState.LIVE
                and _positions(snapshot, other) == _positions(before, other)
                and (_status(snapshot, other).fetched_at or start) > start
                for other in others
            )

        bench.until("the other accounts live and updated during the fault", others_fresh)
    finally:
        bench.faulty = None
        bench.sim.clear_faults(venue)
    end = datetime.now(UTC)

    def resumed(snapshot: Snapshot) -> bool:
        status = _status(snapshot, name)
        return (
            status.state is AccountState.LIVE
            and (status.fetched_at or start) > end
            and _positions(snapshot, name) == kept
        )

    bench.until(f"{name} live again with its positions", resumed)
    with bench._lock:
        assert not bench.violations, bench.violations[:3]

    for other in others:
        bench.wait_history(
            f"{other}'s samples during the fault",
            lambda other=other: bench.samples(other, start.timestamp(), end.timestamp()) > 0,
        )
    bench.wait_history(
        f"{name}'s samples after the fault", lambda: bench.samples(name, end.timestamp()) > 0
    )
    assert bench.rows_so_far(upto=kept_rows) == kept_rows  # every row written before is kept
    if shown_as_failed(failed):  # the failure and the recovery are in the history
        bench.wait_history(
            f"{name}'s failure and recovery",
            lambda: [s for s, _ in bench.events(name, start.timestamp())][-1:] == ["live"],
        )
        events = bench.events(name, start.timestamp())
        assert any(
            state != "live" and error and error.startswith(f"{name}: ") for state, error in events
        )


@pytest.mark.parametrize(("venue", "kind"), HTTP_CELLS)
def test_a_rest_fault_on_one_venue(rest_bench: Bench, venue: str, kind: FaultKind) -> None:
    _run_cell(rest_bench, venue, kind)


@pytest.mark.parametrize(("venue", "kind"), STREAM_CELLS)
def test_a_silent_position_stream(stream_bench: Bench, venue: str, kind: FaultKind) -> None:
    names = [DEMO_ACCOUNT_NAMES[v] for v in STREAM_VENUES]
    # While the stream is silent the squeeze moves the ranks: pushes would be due.
    _run_cell(
        stream_bench,
        venue,
        kind,
        during=lambda: stream_bench.sim.advance(10),
        rest_may_take_over=True,
        ready=lambda snapshot: stream_bench.streamed.issuperset(names),
    )
