"""How a vanished position is judged from the venue's own history replies (issue 8, item 5):
ADL evidence, a fill of the user's own, or neither — through the real ccxt client on a fixture
server. The replies follow the venues' documented shapes (docs/adl-evidence.md)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from adl_monitor.core.model.account_reading import CloseCause
from adl_monitor.exchanges.hyperliquid import fill_closes
from tests.exchanges.fixture_server import fixture
from tests.exchanges.markets import by_symbol, market
from tests.exchanges.test_binance import USDM_ACCOUNT, USDM_MARKETS, _btc_position_row
from tests.exchanges.test_other_venues import BITGET_POSITION_ROW

KEY = ("BTC/USDT:USDT", "long")


def _later_ms() -> int:
    """A record time safely after the connector starts (records older than its start are old
    news): a minute ahead, as a loaded machine may take seconds to open the connector, and
    Gate's times are whole seconds."""
    return int(time.time() * 1000) + 60_000


def _force_order(**fields: Any) -> dict[str, Any]:
    row = {
        "orderId": 6071832819,
        "symbol": "BTCUSDT",
        "status": "FILLED",
        "clientOrderId": "adl_autoclose",
        "price": "0.4100",
        "avgPrice": "0.4100",
        "origQty": "30",
        "executedQty": "30",
        "cumQuote": "12.3",
        "timeInForce": "IOC",
        "type": "LIMIT",
        "reduceOnly": False,
        "closePosition": False,
        "side": "SELL",
        "positionSide": "BOTH",
        "stopPrice": "0",
        "workingType": "CONTRACT_PRICE",
        "origType": "LIMIT",
        "time": _later_ms(),
        "updateTime": _later_ms(),
    }
    row.update(fields)
    return row


def _trade(**fields: Any) -> dict[str, Any]:
    row = {
        "buyer": False,
        "commission": "-0.07819010",
        "commissionAsset": "USDT",
        "id": 698759,
        "maker": False,
        "orderId": 25851813,
        "price": "0.4100",
        "qty": "30",
        "quoteQty": "12.3",
        "realizedPnl": "0.75",
        "side": "SELL",
        "positionSide": "BOTH",
        "symbol": "BTCUSDT",
        "time": _later_ms(),
    }
    row.update(fields)
    return row


async def _vanish(servers, open_connector, orders: list[Any], trades: list[Any]):  # type: ignore[no-untyped-def]
    server = await servers("binanceusdm")
    server.reply("GET", "/fapi/v3/positionRisk", [_btc_position_row()])
    server.reply("GET", "/fapi/v3/account", USDM_ACCOUNT)
    server.reply("GET", "/fapi/v1/adlQuantile", fixture("binanceusdm", "adlQuantile"))
    server.reply("GET", "/fapi/v1/forceOrders", orders)
    server.reply("GET", "/fapi/v1/userTrades", trades)
    connector = await open_connector(server, USDM_MARKETS)
    await connector.fetch()
    server.reply("GET", "/fapi/v3/positionRisk", [])
    return server, await connector.fetch()


async def test_binance_adl_order_is_the_evidence(servers, open_connector) -> None:
    server, reading = await _vanish(servers, open_connector, [_force_order()], [_trade()])
    assert reading.adl_hits == {KEY}
    assert reading.adl_evidence[KEY] == "Binance forceOrders (clientOrderId adl_autoclose)"
    assert reading.unconfirmed_closes == frozenset()
    assert (server.hits["/fapi/v1/forceOrders"], server.hits["/fapi/v1/userTrades"]) == (1, 0)


async def test_binance_own_trade_explains_the_close(servers, open_connector) -> None:
    server, reading = await _vanish(servers, open_connector, [], [_trade()])
    assert reading.adl_hits == frozenset() and reading.unconfirmed_closes == frozenset()
    assert server.hits["/fapi/v1/userTrades"] == 1


@pytest.mark.parametrize(
    ("orders", "trades"),
    [
        ([], []),
        ([_force_order(positionSide="SHORT", side="BUY")], []),  # ADL of the other side
        ([_force_order(time=1, updateTime=1)], []),  # an ADL close from before the app started
        ([], [_trade(realizedPnl="0")]),  # an opening trade closes nothing
    ],
    ids=["nothing", "other-side", "old", "opening-trade"],
)
async def test_binance_vanished_without_evidence_is_unconfirmed(
    servers, open_connector, orders: list[Any], trades: list[Any]
) -> None:
    _, reading = await _vanish(servers, open_connector, orders, trades)
    assert reading.unconfirmed_closes == {KEY}
    assert reading.adl_hits == frozenset()
    assert [p.contracts for p in reading.positions] == []  # the engine carries it, not us


@pytest.mark.parametrize(
    ("fill", "expected"),
    [
        ({"dir": "Auto-Deleveraging", "startPosition": "2.5"}, ("long", CloseCause.ADL)),
        ({"dir": "Auto-Deleveraging", "startPosition": "-0.4"}, ("short", CloseCause.ADL)),
        ({"dir": "Close Long", "startPosition": "0.0841"}, ("long", CloseCause.OWN)),
        ({"dir": "Liquidated Isolated Short"}, ("short", CloseCause.OWN)),
        ({"dir": "Long > Short"}, ("long", CloseCause.OWN)),
        ({"dir": "Open Long"}, None),
        ({"dir": "Auto-Deleveraging", "startPosition": "0"}, None),
    ],
)
def test_hyperliquid_fill_direction(fill: dict[str, str], expected: object) -> None:
    assert fill_closes(fill) == expected


