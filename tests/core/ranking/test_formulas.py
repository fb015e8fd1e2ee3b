"""Venue ranking formulas: worked numbers from the venues' own documents and fixtures."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.account_spec import SUPPORTED_EXCHANGES
from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.position import MarginMode, Position, Side
from adl_monitor.core.ranking.formulas import (
    bitmex_effective_leverage,
    bitmex_pnl_fraction,
    bitmex_ranking,
    describe,
    effective_leverage,
    formula_name,
    pnl_fraction,
    rank_key,
    score_position,
)
from adl_monitor.core.ranking.queue import queue_tiers
from tests.core.positions import make_position
from tests.core.venue_fixtures import load

VENUES = SUPPORTED_EXCHANGES


# ---- PnL % (KuCoin's worked return-rate numbers) -------------------------------------------------


def test_kucoin_long_return_rate_is_10_percent() -> None:
    position = make_position(Side.LONG, entry=200, mark=220, contracts=5, contract_size=0.1)
    assert round(pnl_fraction(position) * 100, 2) == 10.00


def test_kucoin_short_return_rate_is_9_09_percent() -> None:
    position = make_position(Side.SHORT, entry=220, mark=200, contracts=5, contract_size=0.1)
    assert round(pnl_fraction(position) * 100, 2) == 9.09


def test_kucoin_inverse_long_return_rate_is_3_23_percent() -> None:
    position = make_position(Side.LONG, entry=60_000, mark=62_000, contracts=10, inverse=True)
    assert round(pnl_fraction(position) * 100, 2) == 3.23
    assert position.entry_notional == pytest.approx(10 / 60_000)


def test_pnl_fraction_falls_back_to_reported_pnl_without_prices() -> None:
    position = dataclasses.replace(
        make_position(entry=100, mark=110, contracts=2), mark_price=0.0, unrealized_pnl=-30.0
    )
    assert pnl_fraction(position) == pytest.approx(-30.0 / 200.0)


def test_pnl_fraction_of_a_position_without_any_figure_is_zero() -> None:
    empty = dataclasses.replace(make_position(), entry_price=0.0, mark_price=math.nan)
    assert pnl_fraction(dataclasses.replace(empty, unrealized_pnl=math.nan)) == 0.0


# ---- effective leverage --------------------------------------------------------------------------


def test_isolated_effective_leverage_is_notional_over_margin_plus_pnl() -> None:
    # 10 contracts from 100 to 110: notional 1 100, margin 100 + uPnL 100
    position = make_position(entry=100, mark=110, contracts=10, margin=100.0, leverage=10)
    assert effective_leverage(position, None) == pytest.approx(1100 / 200)


def test_cross_effective_leverage_uses_the_account_cross_balance() -> None:
    position = make_position(
        entry=100, mark=110, contracts=10, margin=100.0, margin_mode=MarginMode.CROSS
    )
    figures = AccountFigures("USDT", wallet_balance=400.0, equity=550.0)
    assert effective_leverage(position, figures) == pytest.approx(1100 / 550)
    assert effective_leverage(position, None) is None


def test_effective_leverage_is_unknown_past_bankruptcy() -> None:
    position = make_position(entry=100, mark=80, contracts=10, margin=150.0)
    assert effective_leverage(position, None) is None


# ---- the classic formula -------------------------------------------------------------------------


@pytest.mark.parametrize("exchange", ["okx", "kucoinfutures", "bybit", "gate", "phemex", "x"])
def test_classic_profit_times_effective_leverage(exchange: str) -> None:
    position = make_position(entry=100, mark=110, contracts=10, margin=100.0)
    score = score_position(exchange, position, None)
    assert score.formula == "classic"
    assert score.profitable
    assert score.value == pytest.approx(0.10 * (1100 / 200))
    assert score.inputs == {"pnl_pct": pytest.approx(0.10), "effective_leverage": 5.5}


def test_classic_loss_divided_by_effective_leverage() -> None:
    position = make_position(Side.SHORT, entry=100, mark=105, contracts=10, margin=100.0)
    score = score_position("okx", position, None)
    assert not score.profitable
    assert score.value == pytest.approx(-0.05 / (1050 / 50))


def test_classic_records_nominal_leverage_when_margin_is_unknown() -> None:
    position = make_position(entry=100, mark=110, leverage=20.0)
    score = score_position("okx", position, None)
    assert score.inputs == {"pnl_pct": pytest.approx(0.10), "nominal_leverage": 20.0}
    assert score.value == pytest.approx(2.0)
    assert "nominal" in describe(score)


def test_classic_assumes_1x_when_no_leverage_is_known_and_says_so() -> None:
    score = score_position("okx", make_position(entry=100, mark=110), None)
    assert score.inputs["assumed_leverage"] == 1.0
    assert score.value == pytest.approx(0.10)
    assert "assumed" in describe(score)


# ---- BitMEX's own definitions, checked against BitMEX's position fixture -------------------------


def test_bitmex_definitions_match_bitmex_own_figures() -> None:
    item = load("bitmex", "position-item.json")
    quantity = item["currentQty"]
    # value units per contract per price unit, from BitMEX's own cost: 39 260 000 / (2 000 × 1 963)
    multiplier = item["posCost"] / (quantity * item["avgEntryPrice"])
    mark_value = item["markValue"]
    entry_value = item["posCost"]
    bankrupt_value = quantity * item["bankruptPrice"] * multiplier

    pnl = bitmex_pnl_fraction(mark_value, entry_value)
    leverage = bitmex_effective_leverage(mark_value, bankrupt_value)
    assert round(pnl, 4) == item["unrealisedPnlPcnt"]
    assert round(leverage) == item["leverage"]
    # For a profitable position the ranking is BitMEX's "unrealised ROE %".
    assert (
        round(bitmex_ranking(mark_value, entry_value, bankrupt_value), 4)
        == (item["unrealisedRoePcnt"])
    )


def test_bitmex_short_with_negative_values_ranks_by_its_loss() -> None:
    # short 10 at 100, mark 110, bankrupt 120: values negative for a short
    pnl = bitmex_pnl_fraction(-1100.0, -1000.0)
    leverage = bitmex_effective_leverage(-1100.0, -1200.0)
    assert pnl == pytest.approx(-0.1)
    assert leverage == pytest.approx(11.0)
    assert bitmex_ranking(-1100.0, -1000.0, -1200.0) == pytest.approx(-0.1 / 11.0)


# ---- Binance -------------------------------------------------------------------------------------


def test_binance_cross_uses_the_account_pnl_and_margin_ratio() -> None:
    """Binance ranks accounts: a cross position's PnL % is the account's uPnL (margin balance
    650 − wallet 500 = 150, the position's own 100 and another position's 50)."""
    position = make_position(
        entry=100, mark=110, contracts=10, margin_mode=MarginMode.CROSS, exchange="binanceusdm"
    )
    figures = AccountFigures("USDT", wallet_balance=500.0, equity=650.0, maintenance_margin=26.0)
    score = score_position("binanceusdm", position, figures)
    assert score.formula == "binance"
    assert score.profitable
    assert score.value == pytest.approx((150 / 500) * (26 / 650))
    assert score.inputs["pnl_pct"] == pytest.approx(0.3)
    assert score.inputs["margin_ratio"] == pytest.approx(0.04)


def test_binance_ranks_a_loser_in_a_winning_cross_account_by_its_account() -> None:
    """A BTC long losing 100 in a cross account that is 400 up overall ranks with the
    account's profit: ahead of an isolated BTC long that is barely up, and in the front
    tier of a queue of small winners and losers."""
    loser = make_position(
        entry=100, mark=90, contracts=10, margin_mode=MarginMode.CROSS, exchange="binanceusdm"
    )
    winning_account = AccountFigures(
        "USDT", wallet_balance=1000.0, equity=1400.0, maintenance_margin=40.0
    )
    score = score_position("binanceusdm", loser, winning_account)
    assert score.profitable
    assert score.value == pytest.approx((400 / 1000) * (40 / 1400))
    others = [
        score_position(
            "binanceusdm",
            make_position(entry=100, mark=mark, contracts=1, margin=50.0, maintenance_margin=0.5),
            None,
        )
        for mark in (99.0, 99.5, 100.2, 100.5, 101.0, 95.0, 97.0, 100.1, 100.3)
    ]
    assert all(score.value > other.value for other in others)
    assert queue_tiers([score, *others])[0] == 5
    alone = score_position(
        "binanceusdm", loser, AccountFigures("USDT", 1000.0, 900.0, maintenance_margin=40.0)
    )
    assert not alone.profitable and alone.value == 0


def test_binance_isolated_uses_the_position_wallet_and_maintenance() -> None:
    position = make_position(
        entry=100, mark=110, contracts=10, margin=100.0, maintenance_margin=5.5
    )
    score = score_position("binancecoinm", position, None)
    assert score.value == pytest.approx((100 / 100) * (5.5 / 200))


def test_binance_wallet_below_one_counts_as_one() -> None:
    position = make_position(entry=100, mark=101, contracts=1, margin=0.5, maintenance_margin=0.1)
    score = score_position("binanceusdm", position, None)
    assert score.value == pytest.approx((1 / 1) * (0.1 / 1.5))


def test_binance_losing_positions_score_zero_and_rank_behind() -> None:
    loser = make_position(entry=100, mark=90, contracts=10, margin=500.0, maintenance_margin=5.0)
    winner = make_position(entry=100, mark=100.01, contracts=10, margin=500.0)
    lost = score_position("binanceusdm", loser, None)
    won = score_position("binanceusdm", winner, None)
    assert lost.value == 0.0
    assert not lost.profitable
    assert rank_key(lost) < rank_key(won)


def test_binance_margin_ratio_is_zero_when_the_balance_is_gone() -> None:
    position = make_position(
        entry=100, mark=110, contracts=10, margin_mode=MarginMode.CROSS, exchange="binanceusdm"
    )
    figures = AccountFigures("USDT", wallet_balance=500.0, equity=-1.0, maintenance_margin=26.0)
    assert score_position("binanceusdm", position, figures).value == 0.0


# ---- HTX (checked against HTX's own position fixture) --------------------------------------------


def _htx_fixture_position() -> tuple[Position, dict[str, str]]:
    (item,) = load("htx", "positionOpens.json")["data"]
    entry, mark = float(item["open_avg_price"]), float(item["mark_price"])
    position = Position(
        account="test",
        exchange="htx",
        symbol="BTC/USDT:USDT",
        side=Side.LONG,
        contracts=float(item["volume"]),
        contract_size=0.001,
        entry_price=entry,
        mark_price=mark,
        notional=float(item["volume"]) * 0.001 * mark,
        unrealized_pnl=float(item["profit_unreal"]),
        margin_mode=MarginMode.CROSS,
        leverage=float(item["lever_rate"]),
        margin=float(item["margin"]),
        maintenance_margin=float(item["maintenance_margin"]),
    )
    return position, item


def test_htx_pnl_ratio_is_htx_profit_rate_and_cross_uses_account_margin_ratio() -> None:
    position, item = _htx_fixture_position()
    account_ratio = float(item["margin_rate"])
    figures = AccountFigures("USDT", equity=1000.0, maintenance_margin=1000.0 * account_ratio)
    score = score_position("htx", position, figures)
    assert score.formula == "htx"
    assert round(score.inputs["pnl_ratio"], 4) == float(item["profit_rate"])
    assert score.inputs["account_margin_ratio"] == pytest.approx(account_ratio)
    assert score.value == pytest.approx(score.inputs["pnl_ratio"] * account_ratio)


def test_htx_isolated_gaining_divides_by_the_position_margin_ratio() -> None:
    position = make_position(
        entry=100, mark=110, contracts=10, margin=100.0, maintenance_margin=10.0
    )
    score = score_position("htx", position, None)
    ratio = 10.0 / 200.0
    assert score.inputs == {
        "pnl_ratio": pytest.approx(1.0),
        "position_margin_ratio": pytest.approx(ratio),
    }
    assert score.value == pytest.approx(1.0 / ratio)


def test_htx_without_a_margin_ratio_falls_back_to_classic_and_says_so() -> None:
    score = score_position("htx", make_position(entry=100, mark=110, leverage=5.0), None)
    assert score.formula == "classic"


# ---- Bitget --------------------------------------------------------------------------------------


def test_bitget_profit_times_and_loss_divided_by_maintenance_rate() -> None:
    figures = AccountFigures("USDT", equity=1000.0, maintenance_margin=20.0)
    gaining = score_position("bitget", make_position(entry=100, mark=120), figures)
    losing = score_position("bitget", make_position(entry=100, mark=90), figures)
    assert gaining.formula == losing.formula == "bitget"
    assert gaining.value == pytest.approx(0.2 * 0.02)
    assert losing.value == pytest.approx(-0.1 / 0.02)


# ---- Hyperliquid ---------------------------------------------------------------------------------


def test_hyperliquid_long_is_mark_over_entry_times_account_leverage() -> None:
    figures = AccountFigures("USDC", equity=400.0)
    position = make_position(entry=100, mark=125, contracts=8, margin_mode=MarginMode.CROSS)
    score = score_position("hyperliquid", position, figures)
    assert score.value == pytest.approx((125 / 100) * (1000 / 400))
    assert describe(score) == "mark/entry 1.250 × notional/account value 2.5× = 3.12 (hyperliquid)"


def test_hyperliquid_short_uses_entry_over_mark() -> None:
    figures = AccountFigures("USDC", equity=400.0)
    position = make_position(Side.SHORT, entry=100, mark=80, contracts=8)
    score = score_position("hyperliquid", position, figures)
    assert score.value == pytest.approx((100 / 80) * (640 / 400))


def test_hyperliquid_losing_positions_are_outside_the_queue() -> None:
    figures = AccountFigures("USDC", equity=400.0)
    score = score_position("hyperliquid", make_position(entry=100, mark=95), figures)
    assert not score.profitable
    assert score.value < 0


# ---- names, words, order -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exchange", "name"),
    [
        ("binanceusdm", "binance"),
        ("binancecoinm", "binance"),
        ("htx", "htx"),
        ("bitget", "bitget"),
        ("hyperliquid", "hyperliquid"),
        ("okx", "classic"),
        ("kucoinfutures", "classic"),
        ("bybit", "classic"),
        ("gate", "classic"),
        ("phemex", "classic"),
        ("somewhere-new", "classic"),
    ],
)
def test_formula_name(exchange: str, name: str) -> None:
    assert formula_name(exchange) == name


def test_describe_classic_in_plain_words() -> None:
    score = Score(0.996, "classic", True, {"pnl_pct": 0.12, "effective_leverage": 8.3})
    assert describe(score) == "PnL 12.0 % × effective leverage 8.3× = 0.996 (classic)"
    losing = Score(-0.006, "classic", False, {"pnl_pct": -0.05, "effective_leverage": 8.3})
    assert describe(losing) == "PnL -5.0 % ÷ effective leverage 8.3× = -0.006 (classic)"


@pytest.mark.parametrize("exchange", VENUES)
def test_describe_every_venue_names_formula_and_value(exchange: str) -> None:
    figures = AccountFigures("USDT", wallet_balance=900, equity=1000, maintenance_margin=10)
    position = make_position(entry=100, mark=110, contracts=10, margin=100.0, leverage=10)
    score = score_position(exchange, position, figures)
    text = describe(score)
    assert text.endswith(f"= {score.value:.3g} ({score.formula})")
    assert "%" in text or "×" in text


def test_rank_key_puts_every_profitable_score_ahead() -> None:
    scores = [
        Score(0.0, "binance", False),
        Score(0.5, "hyperliquid", False),  # a value that alone would rank it ahead
        Score(0.01, "classic", True),
        Score(math.nan, "classic", True),
        Score(3.0, "classic", True),
    ]
    front_first = sorted(scores, key=rank_key, reverse=True)
    assert [s.value for s in front_first[:2]] == [3.0, 0.01]
    assert all(s.profitable for s in front_first[:3])
    assert not any(s.profitable for s in front_first[3:])


@pytest.mark.parametrize("exchange", VENUES)
@pytest.mark.parametrize(
    "broken",
    [
        {"entry_price": 0.0, "mark_price": 0.0, "notional": 0.0, "unrealized_pnl": 0.0},
        {"mark_price": math.nan, "unrealized_pnl": math.nan, "notional": math.inf},
        {"contracts": 0.0, "notional": 0.0},
        {"margin": -5.0, "leverage": 0.0, "maintenance_margin": math.nan},
    ],
)
def test_degenerate_positions_score_without_raising(exchange: str, broken: dict[str, Any]) -> None:
    position = dataclasses.replace(
        make_position(entry=100, mark=110, contracts=1, margin=10.0), **broken
    )
    figures = AccountFigures("USDT", wallet_balance=0.0, equity=0.0, maintenance_margin=0.0)
    for account in (None, figures):
        score = score_position(exchange, position, account)
        assert isinstance(score.value, float | int)
        assert describe(score)
