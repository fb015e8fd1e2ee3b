"""The whole connector path against the simulated exchange: real ccxt clients on loopback.

The simulator knows every demo position's true queue place (`truth()`); the connector must
report what the venue reports — same positions, same raw indicator — and the sim's key powers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adl_monitor.core.model.account_spec import Credentials
from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.core.ranking.scales import has_indicator
from adl_monitor.core.security.key_verdict import KeyVerdict
from adl_monitor.exchanges.base import VenueConnector
from adl_monitor.exchanges.registry import connector_for
from adl_monitor.sim.demo import DEMO_PASSWORD, DEMO_SECRET, DEMO_TRADE_KEY, DEMO_WITHDRAW_KEY
from adl_monitor.sim.server import SimExchange
from tests.helpers import assert_loopback_client

SIM_VENUES = ("bybit", "binanceusdm", "okx", "hyperliquid")


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    exchange = SimExchange("calm", seed=7, speed=0)
    await exchange.start()
    yield exchange
    await exchange.stop()


@pytest.fixture
async def connect(sim: SimExchange, tmp_path: Any) -> AsyncIterator[Any]:
    opened: list[VenueConnector] = []

    async def connect_(
        venue: str, credentials: Credentials | str | None = "demo"
    ) -> VenueConnector:
        account = next(a for a in sim.demo_accounts() if a.exchange == venue)
        creds = account.credentials() if credentials == "demo" else credentials
        connector = connector_for(account.spec(), creds, cache_dir=tmp_path)  # type: ignore[arg-type]
        opened.append(connector)
        await connector.open()
        assert_loopback_client(connector.client)
        return connector

    yield connect_
    for connector in opened:
        await connector.close()


def truth_for(sim: SimExchange, venue: str, account: str) -> list[dict[str, Any]]:
    venues = sim.truth()["venues"]
    return [p for p in venues[venue]["positions"] if p["account"] == account]


@pytest.mark.parametrize("venue", SIM_VENUES)
async def test_positions_and_tiers_match_the_venue(
    sim: SimExchange, connect: Any, venue: str
) -> None:
    connector = await connect(venue)

    reading = await connector.fetch()

    truth = truth_for(sim, venue, connector.spec.name)
    assert truth, "the demo account holds positions"
    assert {(p.symbol, p.side.value) for p in reading.positions} == {
        (t["symbol"], t["side"]) for t in truth
    }
    for expected in truth:
        key = (expected["symbol"], expected["side"])
        position = next(p for p in reading.positions if (p.symbol, p.side.value) == key)
        assert position.contracts * position.contract_size == pytest.approx(expected["contracts"])
        assert position.mark_price > 0 and position.notional > 0
        adl = reading.adl.get(key)
        if has_indicator(venue):
            assert adl is not None and adl.tier is not None
            assert adl.tier == (
                expected["reported"] + 1 if venue == "binanceusdm" else expected["reported"]
            )
        else:
            assert adl is None
    (figures,) = reading.figures.values()
    assert figures.wallet_balance and figures.equity and figures.maintenance_margin


@pytest.mark.parametrize("venue", ("bybit", "binanceusdm", "okx"))
async def test_key_powers(connect: Any, venue: str) -> None:
    password = DEMO_PASSWORD if venue == "okx" else None
    read_only = await connect(venue)
    trader = await connect(venue, Credentials(DEMO_TRADE_KEY, DEMO_SECRET, password))
    withdrawer = await connect(venue, Credentials(DEMO_WITHDRAW_KEY, DEMO_SECRET, password))

    assert (await read_only.check_key()).verdict is KeyVerdict.READ_ONLY
    assert (await trader.check_key()).verdict is KeyVerdict.CAN_TRADE
    withdraw = await withdrawer.check_key()
    assert withdraw.verdict is KeyVerdict.CAN_WITHDRAW
    assert withdraw.permissions


async def test_hyperliquid_needs_no_key(connect: Any) -> None:
    connector = await connect("hyperliquid")
    assert (await connector.check_key()).verdict is KeyVerdict.NOT_NEEDED


@pytest.mark.parametrize("venue", ("bybit", "binanceusdm", "okx"))
async def test_wrong_secret_is_bad_key(connect: Any, venue: str) -> None:
    connector = await connect(venue, Credentials("demo-key", "not-the-secret", DEMO_PASSWORD))

    with pytest.raises(VenueFailure) as caught:
        await connector.fetch()

    assert caught.value.kind is FailureKind.BAD_KEY
    assert "not-the-secret" not in str(caught.value)


async def test_outage_then_recovery() -> None:
    """OKX's outage answers a 503 page; Bybit, same server, keeps working throughout.

    The sim alternates 503 pages with requests that hang for 30 s; only the first (a 503) is
    made here, because a hanging request also holds up the sim's shutdown for those 30 s.
    Timeouts are covered against the fixture server.
    """
    sim = SimExchange("outage", seed=3, speed=0)
    await sim.start()
    accounts = {a.exchange: a for a in sim.demo_accounts()}
    okx = connector_for(accounts["okx"].spec(), accounts["okx"].credentials())
    bybit = connector_for(accounts["bybit"].spec(), accounts["bybit"].credentials())
    try:
        await okx.open()
        await bybit.open()
        assert (await okx.fetch()).positions
        sim.advance(50)  # into the outage (0:40–2:10)

        with pytest.raises(VenueFailure) as caught:
            await okx.fetch()
        assert caught.value.kind is FailureKind.VENUE_DOWN
        assert (await bybit.fetch()).positions

        sim.advance(100)  # past the outage
        assert (await okx.fetch()).positions
    finally:
        await okx.close()
        await bybit.close()
        await sim.stop()


async def test_bybit_stream_follows_the_squeeze() -> None:
    """watch() against the sim's private position topic: tiers move as the market rallies."""
    sim = SimExchange("squeeze", seed=1, speed=0)
    await sim.start()
    account = next(a for a in sim.demo_accounts() if a.exchange == "bybit")
    connector = connector_for(account.spec(), account.credentials())
    try:
        await connector.fetch()
        await asyncio.wait_for(connector.watch(), 10)  # ccxt's REST snapshot
        await asyncio.wait_for(connector.watch(), 10)  # the first push after subscribing
        assert_loopback_client(connector.client)
        seen_tiers: set[tuple[str, int | None]] = set()
        for _ in range(2):
            sim.advance(15)
            reading = await asyncio.wait_for(connector.watch(), 10)
            truth = {
                (t["symbol"], t["side"]): t["reported"]
                for t in truth_for(sim, "bybit", account.name)
            }
            streamed = {key: adl.tier for key, adl in reading.adl.items()}
            assert streamed == truth
            seen_tiers |= {(key[0], tier) for key, tier in streamed.items()}
        assert ("BTC/USDT:USDT", 5) in seen_tiers  # the long reached the front of the queue
    finally:
        await connector.close()
        await sim.stop()


