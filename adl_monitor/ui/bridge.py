"""The only module that knows about the engine's thread.

The engine runs its own asyncio loop in a worker thread and calls its listeners there. This
bridge is that listener: it relays each Snapshot and Alert (frozen dataclasses) to its public
signals through `GuiRelay`, so every slot runs later on the GUI thread. Commands go the other
way through the runner's thread-safe methods. Anything slow or blocking — starting the engine
(which imports ccxt and may start the simulator), keyring writes, key verification, history
queries — runs as a `BackgroundJobs` job or on the engine's loop, and its result comes back as
a signal (docs/architecture.md "Threads").
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from adl_monitor.core.alerts.alert import Alert
from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.core.model.position import PositionId
from adl_monitor.core.model.snapshot import Snapshot
from adl_monitor.ui.background_jobs import BackgroundJobs
from adl_monitor.ui.gui_relay import GuiRelay

if TYPE_CHECKING:  # the engine (and ccxt behind it) is imported on a worker thread only
    from adl_monitor.core.alerts.rules import AlertSettings
    from adl_monitor.core.security.key_verdict import KeyCheck
    from adl_monitor.engine.runner import EngineRunner
    from adl_monitor.engine.settings import EngineSettings
    from adl_monitor.storage.history import HistoryPoint
    from adl_monitor.storage.secrets import SecretStore

_log = logging.getLogger(__name__)


class StartRefused(Exception):
    """The engine could not start for a reason the user can fix (a broken config): the
    message is one sentence for the window; the log gets a warning, not an error."""


@dataclass
class EngineSession:
    """A running engine and where its accounts came from (`demo`: the simulated exchange)."""

    runner: EngineRunner
    demo: bool
    scenario: str | None
    accounts: tuple[AccountSpec, ...]
    close: Callable[[], None] = field(default=lambda: None)
    secrets: SecretStore | None = None  # shared with the engine's credential lookup
    history_path: Path | None = None  # the SQLite history this engine records into


@dataclass(frozen=True, slots=True)
class StartInfo:
    demo: bool
    scenario: str | None
    accounts: tuple[AccountSpec, ...]
    history_path: Path | None = None


SHUTDOWN_WAIT = 25.0
"""Seconds `stop()` waits for a start or keyring job still running (a start may take the
runner's own start and stop timeouts), so no worker thread outlives the app."""


class EngineBridge(GuiRelay):
    """The engine's listener and the window's handle on it; every signal arrives on the GUI
    thread."""

    snapshot_received = Signal(object)  # Snapshot
    alert_raised = Signal(object)  # Alert
    started = Signal(object)  # StartInfo
    start_failed = Signal(str)  # one sentence
    key_checked = Signal(str, object)  # account name, KeyCheck — or str: why it failed
    secret_stored = Signal(str, str)  # account name, "" on success or the error sentence
    secure_store_missing = Signal(object, object)  # AccountSpec, Credentials: not stored
    history_loaded = Signal(object, object)  # position key, list of history rows

    def __init__(
        self, start_engine: Callable[[], EngineSession], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._start_engine = start_engine
        self._session: EngineSession | None = None
        self._stopping = False
        self._generation = 0
        self._fallback_store: SecretStore | None = None
        self._lock = threading.Lock()
        self._jobs = BackgroundJobs("engine", self)

    # -- listener: called on the engine's worker thread ---------------------------------
    def on_snapshot(self, snapshot: Snapshot) -> None:
        if not self._stopping:
            self.relay("snapshot_received", snapshot)

    def on_alert(self, alert: Alert) -> None:
        if not self._stopping:
            self.relay("alert_raised", alert)

    # -- lifecycle ------------------------------------------------------------------------
    @property
    def session(self) -> EngineSession | None:
        return self._session

    @property
    def runner(self) -> EngineRunner | None:
        return self._session.runner if self._session is not None else None

    def start(self) -> None:
        """Start the engine in the background; `started` or `start_failed` follows."""
        self._jobs.run(self._start)

    def restart(self, start_engine: Callable[[], EngineSession]) -> None:
        """Replace the running engine (e.g. demo → the user's first account) in the
        background: the old one stops and closes, its late snapshots are dropped."""
        with self._lock:
            session, self._session = self._session, None
            self._start_engine = start_engine
            self._generation += 1

        def work() -> None:
            if session is not None:
                self._shutdown(session)
            self._start()

        self._jobs.run(work)

    def _start(self) -> None:
        with self._lock:
            generation = self._generation
        session: EngineSession | None = None
        try:
            session = self._start_engine()
            session.runner.add_listener(_SessionListener(self, generation))
            session.runner.start()
        except Exception as error:
            # An expected refusal (a broken config) is a sentence for the user, shown by the
            # window; its traceback goes to the log file only, never to the terminal.
            expected = isinstance(error, StartRefused)
            _log.log(
                logging.WARNING if expected else logging.ERROR,
                "the engine could not start",
                exc_info=True,
            )
            if session is not None:
                self._shutdown(session)  # e.g. the simulator already runs
            self.relay("start_failed", str(error) or type(error).__name__)
            return
        with self._lock:
            current = not self._stopping and generation == self._generation
            if current:
                self._session = session
        if not current:
            self._shutdown(session)
            return
        self.relay(
            "started",
            StartInfo(
                demo=session.demo,
                scenario=session.scenario,
                accounts=session.accounts,
                history_path=session.history_path,
            ),
        )

    def _is_current(self, generation: int) -> bool:
        return not self._stopping and generation == self._generation

    def stop(self) -> None:
        """Stop the engine and close its sources (the simulator); blocks until done, and
        until a start or keyring job still running has ended."""
        with self._lock:
            self._stopping = True
            session, self._session = self._session, None
        if session is not None:
            self._shutdown(session)
        if not self._jobs.wait(SHUTDOWN_WAIT):
            _log.error("a background job of the engine bridge did not end at shutdown")

    @staticmethod
    def _shutdown(session: EngineSession) -> None:
        try:
            session.runner.stop()
        except Exception:
            _log.exception("stopping the engine failed")
        try:
            session.close()
        except Exception:
            _log.exception("closing the sources failed")

    # -- commands (GUI thread → worker) ---------------------------------------------------
    def refresh_now(self) -> None:
        if self.runner is not None:
            self.runner.refresh_now()

    def snooze(self, until: datetime | None) -> None:
        if self.runner is not None:
            self.runner.snooze(until)

    def pause_alerts(self, paused: bool) -> None:
        if self.runner is not None:
            self.runner.pause_alerts(paused)

    def update_settings(
        self, engine_settings: EngineSettings, alert_settings: AlertSettings
    ) -> None:
        if self.runner is not None:
            self.runner.update_settings(engine_settings)
            self.runner.update_alert_settings(alert_settings)

    def set_accounts(self, accounts: tuple[AccountSpec, ...]) -> None:
        if self._session is not None:
            self._session.accounts = accounts
            self._session.runner.set_accounts(list(accounts))

    def verify_key(self, spec: AccountSpec, credentials: Credentials | None) -> None:
        """Run the venue's read-only check in the engine; `key_checked(name, …)` follows."""
        runner = self.runner
        if runner is None:
            self.relay(
                "key_checked",
                spec.name,
                self.tr("The engine is still starting — try again in a moment."),
            )
            return
        try:
            future = runner.verify_key(spec, credentials)
        except Exception as error:
            self.relay("key_checked", spec.name, str(error))
            return

        def checked(check: KeyCheck) -> None:
            self.key_checked.emit(spec.name, check)

        def failed(error: BaseException) -> None:
            _log.warning("key check of %s failed: %s", spec.name, type(error).__name__)
            self.key_checked.emit(spec.name, str(error) or type(error).__name__)

        self._jobs.follow(future, checked, failed)

    def store_secret(self, spec: AccountSpec, credentials: Credentials | None) -> None:
        """Write (or with None, delete) the account's secret in the keyring, off the GUI
        thread; `secret_stored(name, error)` follows."""
        store = self._secret_store()

        def write() -> None:
            if credentials is None:
                store.delete(spec)
            else:
                store.set(spec, credentials)

        self._keyring_job(spec, credentials, write)

    def save_account(
        self,
        spec: AccountSpec,
        credentials: Credentials | None,
        config_path: Path | None,
        *,
        new: bool,
    ) -> None:
        """Save the account as `accounts add` does — key to the keyring first, then the
        config (storage/account_save.py) — off the GUI thread; `secret_stored(name, error)`
        follows once both are written (or `secure_store_missing`, with nothing saved)."""
        from adl_monitor.storage.account_save import save_account

        store = self._secret_store()
        self._keyring_job(
            spec, credentials, lambda: save_account(spec, credentials, store, config_path, new=new)
        )

    def _keyring_job(
        self, spec: AccountSpec, credentials: Credentials | None, work: Callable[[], object]
    ) -> None:
        from adl_monitor.storage.secrets import InsecureStoreError

        def done(_result: object) -> None:
            self.secret_stored.emit(spec.name, "")

        def failed(error: BaseException) -> None:
            if isinstance(error, InsecureStoreError):
                # No secure keyring: the user may keep the key in memory for this session.
                self.secure_store_missing.emit(spec, credentials)
            else:  # SecretStoreError and ConfigError carry the sentence
                self.secret_stored.emit(spec.name, str(error) or type(error).__name__)

        self._jobs.run(work, done, failed)

    def _secret_store(self) -> SecretStore:
        if self._session is not None and self._session.secrets is not None:
            return self._session.secrets
        if self._fallback_store is None:
            from adl_monitor.storage.secrets import SecretStore

            self._fallback_store = SecretStore()
        return self._fallback_store

    def enable_session_only_secrets(self) -> None:
        """Keep keys in memory until the app quits (this machine has no secure keyring)."""
        self._secret_store().enable_session_only()

    def load_history(self, key: PositionId, since: datetime) -> None:
        """Ask the engine's history database for a position's past; `history_loaded` follows."""
        runner = self.runner
        if runner is None:
            return
        try:
            future = runner.history_for(key, since)
        except Exception:
            _log.exception("history query failed")
            return

        def loaded(points: list[HistoryPoint]) -> None:
            self.history_loaded.emit(key, points)

        self._jobs.follow(future, loaded, lambda _error: None)  # no history: the chart waits


class _SessionListener:
    """The engine's listener for one session: forwards to the bridge while that session is
    the current one, so a replaced engine's last snapshots never reach the window."""

    def __init__(self, bridge: EngineBridge, generation: int) -> None:
        self._bridge = bridge
        self._generation = generation

    def on_snapshot(self, snapshot: Snapshot) -> None:
        if self._bridge._is_current(self._generation):
            self._bridge.on_snapshot(snapshot)

    def on_alert(self, alert: Alert) -> None:
        if self._bridge._is_current(self._generation):
            self._bridge.on_alert(alert)
