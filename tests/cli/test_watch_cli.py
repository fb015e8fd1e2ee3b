"""`adl-monitor watch`: one line per snapshot and per alert; Ctrl-C ends it cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from adl_monitor.cli import main
from tests.ctrl_c import default_ctrl_c


def test_json_lines_are_snapshots_and_alerts(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["watch", "--demo", "--json", "--count", "3", "--refresh", "0.2"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    snapshots = [line for line in lines if line["type"] == "snapshot"]
    assert len(snapshots) == 3
    assert all({"generated_at", "accounts", "positions"} <= set(s) for s in snapshots)
    assert len(snapshots[-1]["accounts"]) == 4
    for alert in (line for line in lines if line["type"] == "alert"):
        assert {"kind", "at", "account", "symbol", "side", "level", "title", "body"} <= set(alert)


def test_human_lines_summarise_each_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watch", "--demo", "--count", "2", "--refresh", "0.2"]) == 0
    out = capsys.readouterr().out.splitlines()
    summaries = [line for line in out if "accounts live" in line]
    assert len(summaries) == 2


def test_ctrl_c_exits_cleanly() -> None:
    """The pipes stay binary: a text-mode readline() buffers ahead, and communicate() would then
    decode the rest from the middle of a multi-byte character (an em dash in an advice line)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "adl_monitor", "watch", "--demo", "--json", "--refresh", "0.5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
        preexec_fn=default_ctrl_c,
    )
    try:
        assert process.stdout is not None
        first = json.loads(process.stdout.readline().decode("utf-8"))
        assert first["type"] == "snapshot"
        process.send_signal(signal.SIGINT)
        _, raw_err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    err = raw_err.decode("utf-8")
    assert process.returncode == 0
    assert "Traceback" not in err, err
