"""Hyperliquid's open interest, read through ccxt, is the simulated book's: it falls as the
venue liquidates and deleverages, so an app that reads it can see a queue thin out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from adl_monitor.core.model.position import Side
from adl_monitor.sim.server import SimExchange

BTC = "BTC/USDC:USDC"


async def open_interest(client: Any) -> float:
    rates = await client.fetch_funding_rates([BTC])
    return float(rates[BTC]["info"]["openInterest"])


@pytest.mark.parametrize("sim", ["cascade"], indirect=True)
async def test_open_interest_falls_when_the_cascade_deleverages_the_shorts(
    sim: SimExchange, client: Callable[..., Any]
) -> None:
    hyperliquid = client("hyperliquid")
    book = sim.world.books["hyperliquid"]
    shorts_before = sum(p.size for p in book.queues[("BTC", Side.SHORT)])
    before = await open_interest(hyperliquid)

    sim.advance(900)  # the crash: longs liquidated, the insurance fund drained, shorts ADL'd

    shorts_after = sum(p.size for p in book.queues[("BTC", Side.SHORT)])
    after = await open_interest(hyperliquid)
    assert shorts_after < shorts_before, "the scenario deleverages BTC shorts"
    assert after < before
    # Deleveraging closes size on both sides: the figure falls at least by the shorts closed.
    opened = book.added_size["BTC"]
    assert (before - after) / before >= (shorts_before - shorts_after) / opened


async def test_a_quiet_market_keeps_its_open_interest(
    sim: SimExchange, client: Callable[..., Any]
) -> None:
    hyperliquid = client("hyperliquid")
    before = await open_interest(hyperliquid)
    sim.advance(5)
    assert await open_interest(hyperliquid) == before > 0
