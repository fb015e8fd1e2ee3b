"""`adl-monitor accounts`: keys come from stdin (never argv), go to the keyring, and must be
read-only — verified with the venue's permission endpoint on the simulated exchange."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from adl_monitor.cli import main
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.sim.demo import (
    DEMO_API_KEY,
    DEMO_PASSWORD,
    DEMO_SECRET,
    DEMO_TRADE_KEY,
    DEMO_WITHDRAW_KEY,
)
from adl_monitor.sim.thread import SimExchangeThread
from adl_monitor.storage.config import load_config
from adl_monitor.storage.secrets import SecretStore
from tests.memory_keyring import MemoryKeyring

Feed = Callable[[str], None]


def _add(config: Path, sim: SimExchangeThread, name: str, exchange: str, *extra: str) -> int:
    return main(
        [
            "accounts",
            "add",
            name,
            "--exchange",
            exchange,
            "--api-url",
            f"{sim.base_url}/{exchange}",
            "--config",
            str(config),
            *extra,
        ]
    )


def test_a_key_that_can_withdraw_is_refused_and_nothing_is_saved(
    sim: SimExchangeThread,
    config_path: Path,
    stdin: Feed,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stdin(f"{DEMO_WITHDRAW_KEY}\n{DEMO_SECRET}\n")
    assert _add(config_path, sim, "risky", "bybit", "--allow-trading-key") == 1
    err = capsys.readouterr().err
    assert err.startswith("risky: refused") and "withdraw" in err and "Wallet:Withdraw" in err
    assert load_config(config_path).accounts == ()
    assert memory_keyring.store == {}
    assert DEMO_SECRET not in err


def test_a_read_only_key_is_saved_to_the_keyring_and_the_config(
    sim: SimExchangeThread,
    config_path: Path,
    stdin: Feed,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stdin(f"{DEMO_API_KEY}\n{DEMO_SECRET}\n{DEMO_PASSWORD}\n")
    assert _add(config_path, sim, "okx main", "okx") == 0
    (spec,) = load_config(config_path).accounts
    assert spec.name == "okx main" and spec.api_url == f"{sim.base_url}/okx"
    assert not spec.allow_trading_key
    stored = SecretStore().get(spec)
    assert stored is not None and stored.password == DEMO_PASSWORD
    assert DEMO_SECRET not in config_path.read_text(encoding="utf-8")
    assert "read-only" in capsys.readouterr().out


def test_a_trading_key_needs_the_flag_and_then_carries_a_warning(
    sim: SimExchangeThread,
    config_path: Path,
    stdin: Feed,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stdin(f"{DEMO_TRADE_KEY}\n{DEMO_SECRET}\n")
    assert _add(config_path, sim, "trader", "binanceusdm") == 1
    assert "--allow-trading-key" in capsys.readouterr().err
    assert load_config(config_path).accounts == ()

    stdin(f"{DEMO_TRADE_KEY}\n{DEMO_SECRET}\n")
    assert _add(config_path, sim, "trader", "binanceusdm", "--allow-trading-key") == 0
    assert "WARNING trader" in capsys.readouterr().err
    (spec,) = load_config(config_path).accounts
    assert spec.allow_trading_key

    assert main(["accounts", "list", "--config", str(config_path)]) == 0
    listing = capsys.readouterr().out
    assert "trader" in listing and "keyring" in listing and "can trade" in listing

    assert main(["snapshot", "--config", str(config_path), "--json"]) == 0
    out = capsys.readouterr().out
    assert "this API key can trade" in out  # the warning travels with the account


def test_a_rejected_key_is_not_saved(
    sim: SimExchangeThread,
    config_path: Path,
    stdin: Feed,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stdin(f"{DEMO_API_KEY}\nnot-the-secret\n")
    assert _add(config_path, sim, "typo", "bybit") == 1
    err = capsys.readouterr().err
    assert err.startswith("typo: could not verify") and "Nothing was saved" in err
    assert load_config(config_path).accounts == ()


def test_a_venue_that_cannot_be_reached_says_try_again_not_retrying(
    config_path: Path, stdin: Feed, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command has ended when it says so: "retrying" would promise a try that never
    comes."""
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    stdin(f"{DEMO_API_KEY}\n{DEMO_SECRET}\n")
    argv = ["accounts", "add", "far", "--exchange", "bybit", "--config", str(config_path)]
    assert main([*argv, "--api-url", f"http://127.0.0.1:{port}/bybit"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("far: could not verify the key — nothing answers at")
    assert "try again in a moment. Nothing was saved." in " ".join(err.split())
    assert "retrying" not in err
    assert load_config(config_path).accounts == ()


def test_no_key_on_stdin_is_a_clear_refusal(
    sim: SimExchangeThread,
    config_path: Path,
    stdin: Feed,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stdin("")
    assert _add(config_path, sim, "empty", "bybit") == 1
    assert "no API key was given" in capsys.readouterr().err


def test_verify_exits_non_zero_naming_the_account_and_the_permission(
    sim: SimExchangeThread,
    config_path: Path,
    stdin: Feed,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stdin(f"{DEMO_API_KEY}\n{DEMO_SECRET}\n")
    assert _add(config_path, sim, "reader", "bybit") == 0
    assert main(["accounts", "verify", "--config", str(config_path)]) == 0
    assert "reader: read-only" in capsys.readouterr().out

    stdin(f"{DEMO_TRADE_KEY}\n{DEMO_SECRET}\n")
    assert _add(config_path, sim, "trader", "bybit", "--allow-trading-key") == 0
    capsys.readouterr()
    assert main(["accounts", "verify", "--config", str(config_path)]) == 1
    out = capsys.readouterr().out
    assert "reader: read-only" in out
    assert "trader: NOT read-only" in out and "ContractTrade:Order" in out
    assert main(["accounts", "verify", "reader", "--config", str(config_path)]) == 0


def test_verify_reports_a_missing_key_and_env_keys_count(
    sim: SimExchangeThread,
    config_path: Path,
    stdin: Feed,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stdin(f"{DEMO_API_KEY}\n{DEMO_SECRET}\n")
    assert _add(config_path, sim, "ci", "bybit") == 0
    SecretStore().delete(AccountSpec("ci", "bybit"))
    assert main(["accounts", "verify", "--config", str(config_path)]) == 1
    assert "ADLMON_CI_API_KEY" in capsys.readouterr().out
    monkeypatch.setenv("ADLMON_CI_API_KEY", DEMO_API_KEY)
    monkeypatch.setenv("ADLMON_CI_SECRET", DEMO_SECRET)
    assert main(["accounts", "verify", "--config", str(config_path)]) == 0


def test_remove_deletes_the_account_and_its_key(
    sim: SimExchangeThread,
    config_path: Path,
    stdin: Feed,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stdin(f"{DEMO_API_KEY}\n{DEMO_SECRET}\n")
    assert _add(config_path, sim, "gone", "bybit") == 0
    assert memory_keyring.store
    assert main(["accounts", "remove", "gone", "--config", str(config_path)]) == 0
    assert load_config(config_path).accounts == ()
    assert memory_keyring.store == {}
    assert main(["accounts", "remove", "gone", "--config", str(config_path)]) == 1
    assert "no account named 'gone'" in capsys.readouterr().err


def test_hyperliquid_needs_a_wallet_address_and_no_key(
    sim: SimExchangeThread,
    config_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _add(config_path, sim, "hl", "hyperliquid") == 1
    assert "--wallet-address" in capsys.readouterr().err
    wallet = sim.sim.demo_accounts()[-1].wallet_address
    assert wallet is not None
    assert _add(config_path, sim, "hl", "hyperliquid", "--wallet-address", wallet) == 0
    (spec,) = load_config(config_path).accounts
    assert spec.wallet_address == wallet


def test_a_key_in_the_environment_is_verified_and_left_there(
    sim: SimExchangeThread,
    config_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ADLMON_CI_BOT_API_KEY", DEMO_WITHDRAW_KEY)
    monkeypatch.setenv("ADLMON_CI_BOT_SECRET", DEMO_SECRET)
    assert _add(config_path, sim, "ci-bot", "bybit") == 1  # still verified: refused
    assert "withdraw" in capsys.readouterr().err
    monkeypatch.setenv("ADLMON_CI_BOT_API_KEY", DEMO_API_KEY)
    assert _add(config_path, sim, "ci-bot", "bybit") == 0
    assert "from the environment" in capsys.readouterr().out
    assert memory_keyring.store == {}
    assert [a.name for a in load_config(config_path).accounts] == ["ci-bot"]


def test_without_a_secure_keyring_the_message_offers_the_environment(
    sim: SimExchangeThread,
    config_path: Path,
    stdin: Feed,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        stdin(f"{DEMO_API_KEY}\n{DEMO_SECRET}\n")
        assert _add(config_path, sim, "nokeyring", "bybit") == 1
    finally:
        keyring.set_keyring(previous)
    err = capsys.readouterr().err
    assert "ADLMON_NOKEYRING_API_KEY" in err and "Nothing was saved" in err
    assert load_config(config_path).accounts == ()
