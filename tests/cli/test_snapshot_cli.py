"""`adl-monitor snapshot`: the JSON document, the table, exit codes, credentials from the
environment, history on disk, and one clear sentence on any error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adl_monitor.cli import main
from adl_monitor.sim.demo import DEMO_API_KEY, DEMO_PASSWORD, DEMO_SECRET, VENUES
from adl_monitor.sim.thread import SimExchangeThread
from adl_monitor.storage.history import History
from adl_monitor.storage.paths import default_history_path
from tests.cli.conftest import write_config

LEVELS = ["none", "green", "yellow", "orange", "red"]


def _check_demo_document(document: dict[str, Any]) -> None:
    assert {a["exchange"] for a in document["accounts"]} == set(VENUES)
    assert all(a["ok"] and a["error"] is None for a in document["accounts"])
    positions = document["positions"]
    assert {p["exchange"] for p in positions} == set(VENUES)
    for position in positions:
        estimate = position["estimate"]
        # 0 = not in queue: a losing Hyperliquid position (it queues only profitable ones).
        lowest = 0 if position["exchange"] == "hyperliquid" and position["pnl_pct"] <= 0 else 1
        assert lowest <= estimate["tier"] <= 5 and estimate["low"] <= estimate["high"]
        if estimate["tier"] == 0:
            assert "not in queue" in estimate["basis"]
        assert isinstance(estimate["score"], float) and estimate["basis"]
        assert position["symbol"].count("/") == 1 and ":" in position["symbol"]
        assert position["level"] in LEVELS
        if position["exchange"] == "hyperliquid":
            assert position["exchange_adl"] is None
        else:
            adl = position["exchange_adl"]
            assert adl["raw"] is not None and 0 <= adl["tier"] <= 5
            assert adl["updated_at"].endswith("Z")
        # The venue-wide ADL risk: Bybit's adlAlert and Binance's symbolAdlRisk (the simulator
        # serves both); null where the venue publishes none.
        venue_risk = position["venue_risk"]
        if position["exchange"] in ("bybit", "binanceusdm"):
            assert venue_risk["level"] in ("low", "medium", "high"), venue_risk
            assert venue_risk["source"] and venue_risk["updated_at"].endswith("Z")
            assert venue_risk["raw"] is not None
        else:
            assert venue_risk is None
        if position["exchange"] == "binanceusdm":
            # The whole adlQuantile object stays in the JSON; the leverage comes from the
            # symbol settings (positionRisk v3 has none).
            assert set(position["exchange_adl"]["raw"]) >= {"LONG", "SHORT", "BOTH"}
            assert position["leverage"] is not None and position["leverage"] > 0


def _expected_exit(document: dict[str, Any], fail_on: str | None) -> int:
    if fail_on and any(
        LEVELS.index(p["level"]) >= LEVELS.index(fail_on) for p in document["positions"]
    ):
        return 2
    return 0 if all(a["ok"] for a in document["accounts"]) else 1


def test_demo_json_shows_all_four_venues_with_tiers_scores_and_estimates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["snapshot", "--demo", "--json"])
    document = json.loads(capsys.readouterr().out)
    _check_demo_document(document)
    assert code == _expected_exit(document, None) == 0


@pytest.mark.parametrize("fail_on", ["orange", "red"])
def test_fail_on_exits_2_exactly_when_a_position_is_at_or_above_the_level(
    fail_on: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["snapshot", "--demo", "--json", "--fail-on", fail_on])
    document = json.loads(capsys.readouterr().out)
    assert code == _expected_exit(document, fail_on)


def test_demo_json_as_a_separate_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "adl_monitor", "snapshot", "--demo", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    _check_demo_document(json.loads(result.stdout))
    assert "Traceback" not in result.stderr


def test_the_table_names_every_account_and_position(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["snapshot", "--demo"]) == 0
    out = capsys.readouterr().out
    for name in ("demo-bybit", "demo-binance", "demo-okx", "demo-hyperliquid"):
        assert f"{name} (" in out
    assert "EXCHANGE TIER" in out and "ESTIMATE" in out and "BTC/USDT:USDT" in out
    header = next(line for line in out.splitlines() if line.startswith("ACCOUNT"))
    assert "VENUE RISK" in header
    binance_rows = [line for line in out.splitlines() if line.startswith("demo-binance ")]
    assert binance_rows and all("(raw BOTH=" in row and "SHORT=" not in row for row in binance_rows)
    bybit_rows = [line for line in out.splitlines() if line.startswith("demo-bybit ")]
    assert bybit_rows and all(
        " low " in row or " medium " in row or " high " in row for row in bybit_rows
    )


def _sim_config(config: Path, sim: SimExchangeThread) -> Path:
    base = sim.base_url
    return write_config(
        config,
        {"name": "my bybit", "exchange": "bybit", "api_url": f"{base}/bybit"},
        {"name": "my-okx", "exchange": "okx", "api_url": f"{base}/okx"},
    )


def test_configured_accounts_read_keys_from_the_environment_and_write_history(
    sim: SimExchangeThread,
    config_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _sim_config(config_path, sim)
    monkeypatch.setenv("ADLMON_MY_BYBIT_API_KEY", DEMO_API_KEY)
    monkeypatch.setenv("ADLMON_MY_BYBIT_SECRET", DEMO_SECRET)
    monkeypatch.setenv("ADLMON_MY_OKX_API_KEY", DEMO_API_KEY)
    monkeypatch.setenv("ADLMON_MY_OKX_SECRET", DEMO_SECRET)
    monkeypatch.setenv("ADLMON_MY_OKX_PASSWORD", DEMO_PASSWORD)

    code = main(["snapshot", "--config", str(config_path), "--json"])

    document = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [a["name"] for a in document["accounts"]] == ["my bybit", "my-okx"]
    assert all(a["ok"] and a["key_read_only"] for a in document["accounts"])
    assert {p["account"] for p in document["positions"]} == {"my bybit", "my-okx"}
    first = document["positions"][0]
    history = History(default_history_path())
    points = history.series(
        (first["account"], first["symbol"], first["side"]),
        since=datetime.now(UTC) - timedelta(minutes=5),
    )
    assert len(points) == 1 and points[0].mark_price == pytest.approx(first["mark_price"])


def test_a_failing_account_exits_1_naming_it_while_the_other_is_shown(
    sim: SimExchangeThread,
    config_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _sim_config(config_path, sim)
    monkeypatch.setenv("ADLMON_MY_BYBIT_API_KEY", DEMO_API_KEY)
    monkeypatch.setenv("ADLMON_MY_BYBIT_SECRET", "a-wrong-secret")
    monkeypatch.setenv("ADLMON_MY_OKX_API_KEY", DEMO_API_KEY)
    monkeypatch.setenv("ADLMON_MY_OKX_SECRET", DEMO_SECRET)
    monkeypatch.setenv("ADLMON_MY_OKX_PASSWORD", DEMO_PASSWORD)

    code = main(["snapshot", "--config", str(config_path), "--json"])

    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert code == 1
    bybit, okx = document["accounts"]
    assert not bybit["ok"] and bybit["error"].startswith("my bybit: ")
    assert okx["ok"] and {p["account"] for p in document["positions"]} == {"my-okx"}
    assert "my bybit: " in captured.err and "Traceback" not in captured.err
    assert "a-wrong-secret" not in captured.out + captured.err


def test_a_broken_config_is_one_sentence_with_the_line(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text('[[accounts]]\nname = "x\nexchange = "bybit"\n', encoding="utf-8")
    assert main(["snapshot", "--config", str(config_path)]) == 1
    err = capsys.readouterr().err
    assert "line 2" in err and str(config_path) in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_no_account_configured_says_how_to_add_one(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["snapshot", "--config", str(config_path)]) == 1
    assert "accounts add" in capsys.readouterr().err


def test_a_damaged_history_file_is_set_aside_with_a_message_and_the_snapshot_still_works(
    sim: SimExchangeThread,
    config_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _sim_config(config_path, sim)
    for name in ("MY_BYBIT", "MY_OKX"):
        monkeypatch.setenv(f"ADLMON_{name}_API_KEY", DEMO_API_KEY)
        monkeypatch.setenv(f"ADLMON_{name}_SECRET", DEMO_SECRET)
    monkeypatch.setenv("ADLMON_MY_OKX_PASSWORD", DEMO_PASSWORD)
    damaged = default_history_path()
    damaged.write_bytes(b"not a database " * 500)
    assert main(["snapshot", "--config", str(config_path), "--json"]) == 0
    captured = capsys.readouterr()
    assert "damaged" in captured.err and "Traceback" not in captured.err
    document = json.loads(captured.out)
    assert all(a["ok"] for a in document["accounts"]) and document["positions"]
    kept = [p for p in damaged.parent.iterdir() if p.name.startswith(f"{damaged.name}.damaged-")]
    assert len(kept) == 1
    first = document["positions"][0]
    key = (first["account"], first["symbol"], first["side"])
    assert History(damaged).series(key, since=datetime.now(UTC) - timedelta(minutes=5))


def test_no_account_answering_is_not_reported_as_no_positions(
    config_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dead network must not read as "you have no positions": the table says nothing could
    be read and stderr names the account and what to do."""
    write_config(
        config_path,
        {"name": "dead bybit", "exchange": "bybit", "api_url": "http://127.0.0.1:9/bybit"},
    )
    monkeypatch.setenv("ADLMON_DEAD_BYBIT_API_KEY", DEMO_API_KEY)
    monkeypatch.setenv("ADLMON_DEAD_BYBIT_SECRET", DEMO_SECRET)
    code = main(["snapshot", "--config", str(config_path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "No positions could be read" in out and "No open positions" not in out
    assert "dead bybit: nothing answers at the account's api_url" in err
