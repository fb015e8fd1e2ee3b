"""The engine, as plain asyncio: one worker per account, one publisher, one maintenance task.

Qt-free and thread-agnostic: `EngineRunner` runs it on its own thread for the GUI and `watch`;
`snapshot` and the benchmarks run it under `asyncio.run`. Every method must be called on the
loop that runs it.

Data path on every update: a worker records a reading (or a failure) in its tracker and marks
the engine dirty; the publisher waits a short coalescing window (so four accounts answering
together make one snapshot, not four), builds the snapshot, runs the alert rules, notifies the
listeners, then writes history on its own thread. A heartbeat rebuilds the snapshot when
nothing arrives but some account's state moves with time alone — its data goes stale, or its
first answer is overdue — so silence is shown as staleness (docs/liveness.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Protocol, TypeVar

from adl_monitor.core.alerts.alert import Alert
from adl_monitor.core.alerts.rules import AlertRules, AlertSettings
from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.core.model.failure import VenueFailure
from adl_monitor.core.model.position import PositionId
from adl_monitor.core.model.snapshot import Snapshot
from adl_monitor.core.security.key_verdict import KeyCheck, KeyVerdict
from adl_monitor.engine.account_tracker import AccountTracker
from adl_monitor.engine.account_worker import (
    AccountWorker,
    MissingKey,
    as_failure,
)
from adl_monitor.engine.calibration import Calibrations, save_estimator
from adl_monitor.engine.connector import ConnectorFactory, venue_connector_factory
from adl_monitor.engine.options import EngineOptions
from adl_monitor.engine.settings import EngineSettings
from adl_monitor.engine.snapshot_builder import SnapshotBuilder
from adl_monitor.storage.history import History, HistoryPoint

_log = logging.getLogger(__name__)

CHART_POINTS = 4_000
"""At most this many history points per chart: more than a chart's width in pixels, and a long
range is bucketed in SQLite (`History.series`) rather than drawn point by point."""
T = TypeVar("T")

CALIBRATION_SAVE_SECONDS = 300.0
PRUNE_SECONDS = 3600.0
ONE_SHOT_ATTEMPTS = 3


class EngineListener(Protocol):
    """Receives the engine's output. Called on the engine's thread: hand over, don't block."""

    def on_snapshot(self, snapshot: Snapshot) -> None: ...

    def on_alert(self, alert: Alert) -> None: ...


