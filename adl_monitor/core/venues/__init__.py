"""The venues ADL Monitor connects to: one record per ccxt id (`table.py`), and the lookups
every other layer asks instead of keeping its own list (docs/architecture.md, "Adding a venue").

`scales` and `formulas` read this table at call time (`venues.find`), since the table itself
imports their definitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from adl_monitor.core.venues.record import Cadence, CredentialsNeeded, RankedUnit, Venue
from adl_monitor.core.venues.table import USUAL_CADENCE, VENUES

__all__ = [
    "BY_ID",
    "USUAL_CADENCE",
    "VENUES",
    "Cadence",
    "CredentialsNeeded",
    "RankedUnit",
    "Venue",
    "find",
    "ids",
]

BY_ID: Mapping[str, Venue] = MappingProxyType({venue.id: venue for venue in VENUES})
if len(BY_ID) != len(VENUES):
    raise ValueError("two venue records share one ccxt id")


def find(exchange: str) -> Venue | None:
    """The record for a ccxt id, or None for a venue ADL Monitor does not connect to."""
    return BY_ID.get(exchange)


def ids() -> tuple[str, ...]:
    """Every supported ccxt id, in the table's order."""
    return tuple(BY_ID)
