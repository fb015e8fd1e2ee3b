"""Nothing in the config is ignored or misread silently (issue 8 item 7, issue 9 items 2-3):
each problem is one sentence naming the account or key, the line, and what a valid one is."""

from __future__ import annotations

from pathlib import Path

import pytest

from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.storage.config import AppConfig, ConfigError, load_config, save_config


def _load(tmp_path: Path, text: str) -> str:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    return str(raised.value)


def test_a_misspelt_accounts_table_names_the_line_and_the_close_match(tmp_path: Path) -> None:
    text = '[settings]\nrefresh_seconds = 5\n\n[[acounts]]\nname = "main"\nexchange = "okx"\n'
    message = _load(tmp_path, text)
    assert "line 4" in message and "[[acounts]]" in message
    assert "did you mean [[accounts]]?" in message


def test_an_unknown_top_level_key_is_named_with_its_line(tmp_path: Path) -> None:
    message = _load(tmp_path, "# comment\nrefresh_seconds = 5\n")
    assert "line 2" in message and "unknown key refresh_seconds" in message


def test_a_misspelt_account_key_suggests_the_real_one(tmp_path: Path) -> None:
    message = _load(tmp_path, '[[accounts]]\nname = "a"\nexchange = "okx"\napi_ulr = "x"\n')
    assert "line 4" in message and "did you mean api_url?" in message


def test_a_missing_exchange_lists_the_supported_ones(tmp_path: Path) -> None:
    message = _load(tmp_path, '[[accounts]]\nname = "main"\n')
    assert "None" not in message
    assert "account 'main' has no exchange = " in message
    assert "(one of: binanceusdm, " in message and "hyperliquid)" in message


def test_a_misspelt_exchange_suggests_the_close_one(tmp_path: Path) -> None:
    message = _load(tmp_path, '[[accounts]]\nname = "main"\nexchange = "bybt"\n')
    assert "did you mean 'bybit'?" in message


@pytest.mark.parametrize(
    "api_url",
    [
        "file:///etc/passwd",
        "api.bybit.com",
        "bybit",
        "ftp://api.bybit.com",
        "https://",
        "https://h:x",
    ],
)
def test_an_api_url_that_is_not_a_web_address_is_refused(tmp_path: Path, api_url: str) -> None:
    text = f'[[accounts]]\nname = "main"\nexchange = "bybit"\napi_url = "{api_url}"\n'
    message = _load(tmp_path, text)
    assert message.count("main: the api_url") == 1
    assert "a valid one looks like https://host[:port][/path]" in message
    assert "unexpected" not in message


def test_plain_http_to_another_host_is_refused_and_https_named(tmp_path: Path) -> None:
    text = '[[accounts]]\nname = "main"\nexchange = "bybit"\napi_url = "http://api.bybit.invalid"\n'
    message = _load(tmp_path, text)
    assert "main:" in message and "plain http" in message and "clear text" in message
    assert "https://" in message


@pytest.mark.parametrize(
    "api_url",
    [
        "http://127.0.0.1:8080/bybit",
        "http://127.0.0.2/bybit",
        "http://localhost:1",
        "http://[::1]/x",
    ],
)
def test_plain_http_on_loopback_is_accepted(tmp_path: Path, api_url: str) -> None:
    path = tmp_path / "c.toml"
    save_config(AppConfig().with_account(AccountSpec("main", "bybit", api_url=api_url)), path)
    assert load_config(path).accounts[0].api_url == api_url


def test_a_password_inside_an_api_url_is_not_echoed(tmp_path: Path) -> None:
    text = '[[accounts]]\nname = "m"\nexchange = "bybit"\napi_url = "https://u:hunter2@h.invalid"\n'
    message = _load(tmp_path, text)
    assert "hunter2" not in message and "m: the api_url" in message


def test_names_sharing_one_environment_form_are_refused(tmp_path: Path) -> None:
    text = (
        '[[accounts]]\nname = "main-acct"\nexchange = "okx"\n'
        '[[accounts]]\nname = "main.acct"\nexchange = "bybit"\n'
    )
    message = _load(tmp_path, text)
    assert "main.acct" in message and "'main-acct'" in message
    assert "ADLMON_MAIN_ACCT_" in message and "line 4" in message


def test_the_writer_refuses_a_config_it_could_not_read_back(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    bad = AppConfig().with_account(AccountSpec("main", "bybit", api_url="http://10.0.0.1.invalid"))
    with pytest.raises(ConfigError, match="plain http"):
        save_config(bad, path)
    assert not path.exists()


def test_a_misspelt_settings_table_is_suggested_as_a_table(tmp_path: Path) -> None:
    message = _load(tmp_path, "[setings]\nrefresh_seconds = 5\n")
    assert "line 1: unknown table [setings] — did you mean [settings]?" in message


def test_control_characters_in_a_name_never_reach_the_terminal(tmp_path: Path) -> None:
    text = '[[accounts]]\nname = "x\\u001b[2J"\nexchange = "bybit"\napi_url = "ftp://h"\n'
    message = _load(tmp_path, text)
    assert "\x1b" not in message and "\\x1b[2J" in message
