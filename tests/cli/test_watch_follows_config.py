"""`watch` notices its config file changing while it runs (issue 9 item 5): an account added
by hand is monitored, a broken edit is said in one line and monitoring carries on."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.sim.demo import DEMO_API_KEY, DEMO_SECRET
from adl_monitor.sim.thread import SimExchangeThread
from tests.cli.conftest import write_config
from tests.ctrl_c import default_ctrl_c


def _snapshot_names(process: subprocess.Popen[str], wanted: set[str]) -> set[str]:
    """Read snapshots until one holds every name in `wanted` (EOF ends it: the test fails)."""
    assert process.stdout is not None
    names: set[str] = set()
    for line in process.stdout:
        document = json.loads(line)
        if document["type"] == "snapshot":
            names = {account["name"] for account in document["accounts"]}
            if wanted <= names:
                break
    return names


def test_an_account_added_to_the_file_while_watching_is_monitored(
    sim: SimExchangeThread, config_path: Path, tmp_path: Path
) -> None:
    url = f"{sim.base_url}/bybit"
    one = {"name": "one", "exchange": "bybit", "api_url": url}
    two = {"name": "two", "exchange": "bybit", "api_url": url}
    write_config(config_path, one)
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    for name in ("one", "two"):
        prefix = AccountSpec(name, "bybit").env_prefix
        env[prefix + "API_KEY"], env[prefix + "SECRET"] = DEMO_API_KEY, DEMO_SECRET
    stderr_path = tmp_path / "stderr.txt"
    command = [sys.executable, "-m", "adl_monitor", "watch", "--json", "--refresh", "0.5"]
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen(
            [*command, "--config", str(config_path)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=env,
            preexec_fn=default_ctrl_c,
        )
    killer = None
    try:
        killer = threading.Timer(240, process.kill)  # a safety net, not a measurement
        killer.start()
        assert _snapshot_names(process, {"one"}) == {"one"}

        config_path.write_text("[[acounts]]\n", encoding="utf-8")  # a broken edit first
        while "cannot be used" not in stderr_path.read_text():
            assert _snapshot_names(process, {"one"}) == {"one"}  # still monitoring
        write_config(config_path, one, two)  # then the real one
        assert _snapshot_names(process, {"one", "two"}) == {"one", "two"}
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
    finally:
        if killer is not None:
            killer.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    err = stderr_path.read_text()
    assert f"The config file {config_path} changed — reloaded: 2 accounts" in err
    assert "unknown table [[acounts]] — did you mean [[accounts]]?" in err
    assert "Still monitoring with the previous accounts" in err
    assert "Traceback" not in err
