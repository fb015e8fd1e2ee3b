"""watch() on OKX: the connector's ccxt.pro client logs in to the simulated exchange's private
websocket, subscribes to `positions`, and its readings follow the sim's truth as time moves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.exchanges.base import VenueConnector
from adl_monitor.exchanges.registry import connector_for
from adl_monitor.sim.server import SimExchange
from tests.helpers import assert_loopback_client


@pytest.fixture
async def sim(request: pytest.FixtureRequest) -> AsyncIterator[SimExchange]:
    """`squeeze` unless parametrized indirectly with another scenario."""
    exchange = SimExchange(getattr(request, "param", "squeeze"), seed=1, speed=0)
    await exchange.start()
    yield exchange
    await exchange.stop()


@pytest.fixture
async def connector(sim: SimExchange, tmp_path: Path) -> AsyncIterator[VenueConnector]:
    account = next(a for a in sim.demo_accounts() if a.exchange == "okx")
    opened = connector_for(account.spec(), account.credentials(), cache_dir=tmp_path)
    await opened.open()
    assert_loopback_client(opened.client)
    yield opened
    await opened.close()


def true_tiers(sim: SimExchange, account: str) -> dict[tuple[str, str], int]:
    positions = sim.truth()["venues"]["okx"]["positions"]
    return {(p["symbol"], p["side"]): p["reported"] for p in positions if p["account"] == account}


def tiers(reading: AccountReading) -> dict[tuple[str, str], int | None]:
    return {key: adl.tier for key, adl in reading.adl.items()}


async def test_watch_follows_the_venue_as_time_advances(
    sim: SimExchange, connector: VenueConnector
) -> None:
    rest = await connector.fetch()
    first = true_tiers(sim, connector.spec.name)
    assert tiers(rest) == first

    snapshot = await asyncio.wait_for(connector.watch(), 10)
    assert tiers(snapshot) == first
    assert {(p.symbol, p.side.value) for p in snapshot.positions} == set(first)

    sim.advance(25)  # the squeeze moves the demo longs up OKX's queue
    moved = true_tiers(sim, connector.spec.name)
    assert moved != first, "the scenario changes some tier"
    pushed = await asyncio.wait_for(connector.watch(), 10)
    assert tiers(pushed) == moved
    assert {(p.symbol, p.side.value) for p in pushed.positions} == set(moved)
    changed = [key for key in moved if moved[key] != first[key]]
    assert all(pushed.adl[key].updated_at > snapshot.adl[key].updated_at for key in changed)


@pytest.mark.parametrize("sim", ["cascade"], indirect=True)
async def test_a_fully_deleveraged_position_leaves_the_stream_reading(
    sim: SimExchange, connector: VenueConnector
) -> None:
    await connector.fetch()
    snapshot = await asyncio.wait_for(connector.watch(), 10)
    held = {(p.symbol, p.side.value) for p in snapshot.positions}
    assert held == set(true_tiers(sim, connector.spec.name))

    sim.advance(300)  # the crash deleverages the demo's ETH short entirely
    left = true_tiers(sim, connector.spec.name)
    assert set(left) < held, "the scenario closes a demo position"
    pushed = await asyncio.wait_for(connector.watch(), 10)
    assert {(p.symbol, p.side.value) for p in pushed.positions} == set(left)
    assert tiers(pushed) == left
