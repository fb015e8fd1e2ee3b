"""`adl-monitor sim-exchange --population b --lead-in SECONDS`: the simulator a user (or the
watch benchmark, benchmarks/watch_accuracy.py) runs plays the trader family asked for, after a
quiet lead-in, and says so in its truth."""

from __future__ import annotations

import json
import urllib.request

from adl_monitor.cli import build_parser
from tests.sim.sim_process import sim_exchange


def test_the_options_default_to_population_a_and_no_lead_in() -> None:
    args = build_parser().parse_args(["sim-exchange"])
    assert (args.population, args.lead_in) == ("a", 0.0)


def test_the_simulator_plays_the_population_and_lead_in_given_on_the_command_line() -> None:
    options = ("--speed=0", "--scenario=cascade", "--population=b", "--lead-in=300")
    with sim_exchange(*options) as sim:
        with urllib.request.urlopen(f"{sim.base_url}/__sim/truth", timeout=10) as reply:
            truth = json.load(reply)
        sim.stop()
    assert (truth["population"], truth["lead_in"], truth["scenario"]) == ("b", 300.0, "cascade")
    assert sim.returncode == 0 and "Traceback" not in sim.stderr
