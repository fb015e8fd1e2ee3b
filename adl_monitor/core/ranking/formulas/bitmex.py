"""BitMEX's own definitions of the classic ranking, in position values.

BitMEX documented the classic formula with values rather than prices (support article
"What is Auto-Deleveraging"): mark value, bankrupt value and average entry value are the
position's value at the mark, bankruptcy and average entry price, signed as BitMEX signs them.
Kept as named functions so the classic formula can be checked against BitMEX's own figures
(its `unrealisedRoePcnt` is exactly this ranking). BitMEX itself closed in 2026.
"""

from __future__ import annotations

from adl_monitor.core.ranking.formulas.classic import classic_ranking


def bitmex_effective_leverage(mark_value: float, bankrupt_value: float) -> float:
    """|mark value| ÷ (mark value − bankrupt value)."""
    return abs(mark_value) / (mark_value - bankrupt_value)


def bitmex_pnl_fraction(mark_value: float, entry_value: float) -> float:
    """(mark value − average entry value) ÷ |average entry value|."""
    return (mark_value - entry_value) / abs(entry_value)


def bitmex_ranking(mark_value: float, entry_value: float, bankrupt_value: float) -> float:
    """The classic ranking from BitMEX's value-based definitions."""
    pnl = bitmex_pnl_fraction(mark_value, entry_value)
    return classic_ranking(pnl, bitmex_effective_leverage(mark_value, bankrupt_value))
