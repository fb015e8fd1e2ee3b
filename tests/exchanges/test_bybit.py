"""Bybit: the v5 position list and key info examples through the real ccxt client."""

from __future__ import annotations

from aiohttp import web

from adl_monitor.core.model.position import MarginMode, Side
from adl_monitor.core.security.key_verdict import KeyVerdict
from tests.exchanges.fixture_server import FixtureServer, fixture
from tests.exchanges.markets import by_symbol, market

MARKETS = by_symbol(
    market("BTCUSD", "BTC/USD:BTC", inverse=True),
    market("BTCUSDT", "BTC/USDT:USDT"),
)
WALLET = {
    "retCode": 0,
    "retMsg": "OK",
    "result": {
        "list": [
            {
                "accountType": "UNIFIED",
                "totalEquity": "3.31",
                "coin": [
                    {
                        "coin": "BTC",
                        "walletBalance": "0.5",
                        "equity": "0.49970587",
                        "totalPositionMM": "0.0000015",
                        "totalPositionIM": "0.00010923",
                    }
                ],
            }
        ]
    },
    "retExtInfo": {},
    "time": 1697684980172,
}


def account_info(margin_mode: str = "REGULAR_MARGIN") -> dict[str, object]:
    """`GET /v5/account/info` as Bybit documents it; REGULAR_MARGIN is cross."""
    return {
        "retCode": 0,
        "retMsg": "OK",
        "result": {"unifiedMarginStatus": 5, "marginMode": margin_mode, "dcpStatus": "OFF"},
        "retExtInfo": {},
        "time": 1697684980172,
    }


def serve_positions(
    server: FixtureServer, inverse_reply: dict[str, object], margin_mode: str = "REGULAR_MARGIN"
) -> None:
    empty = {"retCode": 0, "retMsg": "OK", "result": {"list": [], "category": "linear"}}

    async def position_list(request: web.Request) -> web.Response:
        category = request.query.get("category")
        return web.json_response(inverse_reply if category == "inverse" else empty)

    server.route("GET", "/v5/position/list", position_list)
    server.reply("GET", "/v5/account/wallet-balance", WALLET)
    server.reply("GET", "/v5/account/info", account_info(margin_mode))


async def test_inverse_position_with_its_adl_rank(servers, open_connector) -> None:
    server = await servers("bybit")
    serve_positions(server, fixture("bybit", "positionList"))
    connector = await open_connector(server, MARKETS)

    reading = await connector.fetch()

    (position,) = reading.positions
    assert (position.symbol, position.side) == ("BTC/USD:BTC", Side.SHORT)
    assert position.contracts == 300
    assert position.inverse and position.settle == "BTC"
    assert position.mark_price == 28224.5
    assert position.unrealized_pnl == -0.00029413
    assert position.notional == 300 / 28224.5
    adl = reading.adl[("BTC/USD:BTC", "short")]
    assert (adl.raw, adl.tier) == (2, 2)
    assert reading.figures["BTC"].wallet_balance == 0.5
    assert reading.adl_hits == frozenset()
    # Each list asked: an inverse position is not missed by a linear-only query, nor a USDC
    # one by a USDT-only one.
    assert server.hits["/v5/position/list"] == 3


def _linear_row(symbol: str, side: str, size: str) -> dict[str, object]:
    """One linear row of `/v5/position/list`, the documented example's fields."""
    row = dict(fixture("bybit", "positionList")["result"]["list"][0])
    row.update(symbol=symbol, side=side, size=size, avgPrice="60000", markPrice="61000")
    row.update(positionValue=str(float(size) * 60000), unrealisedPnl="10", adlRankIndicator=3)
    return row


def _page(rows: list[dict[str, object]], cursor: str = "") -> dict[str, object]:
    result = {"list": rows, "nextPageCursor": cursor, "category": "linear"}
    return {"retCode": 0, "retMsg": "OK", "result": result, "retExtInfo": {}, "time": 1}


