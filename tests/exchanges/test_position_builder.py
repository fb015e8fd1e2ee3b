"""Building core Positions from ccxt's unified position, filling what a venue leaves empty."""

from __future__ import annotations

import pytest

from adl_monitor.core.model.position import MarginMode, Side
from adl_monitor.exchanges.position_builder import build_position
from tests.exchanges.markets import market

LINEAR = market("BTCUSDT", "BTC/USDT:USDT", contract_size=0.001)
INVERSE = market("BTCUSD", "BTC/USD:BTC", inverse=True, contract_size=100)


def test_linear_notional_at_mark_and_isolated_margin() -> None:
    position = build_position(
        "main",
        "bybit",
        {
            "symbol": "BTC/USDT:USDT",
            "side": "short",
            "contracts": 2000,
            "entryPrice": 100_000,
            "markPrice": 90_000,
            "marginMode": "isolated",
            "positionMargin": 25.5,
            "collateral": 20_025.5,  # ccxt: margin + uPnL — not the margin
            "unrealizedPnl": None,
        },
        LINEAR,
    )
    assert position is not None
    assert position.side is Side.SHORT and position.margin_mode is MarginMode.ISOLATED
    assert position.notional == pytest.approx(2 * 90_000)
    assert position.unrealized_pnl == pytest.approx(2 * 10_000)  # derived: the short gained
    assert position.margin == 25.5
    assert position.settle == "USDT" and not position.inverse


def test_inverse_position_in_coins() -> None:
    position = build_position(
        "main",
        "bybit",
        {
            "symbol": "BTC/USD:BTC",
            "side": "long",
            "contracts": 300,
            "entryPrice": 50_000,
            "markPrice": 60_000,
        },
        INVERSE,
    )
    assert position is not None and position.inverse and position.settle == "BTC"
    assert position.notional == pytest.approx(300 * 100 / 60_000)
    assert position.unrealized_pnl == pytest.approx(30_000 * (1 / 50_000 - 1 / 60_000))


def test_mark_from_notional_when_the_venue_sends_none() -> None:
    position = build_position(
        "main",
        "okx",
        {
            "symbol": "BTC/USDT:USDT",
            "side": "long",
            "contracts": 1000,
            "notional": "95000",
            "entryPrice": 90_000,
        },
        LINEAR,
    )
    assert position is not None and position.mark_price == pytest.approx(95_000)


@pytest.mark.parametrize(
    "unified",
    [
        {"symbol": "BTC/USDT:USDT", "side": "long", "contracts": 0},
        {"symbol": "BTC/USDT:USDT", "side": None, "contracts": None},
        {"symbol": None, "side": "long", "contracts": 1},
    ],
)
def test_closed_or_unreadable_entries_are_skipped(unified: dict[str, object]) -> None:
    assert build_position("main", "okx", unified, LINEAR) is None


def test_the_market_s_amount_step_and_minimum_come_along() -> None:
    okx_btc = market("BTC-USDT-SWAP", "BTC/USDT:USDT", contract_size=0.01)
    okx_btc["precision"]["amount"] = 0.01
    okx_btc["limits"]["amount"]["min"] = 0.01
    unified = {"symbol": "BTC/USDT:USDT", "side": "long", "contracts": 3, "markPrice": 1}
    position = build_position("main", "okx", unified, okx_btc)
    assert position is not None
    assert (position.contract_step, position.min_contracts) == (0.01, 0.01)
    bare = build_position("main", "okx", unified, {})
    assert bare is not None and (bare.contract_step, bare.min_contracts) == (None, None)
