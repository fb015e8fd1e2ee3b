"""Gate, HTX, KuCoin Futures, Bitget, Phemex, Hyperliquid: doc examples through real ccxt clients.

Where the docs give no example for a call the connector also makes (balances), the test serves a
small hand-written reply in the venue's documented shape; the ADL fields all come from the docs.
"""

from __future__ import annotations

import json

from aiohttp import web

from adl_monitor.core.model.position import MarginMode, Side
from adl_monitor.core.security.key_verdict import KeyVerdict
from tests.exchanges.fixture_server import fixture
from tests.exchanges.markets import by_symbol, market


async def test_gate_inverted_ranking(servers, open_connector) -> None:
    server = await servers("gate")
    server.reply("GET", "/api/v4/futures/usdt/positions", fixture("gate", "positions"))
    server.reply(
        "GET",
        "/api/v4/futures/usdt/accounts",
        {
            "currency": "USDT",
            "total": "500",
            "unrealised_pnl": "-0.0005",
            "maintenance_margin": "17.8",
        },
    )
    markets = by_symbol(market("BTC_USDT", "BTC/USDT:USDT", contract_size=0.0001))
    connector = await open_connector(server, markets)

    reading = await connector.fetch()

    (position,) = reading.positions
    assert (position.symbol, position.side, position.contracts) == (
        "BTC/USDT:USDT",
        Side.SHORT,
        9440,
    )
    assert position.margin_mode is MarginMode.ISOLATED
    adl = reading.adl[("BTC/USDT:USDT", "short")]
    assert (adl.raw, adl.tier) == (5, 1)  # Gate counts from the front: 5 is the back
    usdt = reading.figures["USDT"]
    assert (usdt.wallet_balance, usdt.equity, usdt.maintenance_margin) == (500.0, 499.9995, 17.8)


async def test_gate_key_without_account_permission_is_unverified(servers, open_connector) -> None:
    server = await servers("gate")
    server.reply(
        "GET",
        "/api/v4/account/main_keys",
        {"label": "FORBIDDEN", "message": "Not permitted"},
        status=403,
    )
    connector = await open_connector(server, by_symbol(market("BTC_USDT", "BTC/USDT:USDT")))

    check = await connector.check_key()

    assert check.verdict is KeyVerdict.UNVERIFIED
    assert "could not verify" in check.message


async def test_htx_position_and_key(servers, open_connector) -> None:
    server = await servers("htx")
    server.reply("GET", "/v5/trade/position/opens", fixture("htx", "positionOpens"))
    server.reply(
        "GET",
        "/v5/account/balance",
        {
            "code": 200,
            "data": {"equity": "100", "profit_unreal": "-0.039", "maintenance_margin": "0.21"},
        },
    )
    server.reply("GET", "/v2/user/uid", {"code": 200, "data": 1234})
    server.reply("GET", "/v2/user/api-key", fixture("htx", "apiKey"))
    connector = await open_connector(
        server, by_symbol(market("BTC-USDT", "BTC/USDT:USDT", contract_size=0.001))
    )

    reading = await connector.fetch()
    check = await connector.check_key()

    (position,) = reading.positions
    assert (position.symbol, position.side) == ("BTC/USDT:USDT", Side.LONG)
    adl = reading.adl[("BTC/USDT:USDT", "long")]
    assert (adl.raw, adl.tier) == (3, 3)
    assert reading.figures["USDT"].wallet_balance == 100.039
    assert check.verdict is KeyVerdict.CAN_TRADE
    assert check.permissions == ("trade",)


async def test_kucoin_position_and_key(servers, open_connector) -> None:
    server = await servers("kucoinfutures")
    server.reply("GET", "/api/v1/positions", fixture("kucoinfutures", "positions"))
    server.reply(
        "GET",
        "/api/v1/account-overview",
        {
            "code": "200000",
            "data": {"currency": "USDT", "accountEquity": 110, "marginBalance": 100},
        },
    )
    server.reply("GET", "/api/v1/user/api-key", fixture("kucoinfutures", "apiKey"))
    # ccxt asks once whether the account is unified (it then reads another endpoint).
    server.reply(
        "GET", "/api/ua/v1/account/mode", {"code": "200000", "data": {"selfAccountMode": "CLASSIC"}}
    )
    markets = by_symbol(market("XBTUSDTM", "BTC/USDT:USDT", contract_size=0.001))
    connector = await open_connector(server, markets)

    reading = await connector.fetch()
    check = await connector.check_key()

    (position,) = reading.positions
    assert (position.symbol, position.side, position.contracts) == ("BTC/USDT:USDT", Side.LONG, 1)
    adl = reading.adl[("BTC/USDT:USDT", "long")]
    assert adl.raw == 0.0
    assert adl.tier == 1  # an open position is at least in the back fifth
    assert (reading.figures["USDT"].wallet_balance, reading.figures["USDT"].equity) == (100, 110)
    assert check.verdict is KeyVerdict.CAN_TRADE
    assert check.permissions == ("Spot",)