@pytest.mark.parametrize("venue", ("bybit", "okx"))
async def test_adl_close_is_reported_once(venue: str) -> None:
    """In the squeeze, the sim's ADL closes demo positions; the venue's history says so."""
    sim = SimExchange("squeeze" if venue == "bybit" else "cascade", seed=1, speed=0)
    await sim.start()
    account = next(a for a in sim.demo_accounts() if a.exchange == venue)
    connector = connector_for(account.spec(), account.credentials())
    try:
        await connector.fetch()
        hits: list[frozenset[tuple[str, str]]] = []
        for _ in range(40):
            sim.advance(15)
            hits.append((await connector.fetch()).adl_hits)
            if sim.truth()["venues"][venue]["adl_events"] and len(hits) > 1 and not hits[-1]:
                break
        events = sim.truth()["venues"][venue]["adl_events"]
        assert events, f"the scenario deleverages a demo position on {venue}"
        reported = [key for reading in hits for key in reading]
        assert {(e["symbol"], e["side"]) for e in events} <= set(reported)
        assert len(reported) <= len(events)  # each close once, not again on every refresh
    finally:
        await connector.close()
        await sim.stop()


@pytest.mark.parametrize("venue", SIM_VENUES)
async def test_every_position_knows_its_market_s_step_and_minimum(connect: Any, venue: str) -> None:
    """Advice sizes orders with these, so it never names a size the venue cannot trade."""
    connector = await connect(venue)
    reading = await connector.fetch()
    assert reading.positions
    for position in reading.positions:
        market = connector.client.markets[position.symbol]
        assert position.contract_step is not None and position.contract_step > 0
        assert position.contract_step == pytest.approx(market["precision"]["amount"])
        minimum = market["limits"]["amount"]["min"]
        assert position.min_contracts == (pytest.approx(minimum) if minimum else None)
