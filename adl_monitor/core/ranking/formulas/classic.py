"""The classic ranking (BitMEX, OKX, KuCoin, MEXC, Poloniex; used for Bybit, Gate, Phemex too).

profitable: PnL % × effective leverage; losing: PnL % ÷ effective leverage. A losing score is
≤ 0 and a profitable one > 0, so every losing position ranks behind every profitable one.
"""

from __future__ import annotations

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.position import Position
from adl_monitor.core.ranking.formulas.inputs import leverage_used, pnl_fraction

NAME = "classic"


def classic_ranking(pnl: float, leverage: float) -> float:
    """PnL % × leverage when in profit, PnL % ÷ leverage otherwise (leverage > 0)."""
    return pnl * leverage if pnl > 0 else pnl / leverage


def score_classic(position: Position, figures: AccountFigures | None) -> Score:
    pnl = pnl_fraction(position)
    which, leverage = leverage_used(position, figures)
    return Score(
        value=classic_ranking(pnl, leverage),
        formula=NAME,
        profitable=pnl > 0,
        inputs={"pnl_pct": pnl, which: leverage},
    )
