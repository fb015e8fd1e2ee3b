"""Binance's account-level ranking (its FAQ, quoted on Binance's developer forum).

    PnL %        = max(0, uPnL) ÷ max(1, wallet balance)
    margin ratio = maintenance margin ÷ (wallet balance + uPnL)   (0 when that is ≤ 0)
    score        = PnL % × margin ratio

Which uPnL: the position's own for PnL %. Binance publishes its quantile per symbol and side
(isolated hedge-mode longs and shorts get different values), and in cross hedge mode "a same
value calculated on unrealized pnls on long and short sides" — per symbol, not per account —
so the account's total uPnL cannot be the numerator. The margin ratio is the account's (or the
isolated position's) own risk: in cross margin maintenance margin ÷ margin balance of the
account, i.e. `figures.equity` = wallet + every position's uPnL; in isolated margin the
position's maintenance margin ÷ (isolated wallet + its uPnL).

Every losing position scores 0, like at Binance: behind every profitable one.
"""

from __future__ import annotations

from adl_monitor.core.account import AccountFigures
from adl_monitor.core.estimate import Score
from adl_monitor.core.formulas.inputs import positive_or_none, unrealized_pnl
from adl_monitor.core.position import MarginMode, Position

NAME = "binance"


def binance_ranking(
    upnl: float,
    wallet_balance: float,
    maintenance_margin: float,
    margin_balance: float | None = None,
) -> float:
    """Score from the raw figures; `margin_balance` defaults to wallet balance + uPnL."""
    pnl_pct = max(0.0, upnl) / max(1.0, wallet_balance)
    if pnl_pct == 0:
        return 0.0  # no profit, no rank — whatever the margin ratio (even an infinite one)
    balance = wallet_balance + upnl if margin_balance is None else margin_balance
    # PnL % × (maintenance ÷ balance), multiplied first: a tiny balance must not overflow.
    return pnl_pct * maintenance_margin / balance if balance > 0 else 0.0


def _wallet(position: Position, figures: AccountFigures | None) -> tuple[str, float]:
    isolated = position.margin_mode is MarginMode.ISOLATED
    margin = positive_or_none(position.margin)
    account = positive_or_none(figures.wallet_balance) if figures is not None else None
    if isolated and margin is not None:
        return "isolated_wallet", margin
    if account is not None:
        return "wallet_balance", account
    if margin is not None:
        return "position_margin_as_wallet", margin
    return "wallet_unknown", 0.0


def _maintenance(position: Position, figures: AccountFigures | None) -> tuple[str, float]:
    own = positive_or_none(position.maintenance_margin)
    account = positive_or_none(figures.maintenance_margin) if figures is not None else None
    if position.margin_mode is MarginMode.ISOLATED:
        ordered = (("position_maintenance_margin", own), ("account_maintenance_margin", account))
    else:
        ordered = (("account_maintenance_margin", account), ("position_maintenance_margin", own))
    for name, value in ordered:
        if value is not None:
            return name, value
    return "maintenance_margin_unknown", 0.0


def score_binance(position: Position, figures: AccountFigures | None) -> Score:
    upnl = unrealized_pnl(position)
    wallet_name, wallet = _wallet(position, figures)
    maintenance_name, maintenance = _maintenance(position, figures)
    margin_balance = wallet + upnl
    balance_name = "margin_balance"
    if position.margin_mode is MarginMode.CROSS and figures is not None:
        equity = figures.equity
        if equity is not None and wallet_name == "wallet_balance":
            margin_balance, balance_name = equity, "account_equity"
    value = binance_ranking(upnl, wallet, maintenance, margin_balance)
    pnl_pct = max(0.0, upnl) / max(1.0, wallet)
    margin_ratio = maintenance / margin_balance if margin_balance > 0 else 0.0
    return Score(
        value=value,
        formula=NAME,
        profitable=upnl > 0,
        inputs={
            "pnl_pct": pnl_pct,
            "margin_ratio": margin_ratio,
            "unrealized_pnl": upnl,
            wallet_name: wallet,
            maintenance_name: maintenance,
            balance_name: margin_balance,
        },
    )