class Engine:
    def __init__(
        self,
        accounts: Sequence[AccountSpec],
        credentials: Callable[[AccountSpec], Credentials | None],
        options: EngineOptions | None = None,
    ) -> None:
        """`options` (engine/options.py): settings, files, connector factory and clock."""
        options = options or EngineOptions()
        self._accounts = _unique(accounts)
        self._credentials = credentials
        self._settings = options.settings
        self._alert_rules = AlertRules(options.alert_settings)
        self._history_path = options.history_path
        self._make_connector = options.connector_factory or venue_connector_factory(
            options.cache_dir
        )
        self._clock = options.clock
        self._rng = random.Random(self._settings.jitter_seed)
        self._calibrations = Calibrations(options.calibration_path, options.sim_calibration_path)
        self._builder = SnapshotBuilder(self._calibrations.for_account)
        self._workers: dict[str, AccountWorker] = {}
        self._trackers: dict[str, AccountTracker] = {}
        self._listeners: list[EngineListener] = []
        self._dirty = asyncio.Event()
        self._urgent = asyncio.Event()  # a reading that may raise an alert: publish it now
        self._credential_lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._db: ThreadPoolExecutor | None = None
        self._history: History | None = None
        self._running = False
        self.latest: Snapshot | None = None
        self.history_notice: str | None = None

    # -- listeners and settings (any time, on the loop) ------------------------------------

    def add_listener(self, listener: EngineListener) -> None:
        self._listeners = [*self._listeners, listener]

    def remove_listener(self, listener: EngineListener) -> None:
        self._listeners = [item for item in self._listeners if item is not listener]

    @property
    def settings(self) -> EngineSettings:
        return self._settings

    @property
    def accounts(self) -> tuple[AccountSpec, ...]:
        return self._accounts

    def streaming(self, name: str) -> bool:
        """True while the account's positions arrive by websocket (REST only reconciles)."""
        tracker = self._trackers.get(name)
        return tracker is not None and tracker.streaming

    def update_settings(self, settings: EngineSettings) -> None:
        self._settings = settings
        for tracker in self._trackers.values():
            tracker.stale_after_periods = settings.stale_after_periods
            tracker.answer_within = settings.request_timeout
        self.refresh_now()

    def update_alert_settings(self, settings: AlertSettings) -> None:
        self._alert_rules.update_settings(settings)

    def snooze(self, until: datetime | None) -> None:
        self._alert_rules.snooze(until)

    def pause_alerts(self, paused: bool) -> None:
        self._alert_rules.pause(paused)

    def refresh_now(self) -> None:
        for worker in self._workers.values():
            worker.wake()

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Open history, start one worker per account and the publisher. Returns at once."""
        if self._running:
            return
        self._running = True
        await self._open_history()
        for spec in self._accounts:
            self._start_worker(spec)
        self._tasks = [
            asyncio.create_task(self._publisher(), name="engine:publisher"),
            asyncio.create_task(self._maintenance(), name="engine:maintenance"),
        ]
        self._dirty.set()  # a first snapshot: every account "connecting"

    async def stop(self) -> None:
        """Close exchanges (workers), cancel tasks, save calibration, close history."""
        if not self._running:
            await self._close_history()
            return
        self._running = False
        workers = list(self._workers.values())
        self._workers.clear()
        await asyncio.gather(*(worker.stop() for worker in workers), return_exceptions=True)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        self._save_calibration()
        await self._close_history()

    async def set_accounts(self, accounts: Sequence[AccountSpec]) -> None:
        """Add, remove or replace accounts live; unchanged accounts keep running undisturbed."""
        accounts = _unique(accounts)
        wanted = {spec.name: spec for spec in accounts}
        stopping = [
            worker
            for name, worker in self._workers.items()
            if name not in wanted or wanted[name] != worker.spec
        ]
        for worker in stopping:
            del self._workers[worker.spec.name]
            self._trackers.pop(worker.spec.name, None)
        await asyncio.gather(*(worker.stop() for worker in stopping), return_exceptions=True)
        self._accounts = accounts
        if self._running:
            for spec in accounts:
                if spec.name not in self._workers:
                    self._start_worker(spec)
        self._dirty.set()

    async def reload_account(self, name: str) -> None:
        """Restart one account (e.g. after its key changed in the keyring)."""
        worker = self._workers.pop(name, None)
        if worker is None:
            return
        self._trackers.pop(name, None)
        await worker.stop()
        if self._running:
            self._start_worker(worker.spec)
        self._dirty.set()

    def _new_tracker(self, spec: AccountSpec) -> AccountTracker:
        """A tracker that turns into a failure when no answer came within the time-out."""
        settings = self._settings
        return AccountTracker(
            spec=spec,
            period=settings.period_for(5.0),
            stale_after_periods=settings.stale_after_periods,
            started_at=self._clock(),
            answer_within=settings.request_timeout,
        )

    def _start_worker(self, spec: AccountSpec) -> None:
        tracker = self._new_tracker(spec)
        worker = self._new_worker(tracker)
        self._trackers[spec.name] = tracker
        self._workers[spec.name] = worker
        worker.start()

    def _new_worker(self, tracker: AccountTracker) -> AccountWorker:
        return AccountWorker(
            tracker,
            make_connector=self._make_connector,
            lookup_credentials=self._lookup_credentials,
            settings=lambda: self._settings,
            on_change=self._changed,
            rng=random.Random(self._rng.random()),
            clock=self._clock,
        )

    def _changed(self, *, urgent: bool = False) -> None:
        if urgent:
            self._urgent.set()
        self._dirty.set()

    def _ordered_trackers(self) -> list[AccountTracker]:
        return [self._trackers[s.name] for s in self._accounts if s.name in self._trackers]

    async def _lookup_credentials(self, spec: AccountSpec) -> Credentials | None:
        """Off the loop (a keyring call may block on D-Bus), one lookup at a time."""
        async with self._credential_lock:
            return await asyncio.to_thread(self._credentials, spec)

    # -- one refresh of everything (the `snapshot` command) ------------------------------

    async def run_once(self) -> Snapshot:
        """Read every account once (retrying brief failures), check keys, build one snapshot.

        Each account goes through the cycle its worker runs when the engine is started
        (`AccountWorker.read_once`): the same connect, key check and failure sentences.

        Accounts run concurrently, all against one deadline — the request time-out — so the
        snapshot ends within it (plus closing the connections) however many venues hang; an
        account that has not answered by then is a failure with its own sentence, and the
        accounts that answered are live: data read during this run is this run's data, however
        long the slowest account kept it waiting. The snapshot is published to the listeners
        and written to history like any other. The alert rules are not consulted: a one-off
        reading has no past to compare with. Not for an engine that was `start`ed.
        """
        if self._running:
            raise RuntimeError("run_once() is for an engine that is not running")
        self._trackers = {spec.name: self._new_tracker(spec) for spec in self._accounts}
        await self._open_history()
        started = self._clock()
        deadline = asyncio.get_running_loop().time() + self._settings.request_timeout
        workers = [self._new_worker(tracker) for tracker in self._trackers.values()]
        await asyncio.gather(*(worker.read_once(deadline, ONE_SHOT_ATTEMPTS) for worker in workers))
        waited = max(0.0, (self._clock() - started).total_seconds())
        for tracker in self._trackers.values():
            tracker.waited_for_others = waited
        snapshot = await self._publish(feed_alerts=False)
        self._save_calibration()
        return snapshot

    # -- key verification (Accounts dialog, `accounts verify`) ---------------------------

    async def verify_key(
        self, spec: AccountSpec, credentials: Credentials | None = None
    ) -> KeyCheck:
        """What the key may do, in words; never raises. None → the stored credentials."""
        try:
            if credentials is None and spec.needs_key:
                credentials = await self._lookup_credentials(spec)
            return await check_account_key(
                spec, credentials, self._make_connector, self._settings.request_timeout
            )
        except Exception as error:  # one check, asked again by the user: not "retrying"
            if not isinstance(error, VenueFailure):
                _log.warning("%s: key verification failed", spec.name, exc_info=True)
            sentence = as_failure(error).sentence(spec.name, will_retry=False)
            return KeyCheck(KeyVerdict.UNVERIFIED, message=sentence)

    # -- publishing ------------------------------------------------------------------------

    async def _publisher(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._dirty.wait(), timeout=self._heartbeat())
            except TimeoutError:
                now = self._clock()
                if not any(t.state_changed(now) for t in self._trackers.values()):
                    continue
            else:
                await self._coalesce()
            self._dirty.clear()
            self._urgent.clear()
            try:
                await self._publish()
            except Exception:
                _log.warning("building a snapshot failed", exc_info=True)

    async def _coalesce(self) -> None:
        """Wait out the coalescing window, unless a reading that may raise an alert comes:
        a red must not wait for other accounts' routine readings (core/alerts/urgency.py)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._urgent.wait(), timeout=self._settings.coalesce_seconds)

    def _heartbeat(self) -> float:
        periods = [t.period for t in self._trackers.values()] or [1.0]
        return max(0.05, min(1.0, min(periods) / 2))

    async def _publish(self, *, feed_alerts: bool = True) -> Snapshot:
        now = self._clock()
        trackers = self._ordered_trackers()
        snapshot = self._builder.build(trackers, now)
        for tracker in trackers:
            tracker.mark_reported(now)
        alerts: list[Alert] = []
        try:
            if feed_alerts:
                alerts = self._alert_rules.feed(snapshot, now)
        except Exception:
            _log.warning("the alert rules failed on a snapshot", exc_info=True)
        self.latest = snapshot
        for listener in self._listeners:
            try:
                listener.on_snapshot(snapshot)
                for alert in alerts:
                    listener.on_alert(alert)
            except Exception:
                _log.warning("a snapshot listener failed", exc_info=True)
        await self._in_history(lambda history: history.record(snapshot, alerts))
        return snapshot

    def _save_calibration(self) -> None:
        """Save each estimator with new readings to its file (engine/calibration.py)."""
        self._calibrations.save(save_estimator)

    async def _maintenance(self) -> None:
        """Save the calibration every few minutes and prune history every hour, for the whole
        session: a failure of either is logged and tried again next time, never the end."""
        last_prune = time.monotonic()
        while True:
            await asyncio.sleep(CALIBRATION_SAVE_SECONDS)
            try:
                await asyncio.to_thread(self._save_calibration)
                if time.monotonic() - last_prune >= PRUNE_SECONDS:
                    last_prune = time.monotonic()
                    await self._in_history(lambda history: history.prune())
            except Exception:
                _log.warning(
                    "engine maintenance (calibration save, history pruning) failed; "
                    "trying again in %.0f s",
                    CALIBRATION_SAVE_SECONDS,
                    exc_info=True,
                )

    # -- history (its own thread: SQLite never runs on the loop or the GUI thread) ---------

    async def _open_history(self) -> None:
        if self._db is not None or not self._settings.record_history:
            return
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="adlmon-history")
        retention = self._settings.history_retention_days

        def open_history() -> History:
            history = History(self._history_path, retention_days=retention)
            history.prune()
            return history

        loop = asyncio.get_running_loop()
        try:
            self._history = await loop.run_in_executor(self._db, open_history)
        except Exception:
            _log.warning("could not open the history database", exc_info=True)
            return
        self.history_notice = self._history.notice

    async def _in_history(self, action: Callable[[History], T]) -> T | None:
        history, executor = self._history, self._db
        if history is None or executor is None:
            return None
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(executor, action, history)
        except Exception:
            _log.warning("history access failed", exc_info=True)
            return None

    async def history_for(self, key: PositionId, since: datetime) -> list[HistoryPoint]:
        """The recorded points of one position since `since`, oldest first (for charts)."""
        points = await self._in_history(
            lambda history: history.series(key, since, max_points=CHART_POINTS)
        )
        return points or []

    async def _close_history(self) -> None:
        history, executor = self._history, self._db
        self._history, self._db = None, None
        if executor is None:
            return
        if history is not None:
            loop = asyncio.get_running_loop()
            with contextlib.suppress(Exception):
                await loop.run_in_executor(executor, history.close)
        executor.shutdown(wait=False)


async def check_account_key(
    spec: AccountSpec,
    credentials: Credentials | None,
    make_connector: ConnectorFactory,
    timeout: float,
) -> KeyCheck:
    """Open a throw-away connector and ask the venue what the key may do.

    Raises `VenueFailure` when the venue could not be asked or refused the key (the sentence
    says which); `KeyCheck(UNVERIFIED)` means the venue has no way to tell.
    """
    if spec.needs_key and credentials is None:
        raise MissingKey()
    connector = make_connector(spec, credentials)
    try:
        return await asyncio.wait_for(connector.check_key(), timeout)
    except VenueFailure:
        raise
    except Exception as error:
        raise as_failure(error) from None
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(connector.close(), 5.0)


def _unique(accounts: Sequence[AccountSpec]) -> tuple[AccountSpec, ...]:
    """Accounts by name, the first of any duplicate name kept (names identify accounts)."""
    seen: dict[str, AccountSpec] = {}
    for spec in accounts:
        seen.setdefault(spec.name, spec)
    return tuple(seen.values())
