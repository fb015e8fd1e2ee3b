"""Bitget's ranking (help-centre article, revised in 2025).

    profitable: ROI × account maintenance margin rate
    losing:     ROI ÷ account maintenance margin rate
    ROI = uPnL ÷ |position value at entry|

The account maintenance margin rate is maintenance margin ÷ equity; an isolated position
without account figures uses its own (maintenance margin ÷ (margin + uPnL)). Without either
the classic formula stands in, and the score says so by its formula name.
"""

from __future__ import annotations

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.position import Position
from adl_monitor.core.ranking.formulas.classic import score_classic
from adl_monitor.core.ranking.formulas.inputs import pnl_fraction, positive_or_none, unrealized_pnl

NAME = "bitget"


def bitget_ranking(roi: float, maintenance_rate: float) -> float:
    """Profitable: ROI × rate; losing: ROI ÷ rate (rate > 0)."""
    return roi * maintenance_rate if roi > 0 else roi / maintenance_rate


def _maintenance_rate(
    position: Position, figures: AccountFigures | None
) -> tuple[str, float] | None:
    account = positive_or_none(figures.margin_ratio) if figures is not None else None
    if account is not None:
        return "account_maintenance_margin_rate", account
    margin = positive_or_none(position.margin)
    maintenance = positive_or_none(position.maintenance_margin)
    if margin is None or maintenance is None:
        return None
    equity = positive_or_none(margin + unrealized_pnl(position))
    if equity is None:
        return None
    return "position_maintenance_margin_rate", maintenance / equity


def score_bitget(position: Position, figures: AccountFigures | None) -> Score:
    rate = _maintenance_rate(position, figures)
    if rate is None:
        return score_classic(position, figures)
    roi = pnl_fraction(position)
    rate_name, rate_value = rate
    return Score(
        value=bitget_ranking(roi, rate_value),
        formula=NAME,
        profitable=roi > 0,
        inputs={"roi": roi, rate_name: rate_value},
    )