async def test_usdc_perpetuals_are_read_beside_usdt_ones(servers, open_connector) -> None:
    """ccxt lists linear positions settled in USDT only, unless asked for another coin: a USDC
    perpetual would be missing from the table without a word."""
    server = await servers("bybit")
    usdt = _linear_row("BTCUSDT", "Buy", "0.5")
    usdc = _linear_row("BTCPERP", "Sell", "0.2")
    asked: list[str | None] = []

    async def position_list(request: web.Request) -> web.Response:
        settle = request.query.get("settleCoin")
        asked.append(f"{request.query.get('category')}/{settle}")
        rows = {"USDT": [usdt], "USDC": [usdc]}.get(settle or "", [])
        return web.json_response(_page(rows))

    server.route("GET", "/v5/position/list", position_list)
    server.reply("GET", "/v5/account/wallet-balance", WALLET)
    server.reply("GET", "/v5/account/info", account_info())
    markets = by_symbol(*MARKETS.values(), market("BTCPERP", "BTC/USDC:USDC"))
    connector = await open_connector(server, markets)

    reading = await connector.fetch()

    held = sorted((p.symbol, p.side.value, p.contracts) for p in reading.positions)
    assert held == [("BTC/USDC:USDC", "short", 0.2), ("BTC/USDT:USDT", "long", 0.5)]
    assert sorted(asked) == ["inverse/None", "linear/USDC", "linear/USDT"]


async def test_a_list_longer_than_a_page_is_read_to_its_end(servers, open_connector) -> None:
    """A page holds 200 positions; a full one has the rest behind its cursor, and ccxt reads
    one page only."""
    server = await servers("bybit")
    coins = [f"C{i}" for i in range(203)]
    rows = [_linear_row(f"{coin}USDT", "Buy", "1") for coin in coins]
    cursors: list[str | None] = []

    async def position_list(request: web.Request) -> web.Response:
        if request.query.get("settleCoin") != "USDT":
            return web.json_response(_page([]))
        cursor = request.query.get("cursor")
        cursors.append(cursor)
        if cursor is None:
            return web.json_response(_page(rows[:200], cursor="page-2"))
        return web.json_response(_page(rows[200:], cursor="page-3"))

    server.route("GET", "/v5/position/list", position_list)
    server.reply("GET", "/v5/account/wallet-balance", WALLET)
    server.reply("GET", "/v5/account/info", account_info())
    markets = by_symbol(*(market(f"{coin}USDT", f"{coin}/USDT:USDT") for coin in coins))
    connector = await open_connector(server, markets)

    reading = await connector.fetch()

    assert len(reading.positions) == 203
    assert cursors == [None, "page-2"]  # a short page is the last, whatever its cursor says


async def test_margin_mode_from_trade_mode_or_the_account(servers, open_connector) -> None:
    """ccxt leaves Bybit's margin mode empty; the classic formula needs it (isolated positions
    rank on their own margin, cross ones on the account's equity)."""
    cross = fixture("bybit", "positionList")  # tradeMode 0, a REGULAR_MARGIN account: cross
    isolated = fixture("bybit", "positionList")
    isolated["result"]["list"][0]["tradeMode"] = 1  # classic / UTA 1.0: isolated
    cases = (
        (cross, "REGULAR_MARGIN", MarginMode.CROSS),
        (isolated, "REGULAR_MARGIN", MarginMode.ISOLATED),
        (cross, "ISOLATED_MARGIN", MarginMode.ISOLATED),  # UTA 2.0: account-wide
    )
    for reply, account_mode, expected in cases:
        server = await servers("bybit")
        serve_positions(server, reply, account_mode)
        connector = await open_connector(server, MARKETS)

        (position,) = (await connector.fetch()).positions

        assert position.margin_mode is expected, (reply, account_mode)
        if expected is MarginMode.ISOLATED:
            # the position margin (positionBalance), without the uPnL ccxt adds to collateral
            assert position.margin == 0.00139186


async def test_position_status_adl_is_a_hit(servers, open_connector) -> None:
    reply = fixture("bybit", "positionList")
    reply["result"]["list"][0]["positionStatus"] = "Adl"
    server = await servers("bybit")
    serve_positions(server, reply)
    connector = await open_connector(server, MARKETS)

    reading = await connector.fetch()

    assert reading.adl_hits == {("BTC/USD:BTC", "short")}
    assert reading.adl_evidence == {
        ("BTC/USD:BTC", "short"): "Bybit position list (positionStatus Adl)"
    }


async def test_query_api_example_is_read_only(servers, open_connector) -> None:
    server = await servers("bybit")
    server.reply("GET", "/v5/user/query-api", fixture("bybit", "queryApi"))
    connector = await open_connector(server, MARKETS)

    check = await connector.check_key()

    assert check.verdict is KeyVerdict.READ_ONLY


async def test_read_write_key_can_trade(servers, open_connector) -> None:
    reply = fixture("bybit", "queryApi")
    reply["result"]["readOnly"] = 0
    server = await servers("bybit")
    server.reply("GET", "/v5/user/query-api", reply)
    connector = await open_connector(server, MARKETS)

    check = await connector.check_key()

    assert check.verdict is KeyVerdict.CAN_TRADE
    assert "ContractTrade:Order" in check.permissions
