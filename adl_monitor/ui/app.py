"""The desktop app: window, tray, notifier and dialogs, wired to the bridge to the engine.

The composition root builds the engine sessions and hands them over as a `DesktopWiring`
(adl_monitor/wiring/desktop.py): this module opens no sources and builds no engine.

Start-up order matters for a snappy first paint: the window shows first; only then is the engine
started on a background thread (that is where ccxt is imported, the simulator started in demo
mode and the keyring read). Snapshots then arrive as Qt signals through `bridge.EngineBridge`.
The dialogs (and what they bring: the history database for the export, the engine's settings
for applying new ones) are imported when first opened, not before the first paint (issue 13;
tests/ui/test_first_paint_imports.py holds the line).
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from adl_monitor.core.alerts.alert import Alert
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.position import PositionId
from adl_monitor.core.model.snapshot import Snapshot
from adl_monitor.logging_setup import log_file_path
from adl_monitor.storage import paths
from adl_monitor.storage import settings as opt
from adl_monitor.storage.config import ConfigError, load_config
from adl_monitor.storage.config_watch import ConfigWatcher
from adl_monitor.ui.bridge import EngineBridge, StartInfo
from adl_monitor.ui.crash_handler import CrashHandler
from adl_monitor.ui.desktop_wiring import DesktopWiring
from adl_monitor.ui.gui_thread_gc import GuiThreadGarbageCollector
from adl_monitor.ui.icons import APP_ID, app_icon
from adl_monitor.ui.main_window import MainWindow
from adl_monitor.ui.notifier import Notifier
from adl_monitor.ui.position_history import Sample
from adl_monitor.ui.qt_refcount import leak_sentence, leaking_singletons
from adl_monitor.ui.single_instance import InstanceServer, ask_running_instance_to_raise
from adl_monitor.ui.theme import follow_system_theme
from adl_monitor.ui.translations import install_translators
from adl_monitor.ui.tray import TrayIcon

if TYPE_CHECKING:
    from adl_monitor.ui.export_dialog import ExportDialog

_log = logging.getLogger(__name__)

CONFIG_POLL_MS = 2000  # how often the config file is looked at (one stat)


class DesktopApp(QObject):
    """Wires the window, tray, notifier and dialogs to the bridge."""

    def __init__(self, app: QApplication, bridge: EngineBridge, wiring: DesktopWiring) -> None:
        super().__init__(app)
        self._app = app
        self.bridge = bridge
        self._wiring = wiring
        config_path = self.config_path = wiring.config_path
        self.forced_demo = wiring.demo
        self.demo_accounts: tuple[AccountSpec, ...] = ()
        self.info: StartInfo | None = None
        self._settings_notice = ""
        """The sentences about refused settings the notice shows, if it shows them."""
        try:
            self.settings = opt.Settings.load(config_path)
            config_problem = self._settings_notice = " ".join(self.settings.problems())
        except ConfigError as error:
            self.settings = opt.Settings()
            config_problem = str(error)
        self.window = MainWindow(paths.config_dir() / "window.ini")
        if config_problem:
            self.window.show_notice(config_problem)
        self.tray = TrayIcon(self)
        self.notifier = Notifier(self)
        self._apply_window_settings()

        bridge.snapshot_received.connect(self.window.apply_snapshot)
        bridge.snapshot_received.connect(self.tray.set_snapshot)
        bridge.alert_raised.connect(self.on_alert)
        bridge.started.connect(self.on_started)
        bridge.start_failed.connect(self.on_start_failed)
        bridge.history_loaded.connect(self.on_history)
        self.window.refresh_requested.connect(bridge.refresh_now)
        self.window.settings_requested.connect(self.open_settings)
        self.window.accounts_requested.connect(self.open_accounts)
        self.window.export_requested.connect(self.open_export)
        self.window.quit_requested.connect(self.quit)
        self.window.position_selected.connect(self.on_position_selected)
        self.window.first_shown.connect(self.start_engine)
        self.notifier.clicked.connect(self.show_position)
        self.notifier.fallback.connect(self.on_notification_fallback)
        self.tray.show_requested.connect(self.window.show_and_raise)
        self.tray.snooze_requested.connect(self.snooze)
        self.tray.pause_toggled.connect(self.pause)
        self.tray.quit_requested.connect(self.quit)
        self._history_requested: set[PositionId] = set()
        self._engine_started = False
        # A config edited or replaced elsewhere while the app runs is reloaded, not ignored.
        self._config_watcher = ConfigWatcher(config_path or paths.default_config_path())
        self._config_timer = QTimer(self)
        self._config_timer.setInterval(CONFIG_POLL_MS)
        self._config_timer.timeout.connect(self.on_config_poll)
        self._config_timer.start()

    # -- start and stop ------------------------------------------------------------------
    def show(self) -> None:
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray.show()
        if self.settings.get(opt.START_MINIMISED) and self.tray.isVisible():
            self.start_engine()  # no window to paint first
        else:
            self.window.show()

    def start_engine(self) -> None:
        if not self._engine_started:
            self._engine_started = True
            self.bridge.start()

    def on_started(self, info: StartInfo) -> None:
        self.info = info
        if info.demo:
            self.demo_accounts = info.accounts
            configured = bool(self._configured_accounts())
            self.window.show_demo(info.scenario, configured)
        if self.window.last_snapshot is None:
            self.window.last_update.setText(self.tr("Connecting…"))

    def on_start_failed(self, sentence: str) -> None:
        """The sentence (e.g. a broken config's path, line, column and what to do) goes to the
        window and, for whoever started the app from a terminal, to stderr; the traceback went
        only to the log file."""
        from adl_monitor.terminal_text import terminal_lines

        print(f"adl-monitor: {terminal_lines(sentence)}", file=sys.stderr, flush=True)
        self.window.show_notice(self.tr("Monitoring could not start: {why}").format(why=sentence))
        self.window.last_update.setText(self.tr("Not monitoring"))

    def quit(self) -> None:
        self.window.save_layout()
        self.tray.hide()
        self.notifier.close()
        self.bridge.stop()
        self._app.quit()

    # -- alerts --------------------------------------------------------------------------
    def on_alert(self, alert: Alert) -> None:
        self.window.note_alert(alert)
        self.notifier.notify(alert, sound=self.settings.get(opt.SOUND))

    def on_notification_fallback(self, title: str, body: str, level: Level) -> None:
        self.tray.show_alert_message(title, body, level)
        if self.settings.get(opt.SOUND):
            QApplication.beep()

    def show_position(self, key: PositionId) -> None:
        self.window.show_and_raise()
        account, symbol, side = key
        self.window.select_position(PositionId(account, symbol, side))

    def snooze(self, until: datetime) -> None:
        self.bridge.snooze(until)
        self.window.set_alert_state(
            self.tr("Alerts snoozed until {time}").format(time=until.strftime("%a %H:%M"))
        )

    def pause(self, paused: bool) -> None:
        self.bridge.pause_alerts(paused)
        self.window.set_alert_state(self.tr("Alerts paused") if paused else "")

    # -- history -------------------------------------------------------------------------
    def on_position_selected(self, key: PositionId | None) -> None:
        if key is None or key in self._history_requested:
            return
        self._history_requested.add(key)
        self.bridge.load_history(key, datetime.now(UTC) - timedelta(days=2))

    def on_history(self, key: PositionId, points: Sequence[object]) -> None:
        samples = [_sample(point) for point in points]
        self.window.history.add_samples(key, [s for s in samples if s is not None])
        if self.window.detail.key == key:
            row = self.window.model.row_of(key)
            if row is not None:
                self.window.detail.show_position(self.window.model.risk_at(row))

    # -- dialogs -------------------------------------------------------------------------
    def open_settings(self) -> None:
        from adl_monitor.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self.config_path, self.window)
        dialog.applied.connect(self.apply_settings)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def apply_settings(self, settings: opt.Settings) -> None:
        """New settings reach the running engine; a pause or snooze from the tray stays (the
        alert rules keep it: it is the session's state, not a setting)."""
        from adl_monitor.engine.user_settings import monitor_settings

        self.settings = settings
        self._apply_window_settings()
        resolved = monitor_settings(settings)
        notice = " ".join(resolved.problems)
        if self.window.notice.text() == self._settings_notice:  # not another notice
            self.window.show_notice(notice)
        self._settings_notice = notice
        self.bridge.update_settings(resolved.engine, resolved.alerts)

    def _apply_window_settings(self) -> None:
        self.window.keep_in_tray = self.settings.get(opt.CLOSE_TO_TRAY) and (
            QSystemTrayIcon.isSystemTrayAvailable()
        )

    def open_accounts(self) -> None:
        from adl_monitor.ui.accounts_dialog import AccountsDialog

        dialog = AccountsDialog(self.bridge, self.config_path, self.window)
        dialog.accounts_changed.connect(self.on_accounts_changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_export(self) -> ExportDialog | None:
        """File → Export history…: the history of the running engine (demo or real)."""
        if self.info is None or self.info.history_path is None:
            self.window.show_notice(self.tr("Nothing to export yet: monitoring has not started."))
            return None
        from adl_monitor.ui.export_dialog import ExportDialog

        positions = [(r.position.account, r.position.symbol) for r in self.window.model.risks()]
        dialog = ExportDialog(self.info.history_path, positions, self.window)
        dialog.finished_export.connect(self.window.show_status_message)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _configured_accounts(self) -> tuple[AccountSpec, ...]:
        try:
            return load_config(self.config_path).accounts
        except ConfigError:
            return ()

    def on_accounts_changed(self, accounts: tuple[AccountSpec, ...]) -> None:
        """Monitor what the config now says; the demo accounts stay only under --demo."""
        if self.info is None:
            return
        if self.info.demo and not self.forced_demo and accounts:
            # Leave the simulator for real accounts: a fresh engine with the user's own
            # history file (demo positions never mix with real ones).
            self.window.hide_demo()
            self.window.apply_snapshot(Snapshot(generated_at=datetime.now(UTC)))
            self.window.last_update.setText(self.tr("Connecting…"))
            self.info = None
            self.bridge.restart(self._wiring.start_configured_engine)
            return
        base = self.demo_accounts if self.info.demo else ()
        self.bridge.set_accounts((*base, *accounts))

    def on_config_poll(self) -> None:
        """Apply a config changed outside the app through the dialogs' own update paths."""
        change = self._config_watcher.poll()
        if change is None:
            return
        self.window.show_notice(change.sentence)
        if change.config is None:
            return
        if self.info is None and self._engine_started and not self.forced_demo:
            # e.g. the engine could not start with the old file: try again with this one
            self.settings = opt.Settings(change.config.settings)
            self.bridge.restart(self._wiring.start_configured_engine)
            return
        settings = opt.Settings(change.config.settings)
        if settings != self.settings:
            self.apply_settings(settings)
        self.on_accounts_changed(change.config.accounts)


def _sample(point: object) -> Sample | None:
    """A history database point (storage.history.HistoryPoint) as a chart sample."""
    at = getattr(point, "at", None)
    mark = getattr(point, "mark_price", None)
    entry = getattr(point, "entry_price", None)
    if at is None or mark is None or entry is None:
        return None
    return Sample(
        at=at.timestamp(),
        mark=mark,
        entry=entry,
        liquidation=getattr(point, "liquidation_price", None),
        score=getattr(point, "score", None),
        exchange_tier=getattr(point, "exchange_tier", None),
        estimated_tier=getattr(point, "estimate_tier", None),
    )


def _setup_logging() -> None:
    try:
        from adl_monitor.logging_setup import setup_logging
    except ImportError:
        return
    try:
        setup_logging()
    except Exception:
        _log.debug("logging setup failed", exc_info=True)


def run_app(wiring: DesktopWiring) -> int:
    """`adl-monitor` / `adl-monitor --demo [--scenario NAME] [--config PATH]`, with the engine
    sessions the composition root built (commands/gui.py)."""
    _setup_logging()
    QCoreApplication.setOrganizationName("adl-monitor")
    QCoreApplication.setApplicationName("ADL Monitor")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if leaking_singletons():
        print(leak_sentence(), file=sys.stderr)
        _log.error("refusing to start: %s", leak_sentence())
        return 3
    if ask_running_instance_to_raise():
        print("ADL Monitor is already running; its window was brought to the front.")
        return 0
    instance = InstanceServer()
    instance.listen()
    collector = GuiThreadGarbageCollector(app)
    collector.start()
    app.setWindowIcon(app_icon())
    app.setDesktopFileName(APP_ID)  # matches resources/<APP_ID>.desktop
    app.setQuitOnLastWindowClosed(False)  # the tray keeps running; quit() ends it
    follow_system_theme(app)
    translators = install_translators(app)  # noqa: F841 - kept alive for the app's life
    bridge = EngineBridge(wiring.start_engine)
    desktop = DesktopApp(app, bridge, wiring)
    instance.raise_requested.connect(desktop.window.show_and_raise)
    crash_handler = CrashHandler(log_file_path(), lambda: desktop.window)
    crash_handler.install()
    desktop.show()
    # Ctrl+C in the terminal quits cleanly: Python handles signals only between bytecodes,
    # so a slow timer lets the interpreter run while Qt's loop waits.
    signal.signal(signal.SIGINT, lambda *_: desktop.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(500)
    try:
        return app.exec()
    finally:
        collector.stop()
        crash_handler.uninstall()
        instance.close()
        bridge.stop()
        desktop.notifier.close()
