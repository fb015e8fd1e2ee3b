"""Venue-wide ADL risk (core/model/venue_risk.py, docs/venue-risk.md) through real ccxt clients:
Binance and Bybit against the simulator, whose values move in the squeeze; Gate against
recorded-shape replies. It is read at the venue's own slow pace, only for symbols held, and a
failed read never fails the account."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adl_monitor.core.model.venue_risk import (
    BINANCE_SOURCE,
    BYBIT_SOURCE,
    GATE_SOURCE,
    VenueRiskLevel,
)
from adl_monitor.exchanges.base import VenueConnector
from adl_monitor.exchanges.registry import connector_for
from adl_monitor.sim.server import SimExchange
from tests.exchanges.fixture_server import fixture
from tests.exchanges.markets import by_symbol, market
from tests.helpers import assert_loopback_client

GATE_STATES = "/api/v4/futures/usdt/adl_risk_states"


@pytest.fixture
async def squeeze() -> AsyncIterator[SimExchange]:
    exchange = SimExchange("squeeze", seed=7, speed=0)
    await exchange.start()
    yield exchange
    await exchange.stop()


async def _sim_connector(sim: SimExchange, venue: str, cache: Path) -> VenueConnector:
    account = next(a for a in sim.demo_accounts() if a.exchange == venue)
    connector = connector_for(account.spec(), account.credentials(), cache_dir=cache)
    await connector.open()
    assert_loopback_client(connector.client)
    return connector


@pytest.mark.parametrize(
    ("venue", "source"), [("bybit", BYBIT_SOURCE), ("binanceusdm", BINANCE_SOURCE)]
)
async def test_venue_risk_of_held_symbols_rises_in_the_squeeze(
    squeeze: SimExchange, tmp_path: Path, venue: str, source: str
) -> None:
    connector = await _sim_connector(squeeze, venue, tmp_path)
    try:
        before = await connector.fetch()
        held = {p.symbol for p in before.positions}
        assert held and set(before.venue_risk) == held  # every held symbol, nothing else
        assert {r.level for r in before.venue_risk.values()} == {VenueRiskLevel.LOW}
        assert {r.source for r in before.venue_risk.values()} == {source}

        squeeze.advance(120)
        connector.venue_risk_interval = 0.0  # the slow cadence is tested below
        after = await connector.fetch()
    finally:
        await connector.close()

    risen = [s for s, r in after.venue_risk.items() if r.level > VenueRiskLevel.LOW]
    assert risen, after.venue_risk
    assert all(r.updated_at > before.venue_risk[s].updated_at for s, r in after.venue_risk.items())


async def test_bybit_keeps_the_raw_pool_figures(squeeze: SimExchange, tmp_path: Path) -> None:
    connector = await _sim_connector(squeeze, "bybit", tmp_path)
    try:
        squeeze.advance(120)
        reading = await connector.fetch()
    finally:
        await connector.close()
    risk = reading.venue_risk["BTC/USDT:USDT"]
    assert risk.level is VenueRiskLevel.HIGH
    assert float(risk.raw["pnlRatio"]) < float(risk.raw["insurancePnlRatio"])  # type: ignore[index]
    assert "ADL is on" in risk.detail


def _serve_gate_account(server) -> None:  # type: ignore[no-untyped-def]
    server.reply("GET", "/api/v4/futures/usdt/positions", fixture("gate", "positions"))
    server.reply("GET", "/api/v4/futures/usdt/accounts", {"currency": "USDT", "total": "500"})


GATE_MARKETS = by_symbol(
    market("BTC_USDT", "BTC/USDT:USDT", contract_size=0.0001),
    market("ETH_USDT", "ETH/USDT:USDT"),
)


async def test_gate_risk_states_for_the_contract_held(servers, open_connector) -> None:
    server = await servers("gate")
    _serve_gate_account(server)
    server.reply(
        "GET",
        GATE_STATES,
        {
            "settle": "usdt",
            "states": {
                "BTC_USDT": {"state": "warning", "calculated_at_ms": 1764800000000},
                "ETH_USDT": {"state": "normal", "calculated_at_ms": 1764800000000},
            },
        },
    )
    connector = await open_connector(server, GATE_MARKETS)

    reading = await connector.fetch()
    await connector.fetch()  # within Gate's interval: not asked again

    (risk,) = reading.venue_risk.values()  # ETH is not held
    assert reading.venue_risk.keys() == {"BTC/USDT:USDT"}
    assert (risk.level, risk.raw, risk.source) == (VenueRiskLevel.HIGH, "warning", GATE_SOURCE)
    assert risk.updated_at == datetime.fromtimestamp(1764800000, UTC)
    assert server.hits[GATE_STATES] == 1


async def test_a_failed_risk_read_keeps_the_account_and_is_logged_once(
    servers, open_connector, caplog
) -> None:
    server = await servers("gate")
    _serve_gate_account(server)
    server.reply("GET", GATE_STATES, text="<html>maintenance</html>", status=503)
    connector = await open_connector(server, GATE_MARKETS)
    connector.venue_risk_interval = 0.0

    with caplog.at_level(logging.INFO, logger="adl_monitor.exchanges.slow_read"):
        first = await connector.fetch()
        second = await connector.fetch()
        server.reply(
            "GET", GATE_STATES, {"settle": "usdt", "states": {"BTC_USDT": {"state": "normal"}}}
        )
        third = await connector.fetch()

    assert first.positions and second.positions  # the account reads fine without it
    assert not first.venue_risk and not second.venue_risk
    assert server.hits[GATE_STATES] == 3
    unavailable = [r for r in caplog.records if "ADL risk unavailable" in r.getMessage()]
    assert len(unavailable) == 1
    assert any("readable again" in r.getMessage() for r in caplog.records)
    assert third.venue_risk["BTC/USDT:USDT"].level is VenueRiskLevel.LOW
