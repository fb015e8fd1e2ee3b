"""Binance USDⓈ-M and COIN-M: recorded doc replies through the real ccxt client."""

from __future__ import annotations

import copy

from adl_monitor.core.model.position import MarginMode, Side
from adl_monitor.core.security.key_verdict import KeyVerdict
from adl_monitor.exchanges.binance import key_check_from_restrictions
from tests.exchanges.fixture_server import fixture
from tests.exchanges.markets import by_symbol, market

USDM_MARKETS = by_symbol(
    market("BTCUSDT", "BTC/USDT:USDT"),
    market("ADAUSDT", "ADA/USDT:USDT"),
)
COINM_MARKETS = by_symbol(
    market("BTCUSD_200925", "BTC/USD:BTC-200925", kind="future", inverse=True, contract_size=100),
    market("BTCUSD_201225", "BTC/USD:BTC-201225", kind="future", inverse=True, contract_size=100),
)

USDM_ACCOUNT = {
    "totalWalletBalance": "1000",
    "totalMaintMargin": "0.08",
    "assets": [
        {
            "asset": "USDT",
            "walletBalance": "1000",
            "marginBalance": "1000.764277",
            "maintMargin": "0.0800428",
            "initialMargin": "0.61571385",
        },
        {"asset": "BNB", "walletBalance": "0", "marginBalance": "0", "maintMargin": "0"},
    ],
}


def _btc_position_row() -> dict[str, object]:
    """The positionRisk doc example moved onto BTCUSDT, the symbol adlQuantile's example names."""
    row = copy.deepcopy(fixture("binanceusdm", "positionRisk-v3")[0])
    row["symbol"] = "BTCUSDT"
    return row


async def test_usdm_position_tier_and_account_figures(servers, open_connector) -> None:
    server = await servers("binanceusdm")
    server.reply("GET", "/fapi/v3/positionRisk", [_btc_position_row()])
    server.reply("GET", "/fapi/v3/account", USDM_ACCOUNT)
    server.reply("GET", "/fapi/v1/adlQuantile", fixture("binanceusdm", "adlQuantile"))
    connector = await open_connector(server, USDM_MARKETS)

    reading = await connector.fetch()

    (position,) = reading.positions
    assert (position.symbol, position.side) == ("BTC/USDT:USDT", Side.LONG)
    assert position.contracts == 30
    assert position.entry_price == 0.385
    assert position.mark_price == 0.4104759
    assert position.unrealized_pnl == 0.764277
    assert position.margin_mode is MarginMode.CROSS
    assert position.maintenance_margin == 0.0800428
    assert position.notional == 30 * 0.4104759
    adl = reading.adl[("BTC/USDT:USDT", "long")]
    assert adl.raw == {"LONG": 0, "SHORT": 0, "BOTH": 1}
    assert adl.tier == 2  # quantile 1 of 0–4 → tier 2
    usdt = reading.figures["USDT"]
    assert (usdt.wallet_balance, usdt.equity, usdt.maintenance_margin) == (
        1000.0,
        1000.764277,
        0.0800428,
    )
    assert "BNB" not in reading.figures  # empty assets are not an account's figures
    assert server.hits["/fapi/v1/leverageBracket"] == 0  # maintMargin comes with the position


async def test_usdm_adl_quantile_is_read_with_every_refresh(servers, open_connector) -> None:
    """Binance recomputes it every 30 s; read every refresh, the read that sees it change says
    when it did (core/estimate/recompute_clock.py), and each reading carries its own time."""
    server = await servers("binanceusdm")
    server.reply("GET", "/fapi/v3/positionRisk", [_btc_position_row()])
    server.reply("GET", "/fapi/v3/account", USDM_ACCOUNT)
    server.reply("GET", "/fapi/v1/adlQuantile", fixture("binanceusdm", "adlQuantile"))
    connector = await open_connector(server, USDM_MARKETS)

    first = await connector.fetch()
    second = await connector.fetch()

    assert server.hits["/fapi/v3/positionRisk"] == 2
    assert server.hits["/fapi/v1/adlQuantile"] == 2
    key = ("BTC/USDT:USDT", "long")
    assert first.adl[key].updated_at == first.fetched_at
    assert second.adl[key].updated_at == second.fetched_at > first.fetched_at


