"""Settings: typed options with defaults, kept in the config's [settings]; a value that makes no
sense reads as the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from adl_monitor.storage import settings as opt
from adl_monitor.storage.config import load_config


def test_defaults_alert_on_orange_and_red() -> None:
    settings = opt.Settings()
    assert settings.get(opt.ALERT_LEVELS) == ("orange", "red")
    assert settings.get(opt.CLOSE_TO_TRAY) is True


def test_bad_values_in_a_hand_edited_config_read_as_defaults(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[settings]\nrefresh_seconds = "fast"\nquiet_start = "25:99"\nsound = 1\n'
        'alert_levels = ["purple"]\nfuture_option = 3\n',
        encoding="utf-8",
    )
    settings = opt.Settings.load(path)
    assert settings.get(opt.REFRESH_SECONDS) == opt.REFRESH_SECONDS.default
    assert settings.get(opt.QUIET_START) == "22:00"
    assert settings.get(opt.SOUND) is True
    assert settings.get(opt.ALERT_LEVELS) == ("orange", "red")
    settings.set(opt.SOUND, False)
    settings.save(path)
    assert load_config(path).settings["future_option"] == 3  # unknown keys survive


def test_set_refuses_values_out_of_range() -> None:
    with pytest.raises(ValueError, match="between"):
        opt.Settings().set(opt.ALERT_COOLDOWN_MINUTES, 0)
