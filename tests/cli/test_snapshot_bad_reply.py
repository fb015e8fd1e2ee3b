"""`snapshot --json` on a position list cut short: the account is failed, never live and empty.

This is the issue's own reproduction, end to end: the CLI, the engine and the real ccxt client
against a venue stand-in on 127.0.0.1 whose Bybit position list arrives cut in half (HTTP 200,
application/json).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adl_monitor.cli import main
from adl_monitor.core.model.failure import ADVICE, FailureKind
from adl_monitor.exchanges import market_cache
from adl_monitor.storage import paths
from tests.exchanges.fixture_server import FixtureServer, running_in_thread
from tests.exchanges.test_malformed_replies import SCENARIOS
from tests.exchanges.test_truncated_replies import cut_short

POSITIONS = ("GET", "/v5/position/list")


def test_snapshot_json_reports_a_reply_cut_short_as_a_failed_account(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = SCENARIOS["bybit"]
    server = FixtureServer("bybit")
    server.serve(scenario.replies)
    server.route(*POSITIONS, cut_short(scenario.replies[POSITIONS]))
    monkeypatch.setenv("ADLMON_MY_BYBIT_API_KEY", "test-key-0123")
    monkeypatch.setenv("ADLMON_MY_BYBIT_SECRET", "test-secret-4567")
    config = tmp_path / "config.toml"
    with running_in_thread(server):
        market_cache.save(
            market_cache.cache_file(paths.cache_dir(), "bybit", server.api_url), scenario.markets
        )
        config.write_text(
            f'[[accounts]]\nname = "my bybit"\nexchange = "bybit"\napi_url = "{server.api_url}"\n',
            encoding="utf-8",
        )
        code = main(["snapshot", "--json", "--config", str(config)])

    document = json.loads(capsys.readouterr().out)
    (account,) = document["accounts"]
    assert server.hits[POSITIONS[1]] >= 1  # the cut reply was read, not some other failure
    assert account["ok"] is False
    # A one-shot command has ended: the sentence tells the user to try again, and does not
    # promise a retry that the running app would make.
    advice = ADVICE[FailureKind.BAD_REPLY]
    assert account["error"] == f"my bybit: {advice}; try again in a moment."
    assert document["positions"] == []
    assert code == 1
