"""Fixtures for connector tests: a fixture server per venue and connectors pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.exchanges import market_cache
from adl_monitor.exchanges.base import VenueConnector
from adl_monitor.exchanges.registry import connector_for
from tests.exchanges.fixture_server import FixtureServer
from tests.helpers import assert_loopback_client

TEST_CREDENTIALS = Credentials("test-key-0123", "test-secret-4567", "test-pass-89")
WALLET = "0x" + "ab" * 20

OpenConnector = Callable[..., Awaitable[VenueConnector]]


@pytest.fixture
async def servers() -> AsyncIterator[Callable[..., Awaitable[FixtureServer]]]:
    started: list[FixtureServer] = []

    async def start(venue: str, host: str = "127.0.0.1") -> FixtureServer:
        server = FixtureServer(venue, host)
        await server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        await server.close()


@pytest.fixture
async def open_connector(tmp_path: Path) -> AsyncIterator[OpenConnector]:
    """Open a connector on `server` with `markets` restored from the on-disk cache."""
    opened: list[VenueConnector] = []

    async def open_(
        server: FixtureServer,
        markets: dict[str, Any] | None,
        *,
        credentials: Credentials | None = TEST_CREDENTIALS,
        exchange: str | None = None,
    ) -> VenueConnector:
        venue = exchange or server.venue
        cache = tmp_path / "markets"
        if markets is not None:
            market_cache.save(market_cache.cache_file(cache, venue, server.api_url), markets)
        spec = AccountSpec(
            name=f"{venue} test",
            exchange=venue,
            api_url=server.api_url,
            wallet_address=WALLET if venue == "hyperliquid" else None,
        )
        connector = connector_for(spec, credentials, cache_dir=cache)
        opened.append(connector)
        await connector.open()
        assert_loopback_client(connector.client)
        return connector

    yield open_
    for connector in opened:
        await connector.close()
