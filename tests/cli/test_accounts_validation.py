"""`accounts add` refuses, before any key leaves the machine, an api_url that is not https (or
plain http on loopback) and a name that would share another account's `ADLMON_<NAME>_*`
variables (issue 9 items 2-3, issue 8 item 7)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from adl_monitor.cli import main
from adl_monitor.sim.demo import DEMO_API_KEY, DEMO_SECRET
from adl_monitor.sim.thread import SimExchangeThread
from adl_monitor.storage.config import load_config
from tests.memory_keyring import MemoryKeyring

Feed = Callable[[str], None]


def _add(config: Path, name: str, api_url: str) -> int:
    argv = ["accounts", "add", name, "--exchange", "bybit", "--api-url", api_url]
    return main([*argv, "--config", str(config)])


@pytest.mark.parametrize("api_url", ["http://api.bybit.invalid", "http://127.0.0.1.invalid:80/x"])
def test_plain_http_to_another_host_is_refused_naming_https(
    config_path: Path,
    stdin: Feed,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    api_url: str,
) -> None:
    stdin(f"{DEMO_API_KEY}\n{DEMO_SECRET}\n")
    assert _add(config_path, "main", api_url) == 1
    err = capsys.readouterr().err
    assert err.startswith("main: the api_url") and "plain http" in err and "https://" in err
    assert "Nothing was saved" in err and err.count("\n") == 1
    assert not config_path.exists() and memory_keyring.store == {}


@pytest.mark.parametrize("api_url", ["file:///etc/passwd", "api.bybit.com", "bybit"])
def test_an_api_url_without_a_web_scheme_is_refused_with_a_valid_example(
    config_path: Path, stdin: Feed, capsys: pytest.CaptureFixture[str], api_url: str
) -> None:
    stdin(f"{DEMO_API_KEY}\n{DEMO_SECRET}\n")
    assert _add(config_path, "main", api_url) == 1
    err = capsys.readouterr().err
    assert "unexpected error" not in err
    assert err.startswith("main: the api_url") and "https://host[:port][/path]" in err


def test_names_that_share_one_environment_form_are_refused(
    sim: SimExchangeThread,
    config_path: Path,
    stdin: Feed,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"{sim.base_url}/bybit"
    stdin(f"{DEMO_API_KEY}\n{DEMO_SECRET}\n")
    assert _add(config_path, "main-acct", url) == 0
    for name in ("main.acct", "MAIN_ACCT"):
        stdin(f"{DEMO_API_KEY}\n{DEMO_SECRET}\n")
        assert _add(config_path, name, url) == 1
        err = capsys.readouterr().err
        assert f"{name}: this name would share" in err and "'main-acct'" in err
    assert [a.name for a in load_config(config_path).accounts] == ["main-acct"]


def test_two_non_latin_names_are_two_accounts(
    sim: SimExchangeThread, config_path: Path, stdin: Feed
) -> None:
    url = f"{sim.base_url}/bybit"
    for name in ("Основной", "Запасной"):
        stdin(f"{DEMO_API_KEY}\n{DEMO_SECRET}\n")
        assert _add(config_path, name, url) == 0
    specs = load_config(config_path).accounts
    assert len({spec.env_prefix for spec in specs}) == 2
