"""Config writers never lose each other's work (issue 9 item 5): writers hold a lock and re-read
the file under it; a symlinked config is written through the link."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from adl_monitor.cli import main
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.sim.demo import DEMO_API_KEY, DEMO_SECRET
from adl_monitor.sim.thread import SimExchangeThread
from adl_monitor.storage.config import load_config
from tests.cli.conftest import write_config

Feed = Callable[[str], None]


def test_six_accounts_added_at_once_are_all_kept(sim: SimExchangeThread, config_path: Path) -> None:
    write_config(config_path, {"name": "first", "exchange": "okx"})
    names = [f"bybit-{n}" for n in range(6)]
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    # Keys from the environment: the subprocesses need no keyring.
    for name in ["bybit-warm", *names]:
        prefix = AccountSpec(name, "bybit").env_prefix
        env[prefix + "API_KEY"], env[prefix + "SECRET"] = DEMO_API_KEY, DEMO_SECRET
    command = [sys.executable, "-m", "adl_monitor", "accounts", "add"]
    url = f"{sim.base_url}/bybit"

    def add(name: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*command, name, "--exchange", "bybit", "--api-url", url, "--config", str(config_path)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    # One first, alone: it caches the venue's markets, so the six at once ask the simulator
    # only the key check — six market downloads at once from the in-process simulator ran
    # past the 10-s request time-out on a loaded machine, which is not what this tests.
    warm_up = add("bybit-warm")
    assert warm_up.wait(timeout=300) == 0, warm_up.communicate()
    processes = [add(name) for name in names]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0] * 6, outputs
    assert all("saved" in out for out, _ in outputs)
    kept = sorted(a.name for a in load_config(config_path).accounts)
    assert kept == sorted(["first", "bybit-warm", *names])


def test_a_symlinked_config_stays_a_link_and_its_target_gets_the_account(
    sim: SimExchangeThread, tmp_path: Path, stdin: Feed
) -> None:
    target = write_config(tmp_path / "dotfiles" / "adl.toml", {"name": "a", "exchange": "okx"})
    link = tmp_path / "cfg" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(target)
    stdin(f"{DEMO_API_KEY}\n{DEMO_SECRET}\n")
    argv = ["accounts", "add", "b", "--exchange", "bybit", "--api-url", f"{sim.base_url}/bybit"]
    assert main([*argv, "--config", str(link)]) == 0
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert [a.name for a in load_config(target).accounts] == ["a", "b"]
    assert load_config(target.with_name("adl.toml.bak")).accounts[0].name == "a"
    assert main(["accounts", "remove", "a", "--config", str(link)]) == 0
    assert link.is_symlink() and [a.name for a in load_config(target).accounts] == ["b"]


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_the_lock_file_is_private(tmp_path: Path, umask: int) -> None:
    from adl_monitor.storage.config import config_lock

    previous = os.umask(umask)
    try:
        with config_lock(tmp_path / "new" / "config.toml"):
            pass
    finally:
        os.umask(previous)
    assert (tmp_path / "new" / "config.toml.lock").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700
