"""Venue ADL indicators mapped onto the common tier scale (docs/architecture.md).

`map_indicator` never raises and never guesses: a value it cannot place honestly comes back as
tier None with a reason a trader can read, beside the raw value kept verbatim.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

# A module reference, read at call time: the venue table imports this package's scales. Not
# bound as `venues`: importing the submodule `scales.venues` would overwrite that name here.
from adl_monitor.core import venues as venue_table
from adl_monitor.core.model.adl_indicator import AdlIndicator
from adl_monitor.core.ranking.scales.binance import binance_slot_in_use
from adl_monitor.core.ranking.scales.numbers import Unmappable, describe_value
from adl_monitor.core.ranking.scales.venues import NO_INDICATOR, REFERENCE_SCALES, VenueScale

__all__ = [
    "NO_INDICATOR",
    "applied_raw",
    "has_indicator",
    "map_indicator",
    "scale_description",
]

_UNKNOWN_VENUE = "no ADL scale is known for this exchange"


def scale_description(exchange: str) -> str:
    """The venue's own scale in words, for tooltips."""
    scale = _scale(exchange)
    return scale.description if scale is not None else _UNKNOWN_VENUE


def applied_raw(exchange: str, raw: object, side: str | None) -> str | None:
    """The part of a raw indicator that applies to the position, for display: Binance's
    `{"LONG": 0, "SHORT": 0, "BOTH": 2}` on a one-way position is `BOTH=2 (one-way mode)`, on
    a hedge-mode long `LONG=3 (hedge mode)`. None where the raw value is that part already
    (every other venue) or the object does not say; the whole object stays in the JSON."""
    if not isinstance(exchange, str) or not exchange.startswith("binance"):
        return None
    slot = binance_slot_in_use(raw, side)
    if slot is None:
        return None
    slots = raw["adlQuantile"] if isinstance(raw, Mapping) and "adlQuantile" in raw else raw
    assert isinstance(slots, Mapping)  # binance_slot_in_use found a slot in it
    mode = "one-way mode" if slot == "BOTH" else "hedge mode"
    return f"{slot}={slots[slot]} ({mode})"


def has_indicator(exchange: str) -> bool:
    """Whether the venue publishes an ADL indicator at all (Hyperliquid does not)."""
    scale = _scale(exchange)
    return scale is not None and scale.mapper is not None


def map_indicator(
    exchange: str, raw: object, updated_at: datetime, *, side: str | None = None
) -> AdlIndicator:
    """The venue's raw indicator as a reading on the common scale; `raw` is kept as sent.

    `side` ("long"/"short", or "both" for a Binance one-way position) picks the slot of a
    Binance adlQuantile object; other venues report one value per position and ignore it.
    """
    scale = _scale(exchange)
    description = scale.description if scale is not None else _UNKNOWN_VENUE
    if scale is None:
        return AdlIndicator(
            raw, None, updated_at, description, f"{_UNKNOWN_VENUE} ({describe_value(exchange)})"
        )
    if scale.mapper is None:
        return AdlIndicator(raw, None, updated_at, description, NO_INDICATOR)
    try:
        tier = scale.mapper(_field_value(scale, raw), side)
    except Unmappable as unmappable:
        return AdlIndicator(raw, None, updated_at, description, str(unmappable))
    return AdlIndicator(raw, tier, updated_at, description)


def _field_value(scale: VenueScale, raw: object) -> object:
    """The indicator itself when a connector passed the venue's whole position object."""
    if isinstance(raw, Mapping):
        for field in scale.fields:
            if field in raw:
                return raw[field]
    return raw


def _scale(exchange: object) -> VenueScale | None:
    """The venue's scale from its record; BitMEX's reference scale; else None."""
    if not isinstance(exchange, str):
        return None
    venue = venue_table.find(exchange)
    return venue.scale if venue is not None else REFERENCE_SCALES.get(exchange)