async def _gate_vanish(servers, open_connector, records: list[Any]):  # type: ignore[no-untyped-def]
    server = await servers("gate")
    server.reply("GET", "/api/v4/futures/usdt/positions", fixture("gate", "positions"))
    server.reply("GET", "/api/v4/futures/usdt/accounts", {"currency": "USDT", "total": "500"})
    server.reply("GET", "/api/v4/futures/usdt/auto_deleverages", records)
    markets = by_symbol(market("BTC_USDT", "BTC/USDT:USDT", contract_size=0.0001))
    connector = await open_connector(server, markets)
    await connector.fetch()
    server.reply("GET", "/api/v4/futures/usdt/positions", [])
    return server, await connector.fetch()


def _gate_record(**fields: Any) -> dict[str, Any]:
    """Gate's FuturesAutoDeleverage: signed sizes; the short of 9,440 bought back to zero."""
    row = {
        "time": _later_ms() // 1000,
        "user": 10000,
        "order_id": 3410212,
        "contract": "BTC_USDT",
        "leverage": "0",
        "cross_leverage_limit": "10",
        "entry_price": "3779.55",
        "fill_price": "3700.1",
        "trade_size": "9440",
        "position_size": "0",
    }
    row.update(fields)
    return row


async def test_gate_auto_deleverages_record_is_the_evidence(servers, open_connector) -> None:
    server, reading = await _gate_vanish(servers, open_connector, [_gate_record()])
    key = ("BTC/USDT:USDT", "short")
    assert reading.adl_hits == {key}
    assert reading.adl_evidence == {key: "Gate auto_deleverages"}
    assert server.hits["/api/v4/futures/usdt/auto_deleverages"] == 1


async def test_gate_without_a_record_is_unconfirmed(servers, open_connector) -> None:
    other_side = _gate_record(trade_size="-5", position_size="0")  # a long's ADL, not ours
    _, reading = await _gate_vanish(servers, open_connector, [other_side])
    assert reading.unconfirmed_closes == {("BTC/USDT:USDT", "short")}
    assert reading.adl_hits == frozenset()


@pytest.mark.parametrize(
    "trade_side", ["dte_sys_adl_close_long", "dte_sys_adl_sell_in_single_side_mode"]
)
async def test_bitget_adl_fill_is_the_evidence(servers, open_connector, trade_side: str) -> None:
    server = await servers("bitget")
    ok = {"code": "00000", "msg": "success", "requestTime": 1753775486724}
    server.reply("GET", "/api/v2/mix/position/all-position", {**ok, "data": [BITGET_POSITION_ROW]})
    server.reply("GET", "/api/v2/mix/position/adlRank", fixture("bitget", "adlRank"))
    server.reply("GET", "/api/v2/mix/account/accounts", {**ok, "data": []})
    fill = {
        "tradeId": "1321238908901498881",
        "symbol": "MOVEUSDT",
        "orderId": "1321238908679938049",
        "price": "0.5",
        "baseVolume": "10",
        "side": "sell",
        "tradeSide": trade_side,
        "posMode": "hedge_mode",
        "profit": "1.2",
        "cTime": str(_later_ms()),
    }
    server.reply("GET", "/api/v2/mix/order/fills", {**ok, "data": {"fillList": [fill]}})
    connector = await open_connector(server, by_symbol(market("MOVEUSDT", "MOVE/USDT:USDT")))
    await connector.fetch()
    assert server.hits["/api/v2/mix/order/fills"] == 0
    server.reply("GET", "/api/v2/mix/position/all-position", {**ok, "data": []})
    reading = await connector.fetch()
    key = ("MOVE/USDT:USDT", "long")
    assert reading.adl_hits == {key}
    assert reading.adl_evidence == {key: f"Bitget fills (tradeSide {trade_side})"}


@pytest.mark.parametrize(
    ("close_type", "hit", "unconfirmed"),
    [("ADL_LONG", True, False), ("CLOSE_LONG", False, False), ("ADL_SHORT", False, True)],
)
async def test_kucoin_positions_history_type(
    servers, open_connector, close_type: str, hit: bool, unconfirmed: bool
) -> None:
    server = await servers("kucoinfutures")
    server.reply("GET", "/api/v1/positions", fixture("kucoinfutures", "positions"))
    overview = {"code": "200000", "data": {"currency": "USDT", "marginBalance": 100}}
    server.reply("GET", "/api/v1/account-overview", overview)
    closed = {
        "closeId": "500000000036305465",
        "userId": "633559791e1cbc0001f319bc",
        "symbol": "XBTUSDTM",
        "settleCurrency": "USDT",
        "leverage": "0.0",
        "type": close_type,
        "pnl": "3.79237944",
        "openTime": 1727073653603,
        "closeTime": _later_ms(),
        "openPrice": "63650.0",
        "closePrice": "67445.0",
        "marginMode": "ISOLATED",
    }
    history = {"code": "200000", "data": {"currentPage": 1, "items": [closed]}}
    server.reply("GET", "/api/v1/history-positions", history)
    mode = {"code": "200000", "data": {"selfAccountMode": "CLASSIC"}}
    server.reply("GET", "/api/ua/v1/account/mode", mode)  # ccxt asks once
    markets = by_symbol(market("XBTUSDTM", "BTC/USDT:USDT", contract_size=0.001))
    connector = await open_connector(server, markets)
    await connector.fetch()
    server.reply("GET", "/api/v1/positions", {"code": "200000", "data": []})
    reading = await connector.fetch()
    key = ("BTC/USDT:USDT", "long")
    assert (key in reading.adl_hits, key in reading.unconfirmed_closes) == (hit, unconfirmed)
    if hit:
        assert reading.adl_evidence[key] == "KuCoin positions history (type ADL_LONG)"
    assert server.hits["/api/v1/history-positions"] == 1
