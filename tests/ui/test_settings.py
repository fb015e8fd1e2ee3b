"""The settings dialog: edits the config's [settings] (tests/storage/test_settings.py holds the
options themselves)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from adl_monitor.storage import settings as opt
from adl_monitor.storage.config import AppConfig, load_config, save_config
from adl_monitor.ui import autostart
from adl_monitor.ui.settings_dialog import SettingsDialog
from tests.ui.artifacts import save_artifact
from tests.ui.conftest import spec


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "config" / "config.toml"
    save_config(AppConfig(accounts=(spec("keep-me"),)), path)
    return path


def test_dialog_round_trip_persists_and_keeps_accounts(
    qtbot, config_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    dialog = SettingsDialog(opt.Settings.load(config_path), config_path)
    qtbot.addWidget(dialog)
    dialog.refresh.setValue(15)
    dialog.level_boxes[opt.Level.YELLOW].setChecked(True)
    dialog.level_boxes[opt.Level.ORANGE].setChecked(False)
    dialog.cooldown.setValue(45)
    dialog.quiet.setChecked(True)
    dialog.quiet_start.setTime(dialog.quiet_start.time().fromString("23:15", "HH:mm"))
    dialog.sound.setChecked(False)
    dialog.close_to_tray.setChecked(False)
    dialog.start_minimised.setChecked(True)
    dialog.start_at_login.setChecked(autostart.supported())
    with qtbot.waitSignal(dialog.applied):
        dialog.accept()

    reloaded = opt.Settings.load(config_path)
    assert reloaded.get(opt.REFRESH_SECONDS) == 15
    assert reloaded.get(opt.ALERT_LEVELS) == ("yellow", "red")
    assert reloaded.get(opt.ALERT_COOLDOWN_MINUTES) == 45
    assert reloaded.get(opt.QUIET_HOURS) is True
    assert reloaded.get(opt.QUIET_START) == "23:15"
    assert reloaded.get(opt.SOUND) is False
    assert reloaded.get(opt.CLOSE_TO_TRAY) is False
    assert reloaded.get(opt.START_MINIMISED) is True
    assert [a.name for a in load_config(config_path).accounts] == ["keep-me"]

    again = SettingsDialog(reloaded, config_path)
    qtbot.addWidget(again)
    assert again.refresh.value() == 15
    assert not again.level_boxes[opt.Level.ORANGE].isChecked()
    assert again.quiet_start.time().toString("HH:mm") == "23:15"
    save_artifact(again, "settings-dialog.png")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG autostart is for Linux")
def test_start_at_login_writes_an_xdg_autostart_entry(
    qtbot, config_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    dialog = SettingsDialog(opt.Settings.load(config_path), config_path)
    qtbot.addWidget(dialog)
    dialog.start_at_login.setChecked(True)
    dialog.accept()
    entry = tmp_path / "xdg" / "autostart" / "adl-monitor.desktop"
    assert "Exec=" in entry.read_text(encoding="utf-8")
    off = SettingsDialog(opt.Settings.load(config_path), config_path)
    qtbot.addWidget(off)
    off.start_at_login.setChecked(False)
    off.accept()
    assert not entry.exists()


def test_broken_config_is_reported_not_overwritten(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.toml"
    path.write_text("[settings\nsound = true\n", encoding="utf-8")
    dialog = SettingsDialog(opt.Settings(), path)
    qtbot.addWidget(dialog)
    dialog.accept()
    assert "could not be saved" in dialog.error.text()
    assert path.read_text(encoding="utf-8").startswith("[settings\n")
