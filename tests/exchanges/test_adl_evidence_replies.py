"""How a vanished position is judged from the venue's own history replies (issue 8, item 5):
ADL evidence, a fill of the user's own, or neither — through the real ccxt client on a fixture
server. The replies follow the venues' documented shapes (docs/adl-evidence.md)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from adl_monitor.core.account_reading import CloseCause
from adl_monitor.exchanges.hyperliquid import fill_closes
from tests.exchanges.fixture_server import fixture
from tests.exchanges.test_binance import USDM_ACCOUNT, USDM_MARKETS, _btc_position_row

KEY = ("BTC/USDT:USDT", "long")


def _later_ms() -> int:
    return int(time.time() * 1000) + 1_000


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