# One Bitget position as /api/v2/mix/position/all-position lists it (from Bitget's docs).
BITGET_POSITION_ROW = {
    "marginCoin": "USDT",
    "symbol": "MOVEUSDT",
    "holdSide": "long",
    "total": "100",
    "available": "100",
    "leverage": "10",
    "openPriceAvg": "0.5",
    "markPrice": "0.55",
    "marginMode": "crossed",
    "posMode": "hedge_mode",
    "unrealizedPL": "5",
    "marginSize": "5",
    "liquidationPrice": "0.1",
    "cTime": "1753775486724",
    "uTime": "1753775486724",
}


async def test_bitget_separate_adl_rank(servers, open_connector) -> None:
    server = await servers("bitget")
    ok = {"code": "00000", "msg": "success", "requestTime": 1753775486724}
    server.reply("GET", "/api/v2/mix/position/all-position", {**ok, "data": [BITGET_POSITION_ROW]})
    server.reply("GET", "/api/v2/mix/position/adlRank", fixture("bitget", "adlRank"))
    server.reply(
        "GET",
        "/api/v2/mix/account/accounts",
        {
            **ok,
            "data": [
                {
                    "marginCoin": "USDT",
                    "accountEquity": "105",
                    "unrealizedPL": "5",
                    "crossedRiskRate": "0.01",
                }
            ],
        },
    )
    connector = await open_connector(server, by_symbol(market("MOVEUSDT", "MOVE/USDT:USDT")))

    reading = await connector.fetch()
    check = await connector.check_key()

    (position,) = reading.positions
    assert (position.symbol, position.side) == ("MOVE/USDT:USDT", Side.LONG)
    adl = reading.adl[("MOVE/USDT:USDT", "long")]
    assert (adl.raw, adl.tier) == ("0.7752", 4)  # `rank`, not the deprecated `adlRank`
    usdt = reading.figures["USDT"]
    assert (usdt.wallet_balance, usdt.maintenance_margin) == (100.0, 1.05)
    assert check.verdict is KeyVerdict.UNVERIFIED
    assert "could not verify" in check.message


async def test_phemex_account_and_positions_in_one_call(servers, open_connector) -> None:
    reply = fixture("phemex", "accountPositions")
    row = reply["data"]["positions"][0]
    # The doc example is schema-style: size "0" and symbol "BTC" are placeholders. Give it one
    # open contract on a real USDT-M symbol; the ADL field stays as documented.
    row.update(size="1", symbol="BTCUSDT")
    server = await servers("phemex")
    server.reply("GET", "/g-accounts/accountPositions", reply)
    connector = await open_connector(server, by_symbol(market("BTCUSDT", "BTC/USDT:USDT")))

    reading = await connector.fetch()

    (position,) = reading.positions
    assert position.symbol == "BTC/USDT:USDT"
    adl = reading.adl[(position.symbol, position.side.value)]
    assert adl.raw == {"deleveragePercentileRr": "0.1"}
    assert adl.tier == 1
    assert reading.figures["USDT"].wallet_balance == 1271.9
    assert server.hits["/g-accounts/accountPositions"] == 1
    assert len(server.requests) == 1


async def test_hyperliquid_by_wallet_address(servers, open_connector) -> None:
    seen: list[dict[str, object]] = []

    async def info(request: web.Request) -> web.Response:
        body = json.loads(await request.text())
        seen.append(body)
        return web.json_response(
            {
                "assetPositions": [fixture("hyperliquid", "clearinghouseState-assetPosition")],
                "marginSummary": {"accountValue": "1000", "totalMarginUsed": "24.88"},
                "crossMaintenanceMarginUsed": "5",
            }
        )

    server = await servers("hyperliquid")
    server.route("POST", "/info", info)
    markets = by_symbol(market("1", "ETH/USDC:USDC", info={"name": "ETH"}))
    connector = await open_connector(server, markets, credentials=None)

    reading = await connector.fetch()
    check = await connector.check_key()

    (position,) = reading.positions
    assert (position.symbol, position.side, position.contracts) == (
        "ETH/USDC:USDC",
        Side.LONG,
        0.2259,
    )
    assert position.margin_mode is MarginMode.ISOLATED
    assert position.notional == 500.12001
    assert reading.adl == {}  # Hyperliquid publishes no indicator
    assert reading.figures["USDC"].equity == 1000
    assert seen[0] == {"type": "clearinghouseState", "user": connector.spec.wallet_address}
    # Then the public market data for the estimate's prior; this server answers it with
    # nonsense, which costs the prior its data and never the reading.
    public = {"metaAndAssetCtxs", "candleSnapshot", "recentTrades"}  # the estimate's prior
    assert {body["type"] for body in seen[1:]} <= public
    assert reading.markets == {}
    assert check.verdict is KeyVerdict.NOT_NEEDED
