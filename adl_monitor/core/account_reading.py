"""Everything one refresh of one account returned, before scoring."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from adl_monitor.core.account import AccountFigures
from adl_monitor.core.position import Position
from adl_monitor.core.reading import AdlReading

PositionKey = tuple[str, str]
"""(unified symbol, side value) — identifies a position within one account."""


@dataclass(frozen=True, slots=True)
class AccountReading:
    """A connector's answer: positions, the venue's ADL indicator per position, balances.

    `adl` holds a reading for every position the venue reported an indicator for; a missing
    key means the venue gave none. `figures` is keyed by settlement currency. `adl_hits` names
    positions the venue marked as auto-deleveraged.
    """

    fetched_at: datetime
    positions: tuple[Position, ...] = ()
    adl: Mapping[PositionKey, AdlReading] = field(default_factory=dict)
    figures: Mapping[str, AccountFigures] = field(default_factory=dict)
    adl_hits: frozenset[PositionKey] = frozenset()
