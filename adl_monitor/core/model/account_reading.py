"""Everything one refresh of one account returned, before scoring."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.adl_indicator import AdlIndicator
from adl_monitor.core.model.market_context import MarketContext
from adl_monitor.core.model.position import Position, QueueKey
from adl_monitor.core.model.venue_risk import VenueRisk


class CloseCause(StrEnum):
    """Who closed (or reduced) a position, by the venue's own history."""

    ADL = "adl"  # the venue's auto-deleveraging
    OWN = "own"  # a fill of the user's own, or their liquidation: not ADL


@dataclass(frozen=True, slots=True)
class CloseEvidence:
    """What the venue's history says about one position that closed or shrank.

    `source` names the record, as a user could look it up on the venue: "Binance forceOrders
    (adl_autoclose)", "Hyperliquid userFills (dir Auto-Deleveraging)". See docs/adl-evidence.md.
    """

    cause: CloseCause
    source: str


@dataclass(frozen=True, slots=True)
class AccountReading:
    """A connector's answer: positions, the venue's ADL indicator per position, balances.

    `adl` holds a reading for every position the venue reported an indicator for; a missing
    key means the venue gave none. `figures` is keyed by settlement currency. `adl_hits` names
    positions the venue marked as auto-deleveraged, `adl_evidence` where it said so (for hits
    found in its history). `unconfirmed_closes` names positions that vanished since the last
    reading with neither ADL evidence nor a fill of the user's own: ADL is possible, and the
    venue did not confirm it (docs/adl-evidence.md). `markets` holds, by symbol, the public
    market figures a venue without an indicator reads for the estimate's prior. `venue_risk`
    holds the venue's contract-wide ADL risk per unified symbol, for the symbols held
    (core/model/venue_risk.py).
    """

    fetched_at: datetime
    positions: tuple[Position, ...] = ()
    adl: Mapping[QueueKey, AdlIndicator] = field(default_factory=dict)
    figures: Mapping[str, AccountFigures] = field(default_factory=dict)
    adl_hits: frozenset[QueueKey] = frozenset()
    adl_evidence: Mapping[QueueKey, str] = field(default_factory=dict)
    unconfirmed_closes: frozenset[QueueKey] = frozenset()
    markets: Mapping[str, MarketContext] = field(default_factory=dict)
    venue_risk: Mapping[str, VenueRisk] = field(default_factory=dict)


def carry_deleveraged(
    previous: AccountReading | None, reading: AccountReading, *, previous_shown: bool = True
) -> AccountReading:
    """Keep, for one reading, a position that ADL (or possibly ADL) closed completely.

    A venue stops listing a position once ADL has closed it, and reports the hit only in its
    history (`adl_hits`). Without the position nothing downstream can say *which* position was
    hit, at what level it was, nor find the hedge it leaves naked. So a hit — or an unconfirmed
    close — whose position vanished is carried over from the previous reading with its size set
    to zero; the next reading drops it again.

    `previous_shown` False means no snapshot showed the previous reading (two stream updates
    within one publishing interval): its marks are then kept too, so no hit goes unannounced.
    """
    if previous is not None and not previous_shown:
        reading = _inherit_marks(previous, reading)
    marked = reading.adl_hits | reading.unconfirmed_closes
    if previous is None or not marked:
        return reading
    listed = {p.queue_key for p in reading.positions}
    closed = tuple(
        replace(p, contracts=0.0, notional=0.0, unrealized_pnl=0.0, margin=0.0)
        for p in previous.positions
        if (key := p.queue_key) in marked and key not in listed
    )
    if not closed:
        return reading
    return replace(reading, positions=reading.positions + closed)


def _inherit_marks(previous: AccountReading, reading: AccountReading) -> AccountReading:
    hits = reading.adl_hits | previous.adl_hits
    unconfirmed = (reading.unconfirmed_closes | previous.unconfirmed_closes) - hits
    if hits == reading.adl_hits and unconfirmed == reading.unconfirmed_closes:
        return reading
    evidence = {**previous.adl_evidence, **reading.adl_evidence}
    return replace(reading, adl_hits=hits, adl_evidence=evidence, unconfirmed_closes=unconfirmed)
