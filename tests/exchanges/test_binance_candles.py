"""Binance's tier lags by up to 30 s, so between its updates the estimate follows the score over
cut points whose prior leans on the market's public candles: read through the real ccxt client
(`fetch_ohlcv`, `GET /fapi/v1/klines`) on the simulator, beside the positions, never failing
them."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from adl_monitor.core.assess import assess
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.exchanges.public_candles import CANDLE_HOURS
from adl_monitor.sim.server import SimExchange
from tests.exchanges.test_sim_venues import connect, sim  # noqa: F401  (fixtures)


def klines_asked(exchange: SimExchange) -> int:
    return sum(1 for r in exchange.requests.entries() if r.path == "/fapi/v1/klines")


async def test_a_reading_carries_each_held_markets_candles_the_same_market_everywhere(
    sim: SimExchange,  # noqa: F811
    connect: Any,  # noqa: F811
) -> None:
    binance = await connect("binanceusdm")
    reading = await binance.fetch()
    held = {p.symbol for p in reading.positions}
    assert held and set(reading.markets) == held
    for symbol, context in reading.markets.items():
        assert len(context.candles) == CANDLE_HOURS
        assert max(c.hours_ago for c in context.candles) == CANDLE_HOURS - 1
        mark = next(p.mark_price for p in reading.positions if p.symbol == symbol)
        assert context.mark == mark
    # One market, whichever venue it is read from: Hyperliquid's BTC candles are Binance's.
    hyperliquid = await connect("hyperliquid")
    other = (await hyperliquid.fetch()).markets["BTC/USDC:USDC"].candles
    assert [c.price for c in reading.markets["BTC/USDT:USDT"].candles] == pytest.approx(
        [c.price for c in other]
    )

    asked = klines_asked(sim)
    assert asked == len(held)  # one request per held market...
    await binance.fetch()
    assert klines_asked(sim) == asked  # ...then not again until the interval has passed


async def test_candles_that_cannot_be_read_cost_the_prior_not_the_positions(
    sim: SimExchange,  # noqa: F811
    connect: Any,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim.set_fault("binanceusdm", "html", route="/fapi/v1/klines")
    binance = await connect("binanceusdm")
    with caplog.at_level(logging.WARNING):
        reading = await binance.fetch()
        await binance.fetch()
    assert reading.positions and reading.adl and not reading.markets
    failures = [r.getMessage() for r in caplog.records if "public candles unavailable" in r.message]
    assert len(failures) == 1 and failures[0].startswith("demo-binance: ")

    spec = next(a for a in sim.demo_accounts() if a.exchange == "binanceusdm").spec()
    risks = assess(reading, spec, RankEstimator(), now=datetime.now(UTC), stale_after=90.0)
    assert all(r.estimate is not None and "candles" not in r.estimate.basis for r in risks)
