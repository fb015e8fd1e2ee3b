"""The desktop app notices its config file changing while it runs (issue 9 item 5): accounts
and settings are reloaded through the same paths the dialogs use, and a config fixed after a
failed start starts monitoring."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.sim.demo import DEMO_API_KEY, DEMO_SECRET
from adl_monitor.storage.secrets import SecretStore
from adl_monitor.ui.app import DesktopApp
from adl_monitor.ui.bridge import EngineBridge
from adl_monitor.wiring.desktop import desktop_wiring
from tests.cli.conftest import write_config


@contextlib.contextmanager
def _desktop(qtbot, qapp, path: Path, first: str) -> Iterator[tuple[DesktopApp, EngineBridge]]:  # type: ignore[no-untyped-def]
    """The app on the config at `path`, shown; `first` names the bridge signal to wait for."""
    _store_keys("one", "two")
    wiring = desktop_wiring(path, False, None)
    bridge = EngineBridge(wiring.start_engine)
    desktop = DesktopApp(qapp, bridge, wiring)
    qtbot.addWidget(desktop.window)
    try:
        with qtbot.waitSignal(getattr(bridge, first), timeout=30_000):
            desktop.show()
        yield desktop, bridge
    finally:
        desktop.quit()


def _store_keys(*names: str) -> None:
    for name in names:
        SecretStore().set(AccountSpec(name, "bybit"), Credentials(DEMO_API_KEY, DEMO_SECRET))


@pytest.mark.qt_log_ignore("propagateSizeHints", "support raise")  # offscreen's limits
def test_an_account_and_a_setting_edited_by_hand_are_applied(  # type: ignore[no-untyped-def]
    qtbot, qapp, sim, tmp_path: Path
) -> None:
    url = f"{sim.base_url}/bybit"
    one = {"name": "one", "exchange": "bybit", "api_url": url}
    path = write_config(tmp_path / "config.toml", one)
    with _desktop(qtbot, qapp, path, "started") as (desktop, bridge):
        strip = desktop.window.accounts_strip
        qtbot.waitUntil(lambda: strip.badge("one") is not None, timeout=30_000)
        text = path.read_text(encoding="utf-8")
        text = "[settings]\nrefresh_seconds = 9\n\n" + text
        text += f'[[accounts]]\nname = "two"\nexchange = "bybit"\napi_url = "{url}"\n'
        path.write_text(text, encoding="utf-8")  # as an editor would, behind the app's back

        qtbot.waitUntil(lambda: strip.badge("two") is not None, timeout=30_000)
        assert "changed — reloaded: 2 accounts" in desktop.window.notice.text()
        runner = bridge.runner
        assert runner is not None
        qtbot.waitUntil(lambda: runner.engine.settings.refresh_seconds == 9.0, timeout=10_000)


@pytest.mark.qt_log_ignore("propagateSizeHints", "support raise")  # offscreen's limits
def test_a_config_fixed_after_a_failed_start_is_monitored(  # type: ignore[no-untyped-def]
    qtbot, qapp, sim, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[acounts]]\nname = "one"\nexchange = "bybit"\n', encoding="utf-8")
    with _desktop(qtbot, qapp, path, "start_failed") as (desktop, bridge):
        assert "did you mean [[accounts]]?" in desktop.window.notice.text()
        url = f"{sim.base_url}/bybit"
        with qtbot.waitSignal(bridge.started, timeout=30_000) as started:
            write_config(path, {"name": "one", "exchange": "bybit", "api_url": url})
        assert [spec.name for spec in started.args[0].accounts] == ["one"]
