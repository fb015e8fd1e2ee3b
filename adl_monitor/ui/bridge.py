"""The only module that knows about the engine's thread.

The engine runs its own asyncio loop in a worker thread and calls its listeners there. This
bridge is that listener: it re-emits each Snapshot and Alert (frozen dataclasses) through Qt
signals with queued connections, so every slot runs later on the GUI thread. Commands go the
other way through the runner's thread-safe methods. Anything slow or blocking — starting the
engine (which imports ccxt and may start the simulator), keyring writes, key verification,
history queries — happens off the GUI thread, and its result comes back as a signal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

from adl_monitor.core.account_spec import AccountSpec, Credentials
from adl_monitor.core.alert import Alert
from adl_monitor.core.snapshot import Snapshot

if TYPE_CHECKING:  # the engine (and ccxt behind it) is imported on a worker thread only
    from adl_monitor.core.alerts import AlertSettings
    from adl_monitor.core.key_check import KeyCheck
    from adl_monitor.engine.runner import EngineRunner
    from adl_monitor.engine.settings import EngineSettings
    from adl_monitor.storage.history import HistoryPoint
    from adl_monitor.storage.secrets import SecretStore

_log = logging.getLogger(__name__)


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


class EngineBridge(QObject):
    snapshot_received = Signal(object)  # Snapshot
    alert_raised = Signal(object)  # Alert
    started = Signal(object)  # StartInfo
    start_failed = Signal(str)  # one sentence
    key_checked = Signal(str, object)  # account name, KeyCheck — or str: why it failed
    secret_stored = Signal(str, str)  # account name, "" on success or the error sentence
    secure_store_missing = Signal(object, object)  # AccountSpec, Credentials: not stored
    history_loaded = Signal(object, object)  # position key, list of history rows

    _snapshot_from_worker = Signal(object)
    _alert_from_worker = Signal(object)
    _started_from_worker = Signal(object)
    _failed_from_worker = Signal(str)
    _key_from_worker = Signal(str, object)
    _secret_from_worker = Signal(str, str)
    _insecure_from_worker = Signal(object, object)
    _history_from_worker = Signal(object, object)

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
        queued = Qt.ConnectionType.QueuedConnection
        self._snapshot_from_worker.connect(self.snapshot_received, queued)
        self._alert_from_worker.connect(self.alert_raised, queued)
        self._started_from_worker.connect(self.started, queued)
        self._failed_from_worker.connect(self.start_failed, queued)
        self._key_from_worker.connect(self.key_checked, queued)
        self._secret_from_worker.connect(self.secret_stored, queued)
        self._insecure_from_worker.connect(self.secure_store_missing, queued)
        self._history_from_worker.connect(self.history_loaded, queued)

    # -- listener: called on the engine's worker thread ---------------------------------
    def on_snapshot(self, snapshot: Snapshot) -> None:
        if not self._stopping:
            self._snapshot_from_worker.emit(snapshot)

    def on_alert(self, alert: Alert) -> None:
        if not self._stopping:
            self._alert_from_worker.emit(alert)

    # -- lifecycle ------------------------------------------------------------------------
    @property
    def session(self) -> EngineSession | None:
        return self._session

    @property
    def runner(self) -> EngineRunner | None:
        return self._session.runner if self._session is not None else None

    def start(self) -> None:
        """Start the engine in the background; `started` or `start_failed` follows."""
        threading.Thread(target=self._start, name="adl-monitor-start", daemon=True).start()

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

        threading.Thread(target=work, name="adl-monitor-restart", daemon=True).start()

    def _start(self) -> None:
        with self._lock:
            generation = self._generation
        session: EngineSession | None = None
        try:
            session = self._start_engine()
            session.runner.add_listener(_SessionListener(self, generation))
            session.runner.start()
        except Exception as error:
            from adl_monitor.commands.sources import SourcesError

            # An expected refusal (a broken config) is a sentence for the user, shown by the
            # window; its traceback goes to the log file only, never to the terminal.
            expected = isinstance(error, SourcesError)
            _log.log(
                logging.WARNING if expected else logging.ERROR,
                "the engine could not start",
                exc_info=True,
            )
            if session is not None:
                self._shutdown(session)  # e.g. the simulator already runs
            self._failed_from_worker.emit(str(error) or type(error).__name__)
            return
        with self._lock:
            current = not self._stopping and generation == self._generation
            if current:
                self._session = session
        if not current:
            self._shutdown(session)
            return
        self._started_from_worker.emit(
            StartInfo(
                demo=session.demo,
                scenario=session.scenario,
                accounts=session.accounts,
                history_path=session.history_path,
            )
        )

    def _is_current(self, generation: int) -> bool:
        return not self._stopping and generation == self._generation

    def stop(self) -> None:
        """Stop the engine and close its sources (the simulator); blocks until done."""
        with self._lock:
            self._stopping = True
            session, self._session = self._session, None
        if session is not None:
            self._shutdown(session)

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
            self._key_from_worker.emit(
                spec.name, self.tr("The engine is still starting — try again in a moment.")
            )
            return
        try:
            future: Future[KeyCheck] = runner.verify_key(spec, credentials)
        except Exception as error:
            self._key_from_worker.emit(spec.name, str(error))
            return

        def done(result: Future[KeyCheck]) -> None:
            error = result.exception()
            if error is not None:
                _log.warning("key check of %s failed: %s", spec.name, type(error).__name__)
                self._key_from_worker.emit(spec.name, str(error) or type(error).__name__)
            else:
                self._key_from_worker.emit(spec.name, result.result())

        future.add_done_callback(done)

    def store_secret(self, spec: AccountSpec, credentials: Credentials | None) -> None:
        """Write (or with None, delete) the account's secret in the keyring, off the GUI
        thread; `secret_stored(name, error)` follows."""
        from adl_monitor.storage.secrets import InsecureStoreError

        store = self._secret_store()

        def work() -> None:
            try:
                if credentials is None:
                    store.delete(spec)
                else:
                    store.set(spec, credentials)
            except InsecureStoreError:
                # No secure keyring: the user may keep the key in memory for this session.
                self._insecure_from_worker.emit(spec, credentials)
                return
            except Exception as error:  # SecretStoreError carries the sentence
                self._secret_from_worker.emit(spec.name, str(error) or type(error).__name__)
                return
            self._secret_from_worker.emit(spec.name, "")

        threading.Thread(target=work, name="adl-monitor-keyring", daemon=True).start()

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

    def load_history(self, key: tuple[str, str, str], since: datetime) -> None:
        """Ask the engine's history database for a position's past; `history_loaded` follows."""
        runner = self.runner
        if runner is None:
            return
        try:
            future: Future[list[HistoryPoint]] = runner.history_for(key, since)
        except Exception:
            _log.exception("history query failed")
            return

        def done(result: Future[list[HistoryPoint]]) -> None:
            if result.exception() is None:
                self._history_from_worker.emit(key, result.result())

        future.add_done_callback(done)


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