async def test_usdm_position_without_quantile_has_no_reading(servers, open_connector) -> None:
    """ADAUSDT is not in the adlQuantile example: no reading rather than a made-up one."""
    server = await servers("binanceusdm")
    server.reply("GET", "/fapi/v3/positionRisk", fixture("binanceusdm", "positionRisk-v3"))
    server.reply("GET", "/fapi/v3/account", USDM_ACCOUNT)
    server.reply("GET", "/fapi/v1/adlQuantile", fixture("binanceusdm", "adlQuantile"))
    connector = await open_connector(server, USDM_MARKETS)

    reading = await connector.fetch()

    assert [p.symbol for p in reading.positions] == ["ADA/USDT:USDT"]
    assert reading.adl == {}


async def test_coinm_hedge_mode_reads_each_side(servers, open_connector) -> None:
    def row(symbol: str, side: str, amount: str) -> dict[str, str]:
        return {
            "symbol": symbol,
            "positionAmt": amount,
            "entryPrice": "10000",
            "markPrice": "11000",
            "unRealizedProfit": "0.01",
            "liquidationPrice": "0",
            "leverage": "20",
            "marginType": "cross",
            "isolatedMargin": "0",
            "positionSide": side,
            "notionalValue": ("-" if amount.startswith("-") else "") + "0.1",
            "updateTime": "1720736417660",
        }

    server = await servers("binancecoinm")
    server.reply(
        "GET",
        "/dapi/v1/positionRisk",
        [
            row("BTCUSD_200925", "LONG", "2"),
            row("BTCUSD_200925", "SHORT", "-1"),
            row("BTCUSD_201225", "LONG", "3"),
            row("BTCUSD_201225", "SHORT", "-3"),
        ],
    )
    server.reply("GET", "/dapi/v1/account", {"assets": []})
    server.reply("GET", "/dapi/v1/adlQuantile", fixture("binancecoinm", "adlQuantile"))
    connector = await open_connector(server, COINM_MARKETS)

    reading = await connector.fetch()

    tiers = {key: adl.tier for key, adl in reading.adl.items()}
    assert tiers == {
        # Cross hedge mode (HEDGE flag): one shared value for both sides, quantile 3 → tier 4.
        ("BTC/USD:BTC-200925", "long"): 4,
        ("BTC/USD:BTC-200925", "short"): 4,
        # Isolated hedge mode: each side its own value.
        ("BTC/USD:BTC-201225", "long"): 2,
        ("BTC/USD:BTC-201225", "short"): 3,
    }
    position = next(p for p in reading.positions if p.symbol == "BTC/USD:BTC-200925")
    assert position.inverse and position.settle == "BTC"
    assert position.notional == 2 * 100 / 11000  # coins at mark


async def test_api_restrictions_doc_example_is_not_read_only(servers, open_connector) -> None:
    server = await servers("binanceusdm")
    server.reply(
        "GET", "/sapi/v1/account/apiRestrictions", fixture("binanceusdm", "apiRestrictions")
    )
    connector = await open_connector(server, USDM_MARKETS)

    check = await connector.check_key()

    assert check.verdict is KeyVerdict.CAN_TRADE
    assert set(check.permissions) == {
        "enableInternalTransfer",
        "permitsUniversalTransfer",
        "enablePortfolioMarginTrading",
    }


def test_api_restrictions_verdicts() -> None:
    example = fixture("binanceusdm", "apiRestrictions")
    read_only = {
        name: (value if not isinstance(value, bool) or name.startswith("enableRead") else False)
        for name, value in example.items()
    }
    read_only["enableFixReadOnly"] = True
    assert key_check_from_restrictions(read_only).verdict is KeyVerdict.READ_ONLY
    withdrawing = {**read_only, "enableWithdrawals": True}
    check = key_check_from_restrictions(withdrawing)
    assert check.verdict is KeyVerdict.CAN_WITHDRAW
    assert "enableWithdrawals" in check.permissions
    futures = {**read_only, "enableFutures": True}
    assert key_check_from_restrictions(futures).verdict is KeyVerdict.CAN_TRADE
