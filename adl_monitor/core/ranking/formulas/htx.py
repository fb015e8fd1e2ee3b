"""HTX's ranking ("Auto-Deleveraging (ADL) Rules", HTX support).

    isolated, gaining: PnL ratio ÷ margin ratio of the position
    isolated, losing:  PnL ratio × margin ratio of the position
    cross:             the same with the margin ratio of the account

HTX's margin ratio is maintenance margin ÷ equity (liquidation at 100 %; "Futures Liquidation
Indicators Adjustment"): position equity = position margin + uPnL when isolated, the account's
equity when cross. HTX's PnL ratio is its `profit_rate` = uPnL ÷ position margin (the fixture's
−0.039 ÷ 3.158 = −0.0123). Without a usable margin ratio the classic formula stands in, and the
score says so by its formula name.
"""

from __future__ import annotations

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.position import MarginMode, Position
from adl_monitor.core.ranking.formulas.classic import score_classic
from adl_monitor.core.ranking.formulas.inputs import (
    pnl_fraction,
    positive_or_none,
    unrealized_pnl,
)

NAME = "htx"


def htx_ranking(pnl_ratio: float, margin_ratio: float) -> float:
    """Gaining: PnL ratio ÷ margin ratio; losing: PnL ratio × margin ratio (margin ratio > 0)."""
    return pnl_ratio / margin_ratio if pnl_ratio > 0 else pnl_ratio * margin_ratio


def _pnl_ratio(position: Position) -> tuple[str, float]:
    margin = positive_or_none(position.margin)
    if margin is not None:
        return "pnl_ratio", unrealized_pnl(position) / margin
    leverage = positive_or_none(position.leverage)
    if leverage is not None:  # margin = entry value ÷ leverage
        return "pnl_ratio_from_leverage", pnl_fraction(position) * leverage
    return "pnl_ratio_unlevered", pnl_fraction(position)


def _position_margin_ratio(position: Position) -> float | None:
    margin = positive_or_none(position.margin)
    maintenance = positive_or_none(position.maintenance_margin)
    if margin is None or maintenance is None:
        return None
    equity = positive_or_none(margin + unrealized_pnl(position))
    return maintenance / equity if equity is not None else None


def _margin_ratio(position: Position, figures: AccountFigures | None) -> tuple[str, float] | None:
    own = _position_margin_ratio(position)
    account = figures.margin_ratio if figures is not None else None
    account = positive_or_none(account)
    if position.margin_mode is MarginMode.ISOLATED:
        ordered = (("position_margin_ratio", own), ("account_margin_ratio", account))
    else:
        ordered = (("account_margin_ratio", account), ("position_margin_ratio", own))
    for name, value in ordered:
        if value is not None:
            return name, value
    return None


def score_htx(position: Position, figures: AccountFigures | None) -> Score:
    ratio = _margin_ratio(position, figures)
    if ratio is None:
        return score_classic(position, figures)
    pnl_name, pnl = _pnl_ratio(position)
    ratio_name, margin_ratio = ratio
    return Score(
        value=htx_ranking(pnl, margin_ratio),
        formula=NAME,
        profitable=pnl > 0,
        inputs={pnl_name: pnl, ratio_name: margin_ratio},
    )
