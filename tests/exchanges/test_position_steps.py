"""Each position carries its market's order-size step and minimum, read through real ccxt from
the simulated venues, so advice can name only sizes the venue can trade."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adl_monitor.exchanges.registry import connector_for
from adl_monitor.sim.server import SimExchange

SIM_VENUES = ("bybit", "binanceusdm", "okx", "hyperliquid")


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    exchange = SimExchange("calm", seed=7, speed=0)
    await exchange.start()
    yield exchange
    await exchange.stop()


@pytest.mark.parametrize("venue", SIM_VENUES)
async def test_every_position_knows_its_market_s_step_and_minimum(
    sim: SimExchange, venue: str, tmp_path: Path
) -> None:
    account = next(a for a in sim.demo_accounts() if a.exchange == venue)
    connector = connector_for(account.spec(), account.credentials(), cache_dir=tmp_path)
    await connector.open()
    try:
        reading = await connector.fetch()
        markets = connector.client.markets
    finally:
        await connector.close()
    assert reading.positions
    for position in reading.positions:
        market = markets[position.symbol]
        assert position.contract_step == pytest.approx(market["precision"]["amount"])
        assert position.contract_step is not None and position.contract_step > 0
        minimum = market["limits"]["amount"]["min"]
        assert position.min_contracts == (pytest.approx(minimum) if minimum else None)
