"""The TOML config: round trip, clear errors with line/column, no data lost on a broken file."""

from __future__ import annotations

from pathlib import Path

import pytest

from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.storage.config import AppConfig, ConfigError, load_config, save_config
from adl_monitor.storage.paths import default_config_path


def test_missing_file_is_an_empty_config() -> None:
    config = load_config()
    assert config.accounts == ()
    assert config.path == default_config_path()


def test_round_trip_keeps_accounts_and_settings(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    config = (
        AppConfig()
        .with_account(AccountSpec("Binance main", "binanceusdm"))
        .with_account(
            AccountSpec(
                "bybit sub", "bybit", api_url="http://127.0.0.1:9/bybit", allow_trading_key=True
            )
        )
        .with_account(AccountSpec("hl", "hyperliquid", wallet_address="0xabc"))
        .with_settings({"alerts": {"levels": ["orange", "red"]}, "refresh_seconds": 5})
    )
    save_config(config, path)
    loaded = load_config(path)
    assert loaded.accounts == config.accounts
    assert loaded.settings == {"alerts": {"levels": ["orange", "red"]}, "refresh_seconds": 5}


def test_with_account_replaces_by_name_in_place() -> None:
    config = (
        AppConfig().with_account(AccountSpec("a", "okx")).with_account(AccountSpec("b", "gate"))
    )
    config = config.with_account(AccountSpec("a", "bybit"))
    assert [(a.name, a.exchange) for a in config.accounts] == [("a", "bybit"), ("b", "gate")]
    assert [a.name for a in config.without_account("a").accounts] == ["b"]


def test_syntax_error_names_line_and_column_and_points_to_last_good(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    save_config(AppConfig().with_account(AccountSpec("main", "okx")), path)
    load_config(path)  # a good load leaves a last-good copy
    path.write_text('[[accounts]]\nname = "main"\nexchange = okx\n')
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert "line 3" in message and "column" in message
    assert "last good copy" in message
    last_good = path.with_name("c.toml.last-good")
    assert load_config(last_good).accounts[0].name == "main"


def test_save_refuses_to_overwrite_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    broken = "[[accounts]\nname = 'x'\n"
    path.write_text(broken)
    with pytest.raises(ConfigError):
        save_config(AppConfig().with_account(AccountSpec("new", "okx")), path)
    assert path.read_text() == broken  # the user's file is untouched


def test_previous_file_is_kept_as_backup(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    save_config(AppConfig().with_account(AccountSpec("first", "okx")), path)
    save_config(AppConfig().with_account(AccountSpec("second", "okx")), path)
    backup = path.with_name("c.toml.bak")
    assert load_config(backup).accounts[0].name == "first"
    assert load_config(path).accounts[0].name == "second"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[[accounts]]\nname = "x"\nexchange = "bitmex"\n', "does not support"),
        ('[[accounts]]\nexchange = "okx"\n', "has no name"),
        (
            '[[accounts]]\nname = "x"\nexchange = "okx"\nsecret = "s"\n',
            "line 4: unknown key secret",
        ),
        (
            '[[accounts]]\nname="x"\nexchange="okx"\n[[accounts]]\nname="x"\nexchange="gate"\n',
            "unique",
        ),
        ('accounts = "nope"\n', "list"),
    ],
)
def test_invalid_content_gets_a_sentence(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=fragment):
        load_config(path)


def test_secrets_are_never_written(tmp_path: Path) -> None:
    """The config format has no place for a secret: unknown keys are refused on load."""
    path = tmp_path / "c.toml"
    save_config(AppConfig().with_account(AccountSpec("main", "okx")), path)
    text = path.read_text()
    assert "secret" not in text.replace("Secrets are not here", "").lower()


def test_the_platform_directories_are_private_up_to_the_apps_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without overrides the log lands in …/adl-monitor/log: both levels are the app's, 0700;
    the shared parent (~/.local/state) keeps its mode."""
    import os

    from adl_monitor.storage import paths

    monkeypatch.delenv("ADLMON_LOG_DIR")
    monkeypatch.setattr(
        paths.platformdirs,
        "user_log_dir",
        lambda *a, **k: str(tmp_path / "state" / "adl-monitor" / "log"),
    )
    previous = os.umask(0o022)
    try:
        log = paths.log_dir()
    finally:
        os.umask(previous)
    assert log.stat().st_mode & 0o777 == 0o700
    assert log.parent.stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "state").stat().st_mode & 0o777 == 0o755
