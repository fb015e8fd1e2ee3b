"""A simulated exchange per test, clock frozen: tests move sim time with `advance()`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from adl_monitor.sim.server import SimExchange
from tests.sim.clients import rest_client


@pytest.fixture
async def sim(request: pytest.FixtureRequest) -> AsyncIterator[SimExchange]:
    """The `squeeze` scenario unless parametrized indirectly with another scenario name."""
    exchange = SimExchange(getattr(request, "param", "squeeze"), seed=1, speed=0)
    await exchange.start()
    yield exchange
    await exchange.stop()


@pytest.fixture
async def client(sim: SimExchange) -> AsyncIterator[Callable[..., Any]]:
    """`client(venue, **overrides)`: a ccxt client on the sim, closed after the test."""
    opened: list[Any] = []

    def make(venue: str, **overrides: Any) -> Any:
        made = rest_client(sim, venue, **overrides)
        opened.append(made)
        return made

    yield make
    for made in opened:
        await made.close()


def demo_truth(sim: SimExchange, venue: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The true queue place of each open demo position on `venue`, by (symbol, side)."""
    venues: Any = sim.truth()["venues"]
    return {(p["symbol"], p["side"]): p for p in venues[venue]["positions"]}
