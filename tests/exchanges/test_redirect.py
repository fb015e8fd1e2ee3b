"""With `api_url`, every URL of every venue's client — REST and websocket — is on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.exchanges import market_cache
from adl_monitor.exchanges.registry import connector_for, supported_exchanges
from tests.exchanges.conftest import TEST_CREDENTIALS, WALLET
from tests.exchanges.markets import by_symbol, market
from tests.helpers import assert_loopback_client, iter_urls

API_URL = "http://127.0.0.1:9/sim"  # discard port: nothing may be asked at open() with a cache


@pytest.mark.parametrize("exchange", supported_exchanges())
async def test_every_url_points_at_api_url(exchange: str, tmp_path: Path) -> None:
    cache = tmp_path / "markets"
    markets = by_symbol(market("BTCUSDT", "BTC/USDT:USDT"))
    market_cache.save(market_cache.cache_file(cache, exchange, API_URL), markets)
    spec = AccountSpec(
        f"{exchange} test",
        exchange,
        api_url=API_URL,
        wallet_address=WALLET if exchange == "hyperliquid" else None,
    )
    connector = connector_for(spec, TEST_CREDENTIALS, cache_dir=cache)
    try:
        await connector.open()  # markets from the cache: no request at all
        client = connector.client
        assert_loopback_client(client)
        urls = iter_urls(client.urls["api"])
        assert all("/sim/" in url or url.endswith("/sim") for url in urls), urls
        if connector.supports_watch:
            assert any(url.startswith("ws://127.0.0.1:9/sim") for url in urls)
        assert client.enableRateLimit is False  # loopback: ccxt's limiter would only slow tests
    finally:
        await connector.close()


async def test_rate_limiter_stays_on_against_real_venues() -> None:
    connector = connector_for(AccountSpec("real", "okx"), TEST_CREDENTIALS)
    client = connector._build_client()  # built, never opened: no request is made
    try:
        assert client.enableRateLimit is True
        assert "okx.com" in str(client.urls["api"])
    finally:
        await client.close()
