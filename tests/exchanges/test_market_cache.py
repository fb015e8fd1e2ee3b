"""Start-up: markets come from the disk cache on the second open, refreshed when a day old."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from aiohttp import web

from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.exchanges import market_cache
from adl_monitor.exchanges.registry import connector_for
from tests.exchanges.conftest import TEST_CREDENTIALS
from tests.exchanges.fixture_server import FixtureServer
from tests.exchanges.markets import by_symbol, market
from tests.helpers import assert_loopback_client

SWAP = {
    "instType": "SWAP",
    "instId": "BTC-USDT-SWAP",
    "uly": "BTC-USDT",
    "instFamily": "BTC-USDT",
    "baseCcy": "",
    "quoteCcy": "",
    "settleCcy": "USDT",
    "ctVal": "0.01",
    "ctMult": "1",
    "ctValCcy": "BTC",
    "ctType": "linear",
    "lotSz": "1",
    "tickSz": "0.1",
    "minSz": "1",
    "maxLmtSz": "100000000",
    "lever": "100",
    "listTime": "1611916828000",
    "expTime": "",
    "state": "live",
    "optType": "",
    "stk": "",
}


def serve_instruments(server: FixtureServer) -> None:
    async def instruments(request: web.Request) -> web.Response:
        data = [SWAP] if request.query.get("instType") == "SWAP" else []
        return web.json_response({"code": "0", "msg": "", "data": data})

    server.route("GET", "/api/v5/public/instruments", instruments)


async def open_okx(server: FixtureServer, cache: Path):  # type: ignore[no-untyped-def]
    spec = AccountSpec(name="okx main", exchange="okx", api_url=server.api_url)
    connector = connector_for(spec, TEST_CREDENTIALS, cache_dir=cache)
    await connector.open()
    assert_loopback_client(connector.client)
    return connector


async def test_second_open_restores_markets_from_disk(servers, tmp_path: Path) -> None:
    server = await servers("okx")
    serve_instruments(server)
    first = await open_okx(server, tmp_path)
    loaded = server.hits["/api/v5/public/instruments"]
    await first.close()

    second = await open_okx(server, tmp_path)
    try:
        assert loaded >= 1
        assert server.hits["/api/v5/public/instruments"] == loaded  # not asked again
        assert second.client.markets["BTC/USDT:USDT"]["contractSize"] == 0.01
        # Only the market types the app reads were asked for, and no currency list.
        asked = {r.query.get("instType") for r in server.requests}
        assert asked <= {"SWAP", "FUTURES"}
        assert not any("currencies" in r.path for r in server.requests)
    finally:
        await second.close()


async def test_day_old_cache_is_used_and_refreshed_in_background(servers, tmp_path: Path) -> None:
    server = await servers("okx")
    serve_instruments(server)
    path = market_cache.cache_file(tmp_path, "okx", server.api_url)
    # Yesterday's copy: the contract size has changed on the venue since.
    market_cache.save(path, by_symbol(market("BTC-USDT-SWAP", "BTC/USDT:USDT", contract_size=1)))
    day_ago = time.time() - 2 * 24 * 3600
    document = json.loads(path.read_text())
    document["saved_at"] = day_ago
    path.write_text(json.dumps(document))

    connector = await open_okx(server, tmp_path)
    try:
        # Usable at once from the old copy.
        assert connector.client.markets["BTC/USDT:USDT"]["contractSize"] == 1
        refresh = connector._market_refresh
        assert refresh is not None
        await refresh
        assert server.hits["/api/v5/public/instruments"] >= 1
        assert market_cache.load(path).saved_at > day_ago  # type: ignore[union-attr]
        assert connector.client.markets["BTC/USDT:USDT"]["contractSize"] == 0.01
    finally:
        await connector.close()


async def test_corrupt_cache_is_a_miss(servers, tmp_path: Path) -> None:
    server = await servers("okx")
    serve_instruments(server)
    path = market_cache.cache_file(tmp_path, "okx", server.api_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")

    connector = await open_okx(server, tmp_path)
    try:
        assert server.hits["/api/v5/public/instruments"] >= 1
        assert market_cache.load(path) is not None  # rewritten whole
        assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    finally:
        await connector.close()


async def test_failed_start_up_is_retried_cleanly(servers, tmp_path: Path) -> None:
    server = await servers("okx")
    server.reply("GET", "/api/v5/public/instruments", {"msg": "maintenance"}, status=503)
    spec = AccountSpec(name="okx main", exchange="okx", api_url=server.api_url)
    connector = connector_for(spec, TEST_CREDENTIALS, cache_dir=tmp_path)
    try:
        with pytest.raises(VenueFailure) as caught:
            await connector.open()
        assert caught.value.kind is FailureKind.VENUE_DOWN

        serve_instruments(server)  # the venue is back
        await connector.open()
        assert_loopback_client(connector.client)
        assert "BTC/USDT:USDT" in connector.client.markets
    finally:
        await connector.close()
