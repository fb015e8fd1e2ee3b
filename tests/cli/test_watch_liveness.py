"""`watch` prints what it knows: its first snapshot holds a reading or a failure for every
account (never an empty "0 accounts live … worst none" a script would read as "no risk"), and
a venue's outage shows in the account's `ok`/`error` and in the summary line, not only in the
log."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from adl_monitor.cli import main
from adl_monitor.sim.demo import DEMO_API_KEY, DEMO_PASSWORD, DEMO_SECRET
from adl_monitor.sim.thread import SimExchangeThread
from tests.cli.conftest import write_config

OUTAGE_STARTS = 40.0  # the `outage` scenario: OKX answers 503s and hangs from 0:40 to 2:10
OUTAGE_ENDS = 130.0


def test_the_first_snapshot_has_an_answer_or_a_failure_for_every_account(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["watch", "--demo", "--json", "--count", "1", "--refresh", "0.5"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    snapshot = lines[0]  # alerts raised while accounts connected come after it
    assert code == 0 and snapshot["type"] == "snapshot"
    assert [line["type"] for line in lines[1:]] == ["alert"] * (len(lines) - 1)
    accounts = snapshot["accounts"]
    assert len(accounts) == 4
    assert all(a["ok"] or a["error"] for a in accounts), accounts
    assert all(a["state"] != "connecting" for a in accounts)
    answered = {a["name"] for a in accounts if a["ok"]}
    assert answered and answered <= {p["account"] for p in snapshot["positions"]}


def test_the_first_summary_line_is_not_an_empty_no_risk(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["watch", "--demo", "--count", "1", "--refresh", "0.5"]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert "0 positions" not in line and "worst none" not in line
    assert "/4 accounts live" in line and not line.split(" | ")[1].startswith("0/")


@pytest.fixture
def outage_sim() -> Iterator[SimExchangeThread]:
    thread = SimExchangeThread(scenario="outage", seed=5, speed=0.0, traders_per_side=40)
    thread.start()
    thread.sim.outage_hang = 0.5  # a hanging request gets its 504 soon
    yield thread
    thread.stop()


class WatchProcess:
    """`adl-monitor watch --json` in its own process; its snapshot lines read one at a time."""

    def __init__(self, config: Path) -> None:
        command = ["watch", "--config", str(config), "--json", "--refresh", "0.3"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "adl_monitor", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ),
        )
        self.snapshots: list[dict[str, Any]] = []
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put("")

    def until(self, predicate: Callable[[dict[str, Any]], bool], limit: int = 400) -> None:
        """Read snapshot lines until one satisfies `predicate` (at most `limit` of them)."""
        for _ in range(limit):
            line = self._lines.get(timeout=90)
            assert line, f"watch ended: {self.stop()}"
            document = json.loads(line)
            if document["type"] != "snapshot":
                continue
            self.snapshots.append(document)
            if predicate(document):
                return
        raise AssertionError(f"no such snapshot in {limit} lines")

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
        _, err = self.process.communicate(timeout=30)
        return err


def _account(snapshot: dict[str, Any], exchange: str) -> dict[str, Any]:
    return next(a for a in snapshot["accounts"] if a["exchange"] == exchange)


def test_an_outage_shows_in_the_json_until_the_venue_recovers(
    outage_sim: SimExchangeThread,
    config_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = outage_sim.base_url
    write_config(
        config_path,
        {"name": "my bybit", "exchange": "bybit", "api_url": f"{base}/bybit"},
        {"name": "my-okx", "exchange": "okx", "api_url": f"{base}/okx"},
    )
    for name in ("MY_BYBIT", "MY_OKX"):
        monkeypatch.setenv(f"ADLMON_{name}_API_KEY", DEMO_API_KEY)
        monkeypatch.setenv(f"ADLMON_{name}_SECRET", DEMO_SECRET)
    monkeypatch.setenv("ADLMON_MY_OKX_PASSWORD", DEMO_PASSWORD)
    watch = WatchProcess(config_path)
    try:
        watch.until(lambda s: all(a["ok"] for a in s["accounts"]))
        outage_sim.sim.advance(OUTAGE_STARTS + 1)
        first = len(watch.snapshots)
        watch.until(lambda s: not _account(s, "okx")["ok"])
        failed = _account(watch.snapshots[-1], "okx")
        assert failed["error"].startswith("my-okx: ")
        assert failed["state"] in ("stale", "error")
        # From the first failure on, every snapshot says so until OKX answers again.
        outage_sim.sim.advance(OUTAGE_ENDS - OUTAGE_STARTS)
        watch.until(lambda s: _account(s, "okx")["ok"])
        during = watch.snapshots[first:-1]
        failing = next(i for i, s in enumerate(during) if not _account(s, "okx")["ok"])
        assert all(_account(s, "okx")["error"] for s in during[failing:])
        assert all(_account(s, "bybit")["ok"] for s in during)
    finally:
        err = watch.stop()
    assert "Traceback" not in err


def test_the_summary_line_names_a_stale_accounts_failure_and_the_age_of_its_data() -> None:
    from datetime import UTC, datetime, timedelta

    from adl_monitor.commands.snapshot_text import render_snapshot, summary_line
    from adl_monitor.core.model.snapshot import AccountState, AccountStatus, Snapshot

    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    sentence = "my-okx: the exchange is down or under maintenance — retrying."
    snapshot = Snapshot(
        generated_at=now,
        accounts=(
            AccountStatus("my bybit", "bybit", AccountState.LIVE, now - timedelta(seconds=2)),
            AccountStatus(
                "my-okx", "okx", AccountState.STALE, now - timedelta(seconds=40), error=sentence
            ),
        ),
    )
    line = summary_line(snapshot)
    assert "1/2 accounts live" in line
    assert f"{sentence} (data 40 s old)" in line
    table = render_snapshot(snapshot)
    assert "my-okx (okx): stale, 40 s old" in table and sentence in table
