"""One true sentence where the CLI used to say something false or print a traceback (issue 8
item 7), and `sim-exchange --write-config` that never destroys a config (issue 9 item 5)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from adl_monitor.cli import main
from adl_monitor.commands import sim_exchange
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.sim.demo import DEMO_API_KEY, DEMO_SECRET
from adl_monitor.storage.config import load_config
from adl_monitor.storage.secrets import SecretStore
from tests.cli.conftest import write_config
from tests.memory_keyring import MemoryKeyring


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adl_monitor", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        check=False,
    )


# -- accounts remove ---------------------------------------------------------------------------


def test_remove_of_an_environment_key_says_the_keyring_held_nothing_and_names_the_variables(
    config_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_config(config_path, {"name": "ci-bot", "exchange": "bybit"})
    monkeypatch.setenv("ADLMON_CI_BOT_API_KEY", DEMO_API_KEY)
    monkeypatch.setenv("ADLMON_CI_BOT_SECRET", DEMO_SECRET)
    assert main(["accounts", "remove", "ci-bot", "--config", str(config_path)]) == 0
    out = capsys.readouterr().out
    assert load_config(config_path).accounts == ()
    assert "deleted from the keyring" not in out
    assert "nothing was stored for it in the keyring" in out
    assert "ADLMON_CI_BOT_API_KEY, ADLMON_CI_BOT_SECRET" in out
    assert "ADLMON_CI_BOT_PASSWORD" not in out  # only what is really set
    assert "unset them" in out
    assert out.count("\n") == 1 and out.startswith("ci-bot: removed")


def test_remove_of_a_keyring_key_says_it_was_deleted(
    config_path: Path, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(config_path, {"name": "desk", "exchange": "bybit"})
    from adl_monitor.core.model.account_spec import Credentials

    SecretStore().set(AccountSpec("desk", "bybit"), Credentials(DEMO_API_KEY, DEMO_SECRET))
    assert main(["accounts", "remove", "desk", "--config", str(config_path)]) == 0
    assert capsys.readouterr().out == "desk: removed, and its key deleted from the keyring.\n"
    assert memory_keyring.store == {}


def test_remove_of_an_account_without_any_key_does_not_claim_a_deletion(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(config_path, {"name": "bare", "exchange": "okx"})
    assert main(["accounts", "remove", "bare", "--config", str(config_path)]) == 0
    assert (
        capsys.readouterr().out == "bare: removed, and nothing was stored for it in the keyring.\n"
    )


# -- sim-exchange --port -----------------------------------------------------------------------


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_port_out_of_range_is_a_usage_error_naming_the_range(port: str) -> None:
    result = _cli("sim-exchange", "--port", port)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "from 0 to 65535" in result.stderr.splitlines()[-1]


def test_a_port_in_use_is_one_sentence() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _cli("sim-exchange", "--port", str(port))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert f"127.0.0.1:{port}" in result.stderr and "already uses that port" in result.stderr
    assert "Choose another --port" in result.stderr


# -- sim-exchange --write-config ---------------------------------------------------------------


def _run_until_ctrl_c(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    """The real command in-process; its wait loop's first sleep is the user's Ctrl-C."""

    def ctrl_c(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sim_exchange, "time", SimpleNamespace(sleep=ctrl_c))
    return main(["sim-exchange", "--port", "0", *argv])


def test_write_config_refuses_to_replace_an_existing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    broken = '[[accounts]]\nname = "mine\n'  # broken, and still the user's
    path.write_text(broken, encoding="utf-8")
    assert _run_until_ctrl_c(monkeypatch, "--write-config", str(path)) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "--force" in err and err.count("\n") == 1
    assert path.read_text(encoding="utf-8") == broken
    assert not path.with_name("config.toml.bak").exists()


def test_write_config_with_force_keeps_a_backup_and_says_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    old = '[[accounts]]\nname = "mine"\nexchange = "bybit"\n'
    path.write_text(old, encoding="utf-8")
    assert _run_until_ctrl_c(monkeypatch, "--write-config", str(path), "--force") == 0
    out = capsys.readouterr().out
    backup = tmp_path / "config.toml.bak"
    assert backup.read_text(encoding="utf-8") == old
    assert f"the previous file is kept as {backup}" in out
    names = [spec.name for spec in load_config(path).accounts]
    assert "demo-bybit" in names and "mine" not in names


def test_write_config_to_a_new_path_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new" / "config.toml"
    assert _run_until_ctrl_c(monkeypatch, "--write-config", str(path)) == 0
    assert f"Wrote {path}." in capsys.readouterr().out
    assert len(load_config(path).accounts) == 4
    assert not path.with_name("config.toml.bak").exists()


def test_write_config_with_force_writes_through_a_symlink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "dotfiles" / "adl.toml"
    real.parent.mkdir()
    real.write_text("# mine\n", encoding="utf-8")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    assert _run_until_ctrl_c(monkeypatch, "--write-config", str(link)) == 1
    assert _run_until_ctrl_c(monkeypatch, "--write-config", str(link), "--force") == 0
    assert link.is_symlink() and len(load_config(link).accounts) == 4
    assert (tmp_path / "dotfiles" / "adl.toml.bak").read_text(encoding="utf-8") == "# mine\n"


def test_log_requests_prints_each_request_with_controls_made_visible(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--log-requests`: what a client sent, line by line, as the user checks docs/security.md."""
    import re
    import urllib.error
    import urllib.request

    def client_then_ctrl_c(seconds: float) -> None:
        base_url = re.search(r"http://127\.0\.0\.1:\d+", capsys.readouterr().out)
        assert base_url is not None
        for path in ("/bybit/v5/market/time", "/bybit/%1b[2J%e2%80%ae"):
            with contextlib.suppress(urllib.error.HTTPError):  # the venue's 404 for the odd one
                urllib.request.urlopen(base_url.group() + path, timeout=30).close()
        raise KeyboardInterrupt

    monkeypatch.setattr(sim_exchange, "time", SimpleNamespace(sleep=client_then_ctrl_c))
    assert main(["sim-exchange", "--port", "0", "--speed", "0", "--log-requests"]) == 0
    err = capsys.readouterr().err
    assert "GET /bybit/v5/market/time" in err
    assert "GET /bybit/\\x1b[2J\\u202e" in err and "\x1b" not in err and "\u202e" not in err
