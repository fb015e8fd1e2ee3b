"""Binance's adlQuantile object: which of its slots belongs to the position at hand.

`GET /fapi/v1/adlQuantile` (and `/dapi/...` for COIN-M) answers per symbol with
`{"LONG": q, "SHORT": q, "BOTH": q}`; a slot without a position reads 0. In cross-margined hedge
mode a `HEDGE` key replaces `BOTH` as a flag (its value means nothing) and LONG and SHORT carry
one value shared by both sides. `/fapi/v3/positionRisk` carries a bare `adl` per position.
"""

from __future__ import annotations

from collections.abc import Mapping

from adl_monitor.core.ranking.scales.numbers import Unmappable, describe_value, parse_integer

QUANTILE_LOW = 0
QUANTILE_HIGH = 4
_SLOTS = ("LONG", "SHORT", "BOTH", "HEDGE")
_SIDES = {"long": "LONG", "short": "SHORT", "both": "BOTH"}


def binance_quantile(raw: object, side: str | None) -> int:
    """The 0–4 quantile of the position on `side` ("long", "short", or "both" for one-way mode).

    Accepts the per-symbol object, the whole per-symbol entry (`{"symbol", "adlQuantile"}`),
    a positionRisk entry (`{"adl": q, ...}`) or the bare quantile.
    """
    if isinstance(raw, Mapping):
        if "adlQuantile" in raw:
            return _from_object(raw["adlQuantile"], side)
        if "adl" in raw:
            return _quantile(raw["adl"], "Binance adl")
    return _from_object(raw, side)


def _from_object(raw: object, side: str | None) -> int:
    if not isinstance(raw, Mapping):
        return _quantile(raw, "Binance adlQuantile")
    if not any(slot in raw for slot in _SLOTS):
        raise Unmappable(f"Binance sent {describe_value(raw)}, with no LONG/SHORT/BOTH quantile")
    return _from_slots(raw, _side_slot(side))


def binance_slot_in_use(raw: object, side: str | None) -> str | None:
    """The slot of an adlQuantile object that holds this position's quantile: `BOTH` in one-way
    mode, the position's side (`LONG`/`SHORT`) in hedge mode — the slot `binance_quantile` reads.
    None for a bare value, or when the object does not say."""
    if isinstance(raw, Mapping) and "adlQuantile" in raw:
        raw = raw["adlQuantile"]
    if not isinstance(raw, Mapping):
        return None
    slot = _SIDES.get(side.strip().lower()) if isinstance(side, str) else None
    if "HEDGE" in raw:
        return slot if slot in ("LONG", "SHORT") else None
    if "BOTH" in raw:
        if slot is None or slot == "BOTH" or slot not in raw:
            return "BOTH"
        try:
            return slot if _slot(raw, slot) > _slot(raw, "BOTH") else "BOTH"
        except Unmappable:
            return None
    return slot if slot in raw else None


def _side_slot(side: str | None) -> str | None:
    if side is None:
        return None
    slot = _SIDES.get(side.strip().lower()) if isinstance(side, str) else None
    if slot is None:
        raise Unmappable(f"position side {describe_value(side)} is not long, short or both")
    return slot


def _from_slots(slots: Mapping[object, object], slot: str | None) -> int:
    if "HEDGE" in slots:
        # Cross hedge mode: HEDGE is only a flag; LONG and SHORT hold one shared value.
        if slot in ("LONG", "SHORT"):
            return _slot(slots, slot)
        long, short = _slot(slots, "LONG"), _slot(slots, "SHORT")
        if long != short:
            raise Unmappable("Binance hedge-mode quantile differs per side and no side was given")
        return long
    if "BOTH" in slots:
        both = _slot(slots, "BOTH")
        if slot in (None, "BOTH"):
            return both
        # One-way mode keeps the position in BOTH; isolated hedge mode in LONG/SHORT. The slot
        # without a position reads 0, so the larger of the two is the position's own quantile.
        own = _slot(slots, slot) if slot in slots else QUANTILE_LOW
        return max(own, both)
    if slot is None or slot == "BOTH":
        raise Unmappable("Binance sent LONG/SHORT quantiles but the position's side is unknown")
    return _slot(slots, slot)


def _slot(slots: Mapping[object, object], slot: str) -> int:
    if slot not in slots:
        raise Unmappable(f"Binance's quantile object has no {slot} value")
    return _quantile(slots[slot], f"Binance adlQuantile {slot}")


def _quantile(raw: object, what: str) -> int:
    return parse_integer(raw, QUANTILE_LOW, QUANTILE_HIGH, what)
