"""`adl-monitor sim-exchange --fault VENUE=KIND[@ROUTE]`: the simulator starts with the fault on,
and a mistyped fault is one sentence from argparse, never a traceback."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import urllib.request

import pytest

from adl_monitor.cli import build_parser
from adl_monitor.sim.faults import FaultKind


def test_faults_parse_as_venue_kind_and_route() -> None:
    args = build_parser().parse_args(
        ["sim-exchange", "--fault", "bybit=truncated", "--fault", "okx=503@/api/v5/account"]
    )
    assert args.fault == [
        ("bybit", FaultKind.TRUNCATED, None),
        ("okx", FaultKind.UNAVAILABLE, "/api/v5/account"),
    ]
    assert build_parser().parse_args(["sim-exchange"]).fault == []


@pytest.mark.parametrize(
    ("option", "words"),
    [
        ("bybit", "is not VENUE=KIND[@ROUTE]"),
        ("kraken=503", "is not VENUE=KIND[@ROUTE]"),
        ("bybit=meltdown", "unknown fault 'meltdown': choose one of truncated"),
        ("okx=503@api/v5", "starting with '/'"),
    ],
)
def test_a_mistyped_fault_is_one_sentence(
    option: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["sim-exchange", "--fault", option])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_the_simulator_serves_the_fault_given_on_the_command_line() -> None:
    command = [
        "sim-exchange",
        "--port",
        "0",
        "--speed",
        "0",
        "--fault",
        "bybit=html@/v5/market/time",
    ]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    # Binary pipes: communicate() after a buffered text readline() can split a UTF-8 character.
    process = subprocess.Popen([sys.executable, "-m", "adl_monitor", *command], **pipes)
    try:
        assert process.stdout is not None
        base_url = ""
        while not base_url:
            line = process.stdout.readline().decode("utf-8")
            assert line, "sim-exchange exited before it listened"
            match = re.search(r"Simulated exchange on (http://127\.0\.0\.1:\d+)", line)
            base_url = match.group(1) if match else ""
        with urllib.request.urlopen(f"{base_url}/bybit/v5/market/time", timeout=10) as reply:
            assert reply.status == 200 and reply.headers.get_content_type() == "text/html"
        with urllib.request.urlopen(f"{base_url}/okx/api/v5/public/time", timeout=10) as reply:
            assert reply.headers.get_content_type() == "application/json"
        process.send_signal(signal.SIGINT)
        _, raw_err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and "Traceback" not in raw_err.decode("utf-8")
