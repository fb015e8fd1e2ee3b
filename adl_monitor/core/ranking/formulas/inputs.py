"""The position figures every ranking formula starts from: PnL %, notional, effective leverage.

Amounts are in the settlement currency (USDT for linear contracts, the coin for inverse ones),
as on `Position`. Each helper says what it falls back to when a venue leaves a figure out,
because a score is only as good as the inputs it names.
"""

from __future__ import annotations

import math

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.position import MarginMode, Position, Side


def _positive(value: float | None) -> float | None:
    """`value` when it is a usable positive finite number, else None."""
    if value is None or not math.isfinite(value) or value <= 0:
        return None
    return value


def pnl_fraction(position: Position) -> float:
    """Unrealized PnL ÷ entry value (KuCoin's "return rate", BitMEX's "PnL percentage").

    Computed from entry and mark prices, the way the venues rank: linear
    sign × (mark − entry) ÷ entry; inverse (values in coin, size ÷ price)
    sign × (1 − entry ÷ mark). Without usable prices, the reported unrealized PnL ÷ entry
    value; 0.0 when neither is known (no evidence of profit or loss).
    """
    entry = _positive(position.entry_price)
    mark = _positive(position.mark_price)
    sign = 1 if position.side is Side.LONG else -1  # `Side.sign`, without the enum's property
    if entry is not None and mark is not None:
        if position.inverse:
            return sign * (1.0 - entry / mark)
        return sign * (mark - entry) / entry
    entry_value = _positive(position.entry_notional)
    if entry_value is not None and math.isfinite(position.unrealized_pnl):
        return position.unrealized_pnl / entry_value
    return 0.0


def notional_at_mark(position: Position) -> float:
    """Absolute position value at the mark price: the venue's figure, else size × mark."""
    reported = _positive(position.notional)
    if reported is not None:
        return reported
    size = abs(position.contracts) * position.contract_size
    mark = _positive(position.mark_price)
    if mark is None or not math.isfinite(size):
        return 0.0
    return size / mark if position.inverse else size * mark


def unrealized_pnl(position: Position) -> float:
    """The venue's unrealized PnL, or entry value × PnL % when the venue's figure is unusable."""
    if math.isfinite(position.unrealized_pnl):
        return position.unrealized_pnl
    return pnl_fraction(position) * position.entry_notional


def effective_margin(position: Position, figures: AccountFigures | None) -> float | None:
    """Margin that actually backs the position (KuCoin's definition), or None when unknown.

    Isolated: position margin + unrealized PnL. Cross: the account's cross margin balance
    (`figures.equity`). None also when that margin is ≤ 0: the position is at or past
    bankruptcy and has no meaningful leverage.
    """
    if position.margin_mode is MarginMode.ISOLATED:
        margin = position.margin
        if margin is None or not math.isfinite(margin):
            return None
        return _positive(margin + unrealized_pnl(position))
    if figures is None:
        return None
    return _positive(figures.equity)


def effective_leverage(position: Position, figures: AccountFigures | None) -> float | None:
    """Notional at mark ÷ effective margin, or None when the margin is unknown.

    None is honest: the caller decides whether the nominal leverage may stand in for it
    (`leverage_used` does, and says so).
    """
    margin = effective_margin(position, figures)
    notional = notional_at_mark(position)
    if margin is None or notional <= 0:
        return None
    return notional / margin


EFFECTIVE = "effective_leverage"
NOMINAL = "nominal_leverage"
ASSUMED = "assumed_leverage"


def leverage_used(position: Position, figures: AccountFigures | None) -> tuple[str, float]:
    """(which leverage, value): effective, else the venue's nominal leverage, else 1× assumed.

    The name goes into `Score.inputs`, so the user sees when the score rests on a stand-in.
    """
    effective = effective_leverage(position, figures)
    if effective is not None:
        return EFFECTIVE, effective
    nominal = _positive(position.leverage)
    if nominal is not None:
        return NOMINAL, nominal
    return ASSUMED, 1.0


def positive_or_none(value: float | None) -> float | None:
    """Public alias of the positive-finite check, for the venue formula modules."""
    return _positive(value)
