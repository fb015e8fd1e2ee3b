"""Nothing the app writes is readable by others (issue 9 item 4): after a real `accounts add`
and `snapshot` against the simulator under umask 022, every file is 0600 and every directory
0700 — and an older install's 0644/0755 ones are fixed on start."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adl_monitor.cli import main
from adl_monitor.core.model.snapshot import Snapshot
from adl_monitor.sim.demo import DEMO_API_KEY, DEMO_SECRET
from adl_monitor.sim.thread import SimExchangeThread
from adl_monitor.storage.history import History

Feed = Callable[[str], None]
_DIRS = ("config", "data", "cache", "log")


@pytest.fixture(autouse=True)
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _modes(root: Path) -> dict[str, int]:
    """Relative path → permission bits of every file and directory under the app's dirs."""
    found: dict[str, int] = {}
    for name in _DIRS:
        top = root / name
        found[name + "/"] = stat.S_IMODE(top.stat().st_mode)
        for path in top.rglob("*"):
            shown = str(path.relative_to(root)) + ("/" if path.is_dir() else "")
            found[shown] = stat.S_IMODE(path.stat().st_mode)
    return found


def _not_private(modes: dict[str, int]) -> dict[str, str]:
    return {
        path: oct(mode)
        for path, mode in modes.items()
        if mode != (0o700 if path.endswith("/") else 0o600)
    }


def _add_and_snapshot(sim: SimExchangeThread, config: Path, stdin: Feed) -> None:
    for name in ("one", "two"):  # the second add leaves a .bak, every load a .last-good
        stdin(f"{DEMO_API_KEY}\n{DEMO_SECRET}\n")
        argv = ["accounts", "add", name, "--exchange", "bybit"]
        assert main([*argv, "--api-url", f"{sim.base_url}/bybit", "--config", str(config)]) == 0
    assert main(["snapshot", "--config", str(config), "--json"]) == 0


def test_every_file_written_by_a_snapshot_run_is_private(
    sim: SimExchangeThread, isolated_dirs: Path, stdin: Feed
) -> None:
    for name in _DIRS:  # let the app create its own directories
        (isolated_dirs / name).rmdir()
    config = isolated_dirs / "config" / "config.toml"
    _add_and_snapshot(sim, config, stdin)
    modes = _modes(isolated_dirs)
    expected = {
        "config/config.toml",
        "config/config.toml.bak",
        "config/config.toml.last-good",
        "data/history.sqlite3",
        "log/adl-monitor.log",
    }
    assert expected <= set(modes), sorted(modes)
    assert any(path.startswith("cache/markets-bybit-") for path in modes), sorted(modes)
    assert _not_private(modes) == {}


def test_the_history_wal_and_shm_files_are_private_while_open(isolated_dirs: Path) -> None:
    path = isolated_dirs / "data" / "history.sqlite3"
    history = History(path)
    try:
        history.record(Snapshot(generated_at=datetime.now(UTC)))
        for suffix in ("", "-wal", "-shm"):
            extra = path.with_name(path.name + suffix)
            assert extra.exists(), suffix
            assert stat.S_IMODE(extra.stat().st_mode) == 0o600, suffix
    finally:
        history.close()


def test_an_older_installs_readable_files_are_fixed_on_start(
    sim: SimExchangeThread, isolated_dirs: Path, stdin: Feed
) -> None:
    config = isolated_dirs / "config" / "config.toml"
    _add_and_snapshot(sim, config, stdin)
    history = isolated_dirs / "data" / "history.sqlite3"
    for suffix in ("-wal", "-shm"):  # as an older version left them after a crash
        history.with_name(history.name + suffix).write_bytes(b"")
    old_log = isolated_dirs / "log" / "adl-monitor.log.1"
    old_log.write_text("an older run\n")
    for path in (isolated_dirs / name for name in _DIRS):
        path.chmod(0o755)
        for file in path.iterdir():
            file.chmod(0o644)
    user_file = isolated_dirs / "data" / "notes.txt"  # not the app's: left alone
    user_file.write_text("mine")
    user_file.chmod(0o644)
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    for name in ("ONE", "TWO"):  # a fresh process: the keys come from its environment
        env[f"ADLMON_{name}_API_KEY"], env[f"ADLMON_{name}_SECRET"] = DEMO_API_KEY, DEMO_SECRET
    command = [sys.executable, "-m", "adl_monitor", "snapshot"]  # the default config path
    started = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert started.returncode == 0, started.stderr
    modes = _modes(isolated_dirs)
    assert modes.pop("data/notes.txt") == 0o644
    assert "log/adl-monitor.log.1" in modes
    assert _not_private(modes) == {}
