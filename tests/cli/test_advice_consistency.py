"""One position, one answer: `snapshot`, `watch` and the engine the GUI runs give the same
advice for the same position in the same simulator state (frozen clock), each starting from
the same calibration — and say when that calibration is still the prior; and the advice they
give is sized in the steps each market allows."""

from __future__ import annotations

import json
import queue
from pathlib import Path
from typing import Any

import pytest

from adl_monitor.cli import main
from adl_monitor.commands.snapshot_json import snapshot_to_dict
from adl_monitor.core.advice.suggestion import ActionKind
from adl_monitor.core.alerts.alert import Alert
from adl_monitor.core.model.snapshot import Snapshot
from adl_monitor.sim.demo import (
    DEMO_API_KEY,
    DEMO_PASSWORD,
    DEMO_SECRET,
    HYPERLIQUID_DEMO_WALLET,
)
from adl_monitor.sim.thread import SimExchangeThread
from adl_monitor.wiring.sources import open_sources
from tests.cli.conftest import write_config

Advised = dict[tuple[str, str, str], str]


def _advised(document: dict[str, Any]) -> Advised:
    return {
        (p["account"], p["symbol"], p["side"]): p["advice"]["text"]
        for p in document["positions"]
        if p.get("advice")
    }


def _accounts(config: Path, sim: SimExchangeThread, monkeypatch: pytest.MonkeyPatch) -> None:
    base = sim.base_url
    write_config(
        config,
        {"name": "bybit", "exchange": "bybit", "api_url": f"{base}/bybit"},
        {"name": "okx", "exchange": "okx", "api_url": f"{base}/okx"},
        {"name": "binance", "exchange": "binanceusdm", "api_url": f"{base}/binanceusdm"},
        {
            "name": "hyper",
            "exchange": "hyperliquid",
            "api_url": f"{base}/hyperliquid",
            "wallet_address": HYPERLIQUID_DEMO_WALLET,
        },
    )
    for name in ("BYBIT", "OKX", "BINANCE"):
        monkeypatch.setenv(f"ADLMON_{name}_API_KEY", DEMO_API_KEY)
        monkeypatch.setenv(f"ADLMON_{name}_SECRET", DEMO_SECRET)
    monkeypatch.setenv("ADLMON_OKX_PASSWORD", DEMO_PASSWORD)


def _fresh_calibration(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A data directory of its own: the run starts without any calibration on disk."""
    data = tmp_path / f"data-{name}"
    data.mkdir()
    monkeypatch.setenv("ADLMON_DATA_DIR", str(data))


def _snapshot(config: Path, capsys: pytest.CaptureFixture[str]) -> Advised:
    assert main(["snapshot", "--config", str(config), "--json"]) in (0, 2)
    return _advised(json.loads(capsys.readouterr().out))


def _watch(config: Path, count: int, capsys: pytest.CaptureFixture[str]) -> list[Advised]:
    """The advice in each of `count` snapshots `watch --json` prints."""
    args = ["watch", "--config", str(config), "--json", "--count", str(count), "--refresh", "0.2"]
    assert main(args) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return [_advised(line) for line in lines if line["type"] == "snapshot"]


class _Collector:
    def __init__(self) -> None:
        self.snapshots: queue.Queue[Snapshot] = queue.Queue()

    def on_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshots.put(snapshot)

    def on_alert(self, alert: Alert) -> None:
        pass


def _gui_engine_advice(config: Path) -> Advised:
    return _advised(snapshot_to_dict(_gui_engine_snapshot(config)))


def _gui_engine_snapshot(config: Path) -> Snapshot:
    """The first complete snapshot of the `EngineRunner` the GUI runs."""
    collector = _Collector()
    with open_sources(config) as sources:
        runner = sources.runner()
        runner.add_listener(collector)
        runner.start()
        try:
            while True:
                snapshot = collector.snapshots.get(timeout=60)
                if all(status.ok for status in snapshot.accounts) and len(
                    {p.position.account for p in snapshot.positions}
                ) == len(snapshot.accounts):
                    return snapshot
        finally:
            runner.stop()


@pytest.fixture
def configured(sim: SimExchangeThread, config_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config with one account per simulated venue, keys in the environment."""
    _accounts(config_path, sim, monkeypatch)
    return config_path


def test_snapshot_watch_and_the_gui_engine_give_one_answer(
    configured: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config_path = configured

    _fresh_calibration(tmp_path, "snapshot", monkeypatch)
    from_snapshot = _snapshot(config_path, capsys)

    _fresh_calibration(tmp_path, "watch", monkeypatch)
    watched = _watch(config_path, 3, capsys)

    _fresh_calibration(tmp_path, "gui", monkeypatch)
    from_gui_engine = _gui_engine_advice(config_path)

    assert from_snapshot, "the simulator's state holds an orange or red position"
    assert watched[-1] == from_snapshot
    assert from_gui_engine == from_snapshot
    # a one-shot snapshot has no calibration yet, and says so
    for text in from_snapshot.values():
        assert text.startswith("A first guide (")


def test_a_snapshot_after_watch_reads_its_calibration_and_agrees(
    configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    watched = _watch(configured, 4, capsys)
    from_snapshot = _snapshot(configured, capsys)
    assert from_snapshot and from_snapshot == watched[-1]


def test_the_engine_sizes_advice_in_the_market_s_own_steps(
    configured: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Production passes each market's order-size step and minimum (read through ccxt) to the
    advisor: every reduce names whole steps, at least the minimum, and no margin beyond the
    position's worth."""
    _fresh_calibration(tmp_path, "steps", monkeypatch)
    snapshot = _gui_engine_snapshot(configured)
    reduces = 0
    for risk in snapshot.positions:
        if risk.advice is None:
            continue
        position = risk.position
        assert position.contract_step is not None, f"{position.symbol}: step not passed"
        for action in risk.advice.actions:
            if action.kind is ActionKind.ADD_MARGIN:
                assert 0 < action.amount <= abs(position.notional)
            if action.kind not in (ActionKind.REDUCE, ActionKind.REALIZE_PROFIT):
                continue
            reduces += 1
            contracts = action.amount / position.contract_size
            steps = contracts / position.contract_step
            assert steps == pytest.approx(round(steps), abs=1e-6)
            assert contracts >= (position.min_contracts or 0.0) - 1e-9
    assert reduces, "the simulator's state holds a position advised to reduce"
