"""The simulator is a ground truth only if it ranks with the state its API reports.

For every demo position, the score the venue ranks by (`/__sim/truth`) must equal the score the
app computes from what the venue's API says — through the real connector (real ccxt client on
127.0.0.1) and `core.ranking.formulas.score_position`. A gap means either the dialect reports other
numbers than it ranks with, or the connector reads a field differently from the venue's
documentation; both would make every accuracy figure measured against the simulator a lie.

The same holds for the indicator the venue publishes: Bybit and OKX report the live tier,
Binance the tier of its last 30-s refresh — so right after a refresh it must be the truth.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.ranking.formulas import score_position
from adl_monitor.exchanges.base import VenueConnector
from adl_monitor.exchanges.registry import connector_for
from adl_monitor.sim.server import SimExchange
from adl_monitor.sim.world import BINANCE_REFRESH
from tests.helpers import assert_loopback_client
from tests.sim.conftest import demo_truth

SCENARIOS = ("calm", "squeeze", "cascade", "hedge-leg")
SIM_TIMES = (1.0, 45.0, 120.0, 240.0)
"""Cumulative sim seconds: quiet start, the squeeze's climb, the crashes and ADL, after."""
REL_TOLERANCE = 1e-6
ABS_TOLERANCE = 1e-9  # a Binance loser scores exactly 0; amounts are sent to 4–8 decimals


@pytest.fixture
async def connectors(sim: SimExchange) -> AsyncIterator[dict[str, VenueConnector]]:
    """One opened connector per demo account, as the app builds them."""
    made: dict[str, VenueConnector] = {}
    for account in sim.demo_accounts():
        connector = connector_for(account.spec(), account.credentials())
        await connector.open()
        assert_loopback_client(connector.client)
        made[account.exchange] = connector
    yield made
    for connector in made.values():
        await connector.close()


async def readings(connectors: dict[str, VenueConnector]) -> dict[str, AccountReading]:
    return {venue: await c.fetch() for venue, c in connectors.items()}


def truth_positions(sim: SimExchange, venue: str) -> dict[tuple[str, str], dict[str, Any]]:
    return demo_truth(sim, venue)


@pytest.mark.parametrize("sim", SCENARIOS, indirect=True)
async def test_score_from_the_api_equals_the_score_the_venue_ranks_by(
    sim: SimExchange, connectors: dict[str, VenueConnector]
) -> None:
    compared = 0
    now = 0.0
    for at in SIM_TIMES:
        sim.advance(at - now)
        now = at
        for venue, reading in (await readings(connectors)).items():
            truth = truth_positions(sim, venue)
            ours = {(p.symbol, p.side.value): p for p in reading.positions}
            assert ours.keys() == truth.keys(), f"{venue} at {at}s: other positions"
            for key, position in ours.items():
                figures = reading.figures.get(position.settle)
                score = score_position(venue, position, figures)
                expected = truth[key]["score"]
                assert math.isclose(
                    score.value, expected, rel_tol=REL_TOLERANCE, abs_tol=ABS_TOLERANCE
                ), f"{venue} {key} at {at}s: ours {score.value} ({score.inputs}), truth {expected}"
                compared += 1
    assert compared >= 3 * len(SIM_TIMES)


@pytest.mark.parametrize("sim", SCENARIOS, indirect=True)
async def test_reported_tier_is_the_true_tier_when_the_venue_refresh_is_current(
    sim: SimExchange, connectors: dict[str, VenueConnector]
) -> None:
    """Bybit and OKX at any time; Binance right after each of its 30-s refreshes."""
    checked: dict[str, int] = {}
    now = 0.0
    for refresh in range(1, 9):
        at = refresh * BINANCE_REFRESH
        sim.advance(at - now)
        now = at
        for venue, reading in (await readings(connectors)).items():
            if venue == "hyperliquid":
                assert not reading.adl, "Hyperliquid publishes no indicator"
                continue
            for key, truth in truth_positions(sim, venue).items():
                reported = reading.adl[key]
                assert reported.tier == truth["tier"], (
                    f"{venue} {key} at {at}s: reported {reported.raw!r} → tier "
                    f"{reported.tier}, true tier {truth['tier']} (pct {truth['percentile']})"
                )
                checked[venue] = checked.get(venue, 0) + 1
    assert checked.keys() >= {"binanceusdm"}
    assert sum(checked.values()) >= 8


@pytest.mark.parametrize("sim", ["squeeze"], indirect=True)
async def test_binance_reports_its_last_refresh_between_refreshes(sim: SimExchange) -> None:
    """Between refreshes Binance keeps the quantile it published: the lag the app must show.

    Never a losing position at the front as of the refresh itself: losers score 0 and sit
    behind every profitable position in Binance's snapshot.
    """
    sim.advance(BINANCE_REFRESH)
    published = {k: v["tier"] for k, v in truth_positions(sim, "binanceusdm").items()}
    for key, truth in truth_positions(sim, "binanceusdm").items():
        assert truth["reported"] + 1 == truth["tier"]
        if truth["score"] == 0:
            assert truth["tier"] == 1, f"{key}: a loser published at tier {truth['tier']}"
    sim.advance(BINANCE_REFRESH - 1)
    for key, truth in truth_positions(sim, "binanceusdm").items():
        assert truth["reported"] + 1 == published[key], f"{key}: changed between refreshes"
