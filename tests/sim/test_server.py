"""The server itself: loopback only, the sim-only endpoints, the thread wrapper, the CLI config."""

from __future__ import annotations

import json
import tomllib
import urllib.request
from typing import Any

import pytest

from adl_monitor.cli import build_parser
from adl_monitor.commands.sim_exchange import config_toml, describe
from adl_monitor.sim.demo import DEMO_API_KEY, DEMO_PASSWORD, DEMO_SECRET, VENUES
from adl_monitor.sim.server import SimExchange
from adl_monitor.sim.thread import SimExchangeThread


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "localhost", "example.com"])
async def test_refuses_to_bind_anywhere_but_loopback(host: str) -> None:
    sim = SimExchange(speed=0)
    with pytest.raises(ValueError, match=r"127\.0\.0\.1"):
        await sim.start(host=host)
    await sim.stop()


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as reply:
        return json.load(reply)


def test_thread_serves_truth_and_advances_on_request() -> None:
    with SimExchangeThread("calm", seed=2, speed=0) as sim:
        assert sim.base_url.startswith("http://127.0.0.1:")
        truth = _get(f"{sim.base_url}/__sim/truth")
        assert truth["scenario"] == "calm" and truth["seed"] == 2 and truth["sim_time"] == 0
        assert set(truth["venues"]) == set(VENUES)
        for venue in VENUES:
            for place in truth["venues"][venue]["positions"]:
                if venue == "hyperliquid" and place["score"] <= 0:
                    assert place["percentile"] == 0  # Hyperliquid queues only profitable ones
                else:
                    assert 0 < place["percentile"] <= 100 and 1 <= place["tier"] <= 5
                assert place["account"].startswith("demo-")

        request = urllib.request.Request(
            f"{sim.base_url}/__sim/advance",
            data=b'{"seconds": 12.5}',
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            assert json.load(reply)["sim_time"] == 12.5
        assert sim.truth()["sim_time"] == 12.5
        sim.advance(2.5)
        assert sim.truth()["sim_time"] == 15.0


def test_demo_accounts_point_at_the_server() -> None:
    with SimExchangeThread(speed=0) as sim:
        accounts = sim.sim.demo_accounts()
    assert [a.exchange for a in accounts] == list(VENUES)
    for account in accounts:
        assert account.api_url == sim.sim.venue_url(account.exchange)
        spec = account.spec()
        assert (spec.name, spec.exchange, spec.api_url) == (
            account.name,
            account.exchange,
            account.api_url,
        )
        credentials = account.credentials()
        if account.exchange == "hyperliquid":
            assert credentials is None and account.wallet_address
        else:
            assert credentials is not None
            assert (credentials.api_key, credentials.secret) == (DEMO_API_KEY, DEMO_SECRET)
            assert credentials.password == (DEMO_PASSWORD if account.exchange == "okx" else None)


def test_cli_writes_an_app_config_for_the_demo_accounts() -> None:
    args = build_parser().parse_args(
        ["sim-exchange", "--port", "0", "--scenario", "squeeze", "--seed", "3", "--speed", "2"]
    )
    assert (args.port, args.scenario, args.seed, args.speed) == (0, "squeeze", 3, 2.0)
    with SimExchangeThread(speed=0) as sim:
        accounts = sim.sim.demo_accounts()
        text = config_toml(accounts)
        summary = describe(sim.base_url, accounts, "calm", 1)
    config = tomllib.loads(text)
    assert [a["name"] for a in config["accounts"]] == [a.name for a in accounts]
    assert {a["api_url"] for a in config["accounts"]} == {a.api_url for a in accounts}
    assert DEMO_SECRET not in text  # secrets never go into the config
    assert DEMO_API_KEY in summary and sim.base_url in summary
