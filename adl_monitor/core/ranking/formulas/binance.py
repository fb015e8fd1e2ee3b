"""Binance's account-level ranking (its FAQ, quoted on Binance's developer forum).

    PnL %        = max(0, uPnL) ÷ max(1, wallet balance)
    margin ratio = maintenance margin ÷ (wallet balance + uPnL)   (0 when that is ≤ 0)
    score        = PnL % × margin ratio

Binance ranks **accounts** (docs/venues.md): in cross margin the uPnL is the account's — every
cross position of the account shares one score, and a losing position in a winning cross
account ranks by the account's profit, ahead of a flat isolated one (its hedge-mode "same value
calculated on unrealized pnls on long and short sides" is this shared value). The account's
uPnL is its margin balance minus its wallet balance (`figures.equity − figures.wallet_balance`);
the margin ratio is the account's maintenance margin ÷ margin balance. An isolated position is
its own account: its uPnL over its isolated wallet, its maintenance margin ÷ (isolated wallet +
its uPnL). Without account figures a cross position falls back to its own uPnL.

Every losing account scores 0, like at Binance: behind every profitable one.
"""

from __future__ import annotations

import math

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.position import MarginMode, Position
from adl_monitor.core.ranking.formulas.inputs import positive_or_none, unrealized_pnl

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


def _upnl(position: Position, figures: AccountFigures | None) -> tuple[str, float]:
    """The account's uPnL in cross margin (the margin balance above the wallet), else the
    position's own."""
    if position.margin_mode is MarginMode.CROSS and figures is not None:
        wallet, equity = figures.wallet_balance, figures.equity
        if wallet is not None and equity is not None and math.isfinite(equity - wallet):
            return "account_unrealized_pnl", equity - wallet
    return "unrealized_pnl", unrealized_pnl(position)


def score_binance(position: Position, figures: AccountFigures | None) -> Score:
    upnl_name, upnl = _upnl(position, figures)
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
            upnl_name: upnl,
            wallet_name: wallet,
            maintenance_name: maintenance,
            balance_name: margin_balance,
        },
    )
