"""Everything one refresh of one account returned, before scoring."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from adl_monitor.core.account import AccountFigures
from adl_monitor.core.market_context import MarketContext
from adl_monitor.core.position import Position
from adl_monitor.core.reading import AdlReading

PositionKey = tuple[str, str]
"""(unified symbol, side value) — identifies a position within one account."""


@dataclass(frozen=True, slots=True)
class AccountReading:
    """A connector's answer: positions, the venue's ADL indicator per position, balances.

    `adl` holds a reading for every position the venue reported an indicator for; a missing
    key means the venue gave none. `figures` is keyed by settlement currency. `adl_hits` names
    positions the venue marked as auto-deleveraged. `markets` holds, by symbol, the public
    market figures a venue without an indicator reads for the estimate's prior.
    """

    fetched_at: datetime
    positions: tuple[Position, ...] = ()
    adl: Mapping[PositionKey, AdlReading] = field(default_factory=dict)
    figures: Mapping[str, AccountFigures] = field(default_factory=dict)
    adl_hits: frozenset[PositionKey] = frozenset()
    markets: Mapping[str, MarketContext] = field(default_factory=dict)


def carry_deleveraged(previous: AccountReading | None, reading: AccountReading) -> AccountReading:
    """Keep, for one reading, a position that ADL closed completely.

    A venue stops listing a position once ADL has closed it, and reports the hit only in its
    history (`adl_hits`). Without the position nothing downstream can say *which* position was
    hit, nor find the hedge it leaves naked. So a hit whose position vanished is carried over
    from the previous reading with its size set to zero; the next reading drops it again.
    """
    if previous is None or not reading.adl_hits:
        return reading
    listed = {(p.symbol, p.side.value) for p in reading.positions}
    closed = tuple(
        replace(p, contracts=0.0, notional=0.0, unrealized_pnl=0.0, margin=0.0)
        for p in previous.positions
        if (p.symbol, p.side.value) in reading.adl_hits and (p.symbol, p.side.value) not in listed
    )
    if not closed:
        return reading
    return replace(reading, positions=reading.positions + closed)
