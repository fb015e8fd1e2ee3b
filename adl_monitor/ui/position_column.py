"""The positions table's columns, in display order (shared by the model and its ordering)."""

from __future__ import annotations

from enum import IntEnum


class Column(IntEnum):
    """Display order: who and what, then both ADL numbers, then the figures behind them."""

    ACCOUNT = 0
    SYMBOL = 1
    SIDE = 2
    EXCHANGE_TIER = 3
    ESTIMATED_TIER = 4
    VENUE_RISK = 5
    PNL_PCT = 6
    LEVERAGE = 7
    SIZE = 8
    NOTIONAL = 9
    ENTRY = 10
    MARK = 11
    UPNL = 12
    LIQUIDATION = 13
    UPDATED = 14
    SUGGESTION = 15
