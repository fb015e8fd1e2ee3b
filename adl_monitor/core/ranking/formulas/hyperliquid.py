"""Hyperliquid's ranking (its docs): (mark price ÷ entry price) × (notional ÷ account value),
among the users on the profitable side only.

For a short the price ratio is entry ÷ mark — inferred: the docs write mark ÷ entry, which
grows with a long's profit and would shrink with a short's, contradicting "more profitable
first". Losing positions are not in Hyperliquid's queue at all; they score their PnL % (≤ 0)
so they sort behind every profitable one (whose score is > 0) and among themselves by loss.
"""

from __future__ import annotations

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.position import MarginMode, Position, Side
from adl_monitor.core.ranking.formulas.inputs import (
    notional_at_mark,
    pnl_fraction,
    positive_or_none,
    unrealized_pnl,
)

NAME = "hyperliquid"


def hyperliquid_ranking(price_ratio: float, notional: float, account_value: float) -> float:
    """(mark ÷ entry, or entry ÷ mark for a short) × notional ÷ account value."""
    return price_ratio * notional / account_value


def _account_value(position: Position, figures: AccountFigures | None) -> tuple[str, float] | None:
    if figures is not None:
        for name, value in (
            ("account_value", figures.equity),
            ("wallet_balance", figures.wallet_balance),
        ):
            usable = positive_or_none(value)
            if usable is not None:
                return name, usable
    margin = positive_or_none(position.margin)
    if position.margin_mode is MarginMode.ISOLATED and margin is not None:
        equity = positive_or_none(margin + unrealized_pnl(position))
        if equity is not None:
            return "isolated_margin_as_account_value", equity
    return None


def score_hyperliquid(position: Position, figures: AccountFigures | None) -> Score:
    pnl = pnl_fraction(position)
    if pnl <= 0:
        return Score(value=pnl, formula=NAME, profitable=False, inputs={"pnl_pct": pnl})
    entry = positive_or_none(position.entry_price)
    mark = positive_or_none(position.mark_price)
    if entry is None or mark is None:
        price_name, price_ratio = "price_ratio_from_pnl", 1.0 + pnl
    elif position.side is Side.LONG:
        price_name, price_ratio = "mark_over_entry", mark / entry
    else:
        price_name, price_ratio = "entry_over_mark", entry / mark
    notional = notional_at_mark(position)
    account = _account_value(position, figures)
    inputs = {"pnl_pct": pnl, price_name: price_ratio}
    if account is None:
        # notional ÷ account value is the account's leverage: the nominal one stands in.
        leverage = positive_or_none(position.leverage) or 1.0
        inputs["nominal_leverage"] = leverage
        value = price_ratio * leverage
    else:
        account_name, account_value = account
        inputs["notional"] = notional
        inputs[account_name] = account_value
        value = hyperliquid_ranking(price_ratio, notional, account_value)
    return Score(value=value, formula=NAME, profitable=True, inputs=inputs)
