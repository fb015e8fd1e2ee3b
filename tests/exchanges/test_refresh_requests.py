"""What one refresh costs the venue and the process: no read repeated on every refresh because
it failed or came back empty, and each reply body parsed once (the response guard's parse is
the one ccxt reads), through real ccxt clients on the fixture server."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from aiohttp import web
from ccxt.async_support import hyperliquid

from tests.exchanges.fixture_server import fixture
from tests.exchanges.markets import by_symbol, market
from tests.exchanges.test_venue_risk import GATE_MARKETS, GATE_STATES, _serve_gate_account

STATE = {
    "assetPositions": [fixture("hyperliquid", "clearinghouseState-assetPosition")],
    "marginSummary": {"accountValue": "1000", "totalMarginUsed": "24.88"},
    "crossMaintenanceMarginUsed": "5",
}


async def _hyperliquid(servers: Any, open_connector: Any, asked: Counter[str]) -> Any:
    """A Hyperliquid account whose public market data (funding, candles) cannot be read: every
    `/info` query is answered with the account's state."""

    async def info(request: web.Request) -> web.Response:
        asked[json.loads(await request.text())["type"]] += 1
        return web.json_response(STATE)

    server = await servers("hyperliquid")
    server.route("POST", "/info", info)
    markets = by_symbol(market("1", "ETH/USDC:USDC", info={"name": "ETH"}))
    return await open_connector(server, markets, credentials=None)


async def test_failed_public_market_data_is_not_asked_again_on_every_refresh(
    servers, open_connector
) -> None:
    asked: Counter[str] = Counter()
    connector = await _hyperliquid(servers, open_connector, asked)

    first = await connector.fetch()
    await connector._wallets.settled()  # the wallet batch it started runs beside the refresh
    tried = set(asked) - {"clearinghouseState"}
    asked.clear()
    later = [await connector.fetch() for _ in range(3)]

    assert tried, "the first refresh tries the public market data"
    assert all(reading.positions for reading in (first, *later))
    assert asked == {"clearinghouseState": 3}  # one request per refresh, the venue's minimum


async def test_a_symbol_the_venue_rates_nothing_for_is_not_asked_about_on_every_refresh(
    servers, open_connector
) -> None:
    server = await servers("gate")
    _serve_gate_account(server)
    server.reply("GET", GATE_STATES, {"settle": "usdt", "states": {}})  # BTC held, not rated
    connector = await open_connector(server, GATE_MARKETS)

    readings = [await connector.fetch() for _ in range(3)]

    assert all(r.positions and not r.venue_risk for r in readings)
    assert server.hits[GATE_STATES] == 1  # again only after Gate's interval


async def test_each_reply_body_is_parsed_once(servers, open_connector, monkeypatch) -> None:
    """The guard must read the whole body (a reply cut short is a failure); ccxt then reads
    that same document instead of parsing the body again."""
    parses: Counter[str] = Counter()

    def counting(parse: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            text = args[-1]  # JSONDecoder.decode(self, text) or loads(text)
            if isinstance(text, str) and "assetPositions" in text:  # a reply, not a request
                parses[text] += 1
            return parse(*args, **kwargs)

        return counted

    # Every JSON parser a reply can meet: the standard library's and ccxt's own (orjson).
    monkeypatch.setattr(json.JSONDecoder, "decode", counting(json.JSONDecoder.decode))
    owner = next(c for c in hyperliquid.__mro__ if "on_json_response" in vars(c))
    monkeypatch.setattr(owner, "on_json_response", staticmethod(counting(owner.on_json_response)))
    asked: Counter[str] = Counter()
    connector = await _hyperliquid(servers, open_connector, asked)
    await connector.fetch()  # the public market data is tried (and fails) on the first only
    parses.clear()
    asked.clear()

    reading = await connector.fetch()

    assert reading.positions
    assert sum(parses.values()) == sum(asked.values()) > 0  # one parse per reply
