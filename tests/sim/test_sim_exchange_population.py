"""`adl-monitor sim-exchange --population b --traders-per-side N --lead-in SECONDS`: the
simulator a user (or the watch benchmark, benchmarks/watch_accuracy.py) runs plays the trader
family and book size asked for, after a quiet lead-in, and says so in its truth."""

from __future__ import annotations

import json
import urllib.request

import pytest

from adl_monitor.cli import build_parser
from tests.sim.sim_process import sim_exchange


def test_the_options_default_to_population_a_150_traders_and_no_lead_in() -> None:
    args = build_parser().parse_args(["sim-exchange"])
    assert (args.population, args.traders_per_side, args.lead_in) == ("a", 150, 0.0)


@pytest.mark.parametrize("size", ["0", "-5", "many"])
def test_a_book_of_no_traders_is_a_usage_error(
    size: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["sim-exchange", f"--traders-per-side={size}"])
    assert stopped.value.code == 2
    assert "must be a whole number, 1 or more" in capsys.readouterr().err


def test_the_simulator_plays_the_population_and_lead_in_given_on_the_command_line() -> None:
    options = (
        "--speed=0",
        "--scenario=cascade",
        "--population=b",
        "--traders-per-side=40",
        "--lead-in=300",
    )
    with sim_exchange(*options) as sim:
        with urllib.request.urlopen(f"{sim.base_url}/__sim/truth", timeout=10) as reply:
            truth = json.load(reply)
        sim.stop()
    assert (truth["population"], truth["lead_in"], truth["scenario"]) == ("b", 300.0, "cascade")
    assert truth["traders_per_side"] == 40
    for venue in truth["venues"].values():
        # Three coins, two sides, 40 traders each, and the demo account's own positions.
        assert venue["open_positions"] == 3 * 2 * 40 + len(venue["positions"])
    assert sim.returncode == 0 and "Traceback" not in sim.stderr
