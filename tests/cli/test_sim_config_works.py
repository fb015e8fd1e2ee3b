"""`sim-exchange --write-config` writes a config that works as written (issue 12): the accounts
are marked `simulator = true`, and the app uses the simulator's public demo key for them on this
computer — never for any other host (docs/simulator.md)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from adl_monitor.cli import main
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.sim.demo import DEMO_API_KEY, DEMO_SECRET
from adl_monitor.sim.thread import SimExchangeThread
from adl_monitor.storage.config import ConfigError, load_config
from adl_monitor.wiring.sources import open_sources, simulator_credentials
from tests.cli.conftest import write_config
from tests.ctrl_c import default_ctrl_c


def test_written_config_gives_ok_accounts_with_no_key_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.toml"
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_SECRET"))}
    command = ["sim-exchange", "--port", "0", "--write-config", str(path)]
    server = subprocess.Popen(
        [sys.executable, "-m", "adl_monitor", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=default_ctrl_c,
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:  # the file is written before the simulator describes itself
            if line.startswith("Simulated exchange on"):
                break
        assert path.exists(), server.stderr.read() if server.poll() is not None else ""
        assert "secret" not in path.read_text(encoding="utf-8").lower()
        assert not [k for k in os.environ if k.startswith("ADLMON_DEMO")]

        code = main(["snapshot", "--config", str(path), "--json"])
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()

    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert len(document["accounts"]) == 4
    assert all(a["ok"] and a["error"] is None for a in document["accounts"]), document["accounts"]
    assert {p["exchange"] for p in document["positions"]} == {
        "bybit",
        "binanceusdm",
        "okx",
        "hyperliquid",
    }
    # The simulator's synthetic traders calibrate apart from the real venues' queues.
    data = Path(os.environ["ADLMON_DATA_DIR"])
    assert (data / "sim-calibration.json").exists()
    assert not (data / "calibration.json").exists()


def test_demo_key_only_for_a_flagged_account_on_this_computer() -> None:
    flagged = AccountSpec("sim", "bybit", api_url="http://127.0.0.1:8765/bybit", simulator=True)
    unflagged = AccountSpec("mine", "bybit", api_url="http://127.0.0.1:8765/bybit")
    elsewhere = AccountSpec("real", "bybit", api_url="https://sim.invalid/bybit", simulator=True)
    no_url = AccountSpec("venue", "okx", simulator=True)

    credentials = simulator_credentials(flagged)
    assert credentials is not None and credentials.api_key == DEMO_API_KEY
    okx = simulator_credentials(AccountSpec("o", "okx", "http://localhost:1/okx", simulator=True))
    assert okx is not None and okx.password  # OKX keys come with a passphrase
    assert simulator_credentials(unflagged) is None
    assert simulator_credentials(elsewhere) is None
    assert simulator_credentials(no_url) is None


def test_the_flag_on_another_host_is_refused_with_a_sentence(config_path: Path) -> None:
    write_config(
        config_path,
        {"name": "real", "exchange": "bybit", "api_url": "https://sim.invalid/bybit"},
    )
    text = config_path.read_text(encoding="utf-8") + "simulator = true\n"
    config_path.write_text(text, encoding="utf-8")

    with pytest.raises(ConfigError) as refused:
        load_config(config_path)

    assert "'real'" in str(refused.value) or "real:" in str(refused.value)
    assert "simulator = true" in str(refused.value) and "127.0.0.1" in str(refused.value)


def test_a_stored_key_wins_over_the_demo_key(
    config_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(
        config_path,
        {"name": "sim", "exchange": "bybit", "api_url": "http://127.0.0.1:9/bybit"},
    )
    config_path.write_text(
        config_path.read_text(encoding="utf-8") + "simulator = true\n", encoding="utf-8"
    )
    monkeypatch.setenv("ADLMON_SIM_API_KEY", "my-own-key")
    monkeypatch.setenv("ADLMON_SIM_SECRET", "my-own-secret")

    with open_sources(config_path) as sources:
        (spec,) = sources.accounts
        credentials = sources.credentials(spec)

    assert spec.simulator and credentials is not None and credentials.api_key == "my-own-key"


def test_real_and_simulator_accounts_in_one_config_calibrate_apart(
    sim: SimExchangeThread, config_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user's own account (here on the simulator too, with a key of the user's, but not
    marked) calibrates in calibration.json; the marked simulator account beside it only in
    sim-calibration.json — whatever venue each is on."""
    write_config(
        config_path,
        {"name": "mine", "exchange": "bybit", "api_url": f"{sim.base_url}/bybit"},
        {"name": "sim", "exchange": "binanceusdm", "api_url": f"{sim.base_url}/binanceusdm"},
    )
    config_path.write_text(
        config_path.read_text(encoding="utf-8") + "simulator = true\n", encoding="utf-8"
    )
    monkeypatch.setenv("ADLMON_MINE_API_KEY", DEMO_API_KEY)
    monkeypatch.setenv("ADLMON_MINE_SECRET", DEMO_SECRET)

    assert main(["snapshot", "--config", str(config_path), "--json"]) == 0

    data = Path(os.environ["ADLMON_DATA_DIR"])
    real = json.loads((data / "calibration.json").read_text(encoding="utf-8"))
    simulated = json.loads((data / "sim-calibration.json").read_text(encoding="utf-8"))
    assert set(real["venues"]) == {"bybit"}
    assert set(simulated["venues"]) == {"binanceusdm"}
