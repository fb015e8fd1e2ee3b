"""`adl-monitor sim-exchange --fault VENUE=KIND[@ROUTE]`: the simulator starts with the fault on,
and a mistyped fault is one sentence from argparse, never a traceback."""

from __future__ import annotations

import urllib.request

import pytest

from adl_monitor.cli import build_parser
from adl_monitor.sim.faults import FaultKind
from tests.sim.sim_process import sim_exchange


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
    with sim_exchange("--speed", "0", "--fault", "bybit=html@/v5/market/time") as sim:
        with urllib.request.urlopen(f"{sim.base_url}/bybit/v5/market/time", timeout=10) as reply:
            assert reply.status == 200 and reply.headers.get_content_type() == "text/html"
        with urllib.request.urlopen(f"{sim.base_url}/okx/api/v5/public/time", timeout=10) as reply:
            assert reply.headers.get_content_type() == "application/json"
        sim.stop()
    assert sim.returncode == 0 and "Traceback" not in sim.stderr
