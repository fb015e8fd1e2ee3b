"""The whole app in one process: no account configured → the simulated exchange, said plainly.

Also: the window paints before the engine (and with it ccxt) starts.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from adl_monitor.sim.demo import DEMO_API_KEY, DEMO_SECRET
from adl_monitor.storage import settings as opt
from adl_monitor.ui.accounts_dialog import AccountsDialog
from adl_monitor.ui.app import DesktopApp
from adl_monitor.ui.bridge import EngineBridge
from adl_monitor.ui.export_dialog import ExportDialog
from adl_monitor.wiring.desktop import desktop_wiring


@pytest.mark.qt_log_ignore("propagateSizeHints", "support raise")  # offscreen's limits
def test_without_accounts_the_app_runs_on_the_simulated_exchange(qtbot, qapp) -> None:  # type: ignore[no-untyped-def]
    wiring = desktop_wiring(None, False, None)
    bridge = EngineBridge(wiring.start_engine)
    desktop = DesktopApp(qapp, bridge, wiring)
    qtbot.addWidget(desktop.window)
    try:
        with qtbot.waitSignal(bridge.started, timeout=30_000) as started:
            desktop.show()
        info = started.args[0]
        assert info.demo and info.scenario == "calm"
        assert all(spec.api_url.startswith("http://127.0.0.1:") for spec in info.accounts)
        banner = desktop.window.banner
        assert banner.isVisible()
        assert "simulated exchange, scenario calm" in banner.label.text()
        assert "No account is configured" in banner.label.text()

        qtbot.waitUntil(lambda: desktop.window.model.rowCount() >= 4, timeout=30_000)
        assert {risk.position.account for risk in desktop.window.model.risks()} >= {
            "demo-bybit",
            "demo-okx",
        }
        assert desktop.window.detail.key is not None  # the riskiest position's chart
        assert "ADL Monitor" in desktop.tray.toolTip()

        # A click on a notification lands on its position, whatever was selected before.
        target = desktop.window.model.risks()[-1].key
        desktop.window.table.clearSelection()
        with qtbot.waitSignal(desktop.window.position_selected):
            desktop.notifier.clicked.emit(target)
        assert desktop.window.selected_key() == target
        assert desktop.window.detail.key == target

        # New settings reach the running engine.
        runner = bridge.runner
        changed = desktop.settings.copy()
        changed.set(opt.REFRESH_SECONDS, 7)
        desktop.apply_settings(changed)
        qtbot.waitUntil(lambda: runner.engine.settings.refresh_seconds == 7.0)

        banner.button.click()
        dialog = desktop.window.findChild(AccountsDialog)
        assert dialog is not None and dialog.isVisible()
        dialog.close()
    finally:
        desktop.quit()


@pytest.mark.qt_log_ignore("propagateSizeHints", "support raise")  # offscreen's limits
def test_adding_the_first_account_leaves_the_simulator(qtbot, qapp, sim) -> None:  # type: ignore[no-untyped-def]
    """From the demo banner's "Add account" to monitoring that account, its key in the keyring.

    The account is the separate `sim` fixture's Bybit: a server like any other, on loopback.
    """
    wiring = desktop_wiring(None, False, None)
    bridge = EngineBridge(wiring.start_engine)
    desktop = DesktopApp(qapp, bridge, wiring)
    qtbot.addWidget(desktop.window)
    try:
        with qtbot.waitSignal(bridge.started, timeout=30_000):
            desktop.show()
        desktop.window.banner.button.click()
        dialog = desktop.window.findChild(AccountsDialog)
        dialog.name.setText("my bybit")
        dialog.exchange.setCurrentIndex(dialog.exchange.findData("bybit"))
        dialog.api_url.setText(f"{sim.base_url}/bybit")
        dialog.api_key.setText(DEMO_API_KEY)
        dialog.secret.setText(DEMO_SECRET)
        with qtbot.waitSignal(bridge.started, timeout=30_000) as restarted:
            dialog.save_button.click()
        info = restarted.args[0]
        assert not info.demo
        assert [spec.name for spec in info.accounts] == ["my bybit"]
        assert not desktop.window.banner.isVisible()
        qtbot.waitUntil(lambda: desktop.window.model.rowCount() > 0, timeout=30_000)
        assert {r.position.account for r in desktop.window.model.risks()} == {"my bybit"}
        badge = desktop.window.accounts_strip.badge("my bybit")
        qtbot.waitUntil(lambda: "live" in badge.text(), timeout=30_000)  # type: ignore[union-attr]
        dialog.close()
    finally:
        desktop.quit()


STARTUP_PROBE = textwrap.dedent(
    """
    import json, os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from adl_monitor.ui import app as ui_app
    from adl_monitor.ui.bridge import EngineBridge
    from adl_monitor.ui.desktop_wiring import DesktopWiring

    seen = {"ccxt_after_import": "ccxt" in sys.modules, "painted": False}

    class PaintSpy(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                seen["painted"] = True
            return False

    def start(self):
        seen["painted_before_start"] = seen["painted"]
        seen["ccxt_before_start"] = "ccxt" in sys.modules
        QTimer.singleShot(0, app.quit)

    EngineBridge.start = start
    no_engine = lambda: None
    wiring = DesktopWiring(None, True, start_engine=no_engine, start_configured_engine=no_engine)
    desktop = ui_app.DesktopApp(app, EngineBridge(wiring.start_engine), wiring)
    spy = PaintSpy()
    desktop.window.installEventFilter(spy)
    desktop.show()
    app.exec()
    print(json.dumps(seen))
    """
)


def test_window_paints_before_the_engine_and_ccxt_start() -> None:
    result = subprocess.run(
        [sys.executable, "-c", STARTUP_PROBE], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {
        "ccxt_after_import": False,
        "painted": True,
        "painted_before_start": True,
        "ccxt_before_start": False,
    }


@pytest.mark.qt_log_ignore("propagateSizeHints", "support raise")  # offscreen's limits
def test_a_broken_config_is_shown_and_never_overwritten(qtbot, qapp, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "config.toml"
    broken = '[[accounts]]\nname = "main"\nexchange = bybit\n'
    path.write_text(broken, encoding="utf-8")
    wiring = desktop_wiring(path, False, None)
    bridge = EngineBridge(wiring.start_engine)
    desktop = DesktopApp(qapp, bridge, wiring)
    qtbot.addWidget(desktop.window)
    try:
        with qtbot.waitSignal(bridge.start_failed, timeout=30_000):
            desktop.show()
        notice = desktop.window.notice
        qtbot.waitUntil(lambda: notice.isVisible())
        assert str(path) in notice.text() and "line 3" in notice.text()
        assert desktop.window.model.rowCount() == 0  # nothing invented, no demo passed off
    finally:
        desktop.quit()
    assert path.read_text(encoding="utf-8") == broken


@pytest.mark.qt_log_ignore("propagateSizeHints", "support raise")  # offscreen's limits
def test_export_history_from_the_window_writes_what_the_engine_recorded(  # type: ignore[no-untyped-def]
    qtbot, qapp, tmp_path
) -> None:
    import csv
    import sqlite3
    import stat

    wiring = desktop_wiring(None, True, "calm")
    bridge = EngineBridge(wiring.start_engine)
    desktop = DesktopApp(qapp, bridge, wiring)
    qtbot.addWidget(desktop.window)
    try:
        with qtbot.waitSignal(bridge.started, timeout=30_000):
            desktop.show()
        qtbot.waitUntil(lambda: desktop.window.model.rowCount() >= 4, timeout=30_000)
        history_path = desktop.info.history_path
        qtbot.waitUntil(history_path.exists, timeout=10_000)

        desktop.window.export_action.trigger()
        dialog = desktop.window.findChild(ExportDialog)
        assert dialog is not None and dialog.isVisible()
        account = desktop.window.model.risks()[0].position.account
        dialog.account.setCurrentIndex(dialog.account.findData(account))
        out = tmp_path / "history.csv"
        with qtbot.waitSignal(dialog.finished_export, timeout=30_000) as done:
            dialog.export_to(out)
        assert done.args[0].startswith("Exported ") and str(out) in done.args[0]
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        assert rows and {row["account"] for row in rows} == {account}
        with sqlite3.connect(history_path) as conn:
            recorded = conn.execute(
                "SELECT COUNT(*) FROM position_sample WHERE account = ? AND t <= ?",
                (account, max(datetime_seconds(row["time"]) for row in rows)),
            ).fetchone()[0]
        assert len(rows) == recorded
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        qtbot.waitUntil(lambda: str(out) in desktop.window.statusBar().currentMessage())
    finally:
        desktop.quit()


def datetime_seconds(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
