"""Each venue's own ADL scale (docs/venues.md), and how a raw value maps onto the common tiers.

The common scale (docs/architecture.md): 0 = not in the queue, 1 = back … 5 = front (deleveraged
first). A scale holds only what differs: the field it reads, the scale in words, and the
mapping; each venue's record in `core/venues/table.py` names its scale. Where the direction is
inferred rather than documented, the comment says "inferred".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from adl_monitor.core.ranking.scales.binance import binance_quantile
from adl_monitor.core.ranking.scales.numbers import (
    Unmappable,
    describe_value,
    fraction_tier,
    parse_fraction,
    parse_integer,
    parse_number,
)

NO_INDICATOR = "venue publishes no ADL indicator"

Mapper = Callable[[object, str | None], int]
"""(raw value, position side) → tier 0–5, or Unmappable with a reason."""


@dataclass(frozen=True, slots=True)
class VenueScale:
    """How one venue reports its ADL indicator.

    `fields` are the keys that hold the indicator in the venue's position object: a connector
    may pass the bare value or the object holding it, and the mapping reads the field it knows.
    Binance and Phemex read their own objects (several fields, one per mode or scale).
    """

    description: str
    mapper: Mapper | None
    fields: tuple[str, ...] = ()


def _binance(raw: object, side: str | None) -> int:
    return binance_quantile(raw, side) + 1


def _bybit(raw: object, _side: str | None) -> int:
    # 0 = no position (documented); 5 = front — inferred from the venue's five-light display.
    return parse_integer(raw, 0, 5, "Bybit adlRankIndicator")


def _okx(raw: object, _side: str | None) -> int:
    # Documented: "the smaller the number, the weaker the adl intensity"; 0 = none (older docs
    # used 1–5, which this range also covers).
    return parse_integer(raw, 0, 5, "OKX adl")


def _gate(raw: object, _side: str | None) -> int:
    # Documented reversed scale: 1 = front (riskiest) … 5 = back; 6 = no position / liquidating.
    value = parse_integer(raw, 1, 6, "Gate adl_ranking")
    return 0 if value == 6 else 6 - value


def _htx(raw: object, _side: str | None) -> int:
    # 1–5 with 5 = front: direction inferred (HTX does not say which end is riskier).
    return parse_integer(raw, 1, 5, "HTX adl_risk_percent")


def _kucoin(raw: object, _side: str | None) -> int:
    # Higher = nearer the front: inferred from the UI, where each lit light is 20 %.
    return fraction_tier(parse_fraction(raw, "KuCoin delevPercentage"))


def _bitget(raw: object, _side: str | None) -> int:
    # Documented: "closer to 1, more prone to ADL". Only `rank`: the deprecated `adlRank`
    # reads 1 − rank in Bitget's own example, the opposite direction.
    return fraction_tier(parse_fraction(raw, "Bitget rank"))


PHEMEX_RATIO_SCALE = 8
"""Phemex coin-M `…Er` fields are ratios × 10^8 (ccxt phemex.py: ratioScale 8, `from_er`)."""


def _phemex(raw: object, _side: str | None) -> int:
    # Higher = nearer the front: direction inferred (Phemex does not document it).
    return fraction_tier(_phemex_fraction(raw))


def _phemex_fraction(raw: object) -> Decimal:
    """USDT-M sends `deleveragePercentileRr` ("0.1"), coin-M both `deleveragePercentileEr`
    (scaled integer) and the unscaled `deleveragePercentile`. A bare value is read as the
    plain fraction; a scaled Er value must arrive under its key so its scale is known —
    a bare 10000000 is refused, never guessed to be 0.1."""
    if not isinstance(raw, Mapping):
        what = "Phemex deleveragePercentile"
        if parse_number(raw, what) > 1:
            raise Unmappable(
                f"{what} was {describe_value(raw)}, outside its 0–1 range (a coin-M …Er value"
                " must arrive under its key, {'deleveragePercentileEr': value}, to be read)"
            )
        return parse_fraction(raw, what)
    for key in ("deleveragePercentileRr", "deleveragePercentile"):
        if key in raw:
            return parse_fraction(raw[key], f"Phemex {key}")
    if "deleveragePercentileEr" in raw:
        return parse_fraction(
            raw["deleveragePercentileEr"],
            "Phemex deleveragePercentileEr",
            scale=PHEMEX_RATIO_SCALE,
        )
    raise Unmappable(f"Phemex sent {describe_value(raw)}, with no deleveragePercentile")


def _bitmex(raw: object, _side: str | None) -> int:
    return fraction_tier(parse_fraction(raw, "BitMEX deleveragePercentile"))


BINANCE = VenueScale(
    "Binance adlQuantile 0–4, 4 = front of queue (recomputed every 30 s)",
    _binance,  # reads its own objects: see scales/binance.py
)
BYBIT = VenueScale(
    "Bybit adlRankIndicator 1–5, 5 = front of queue; 0 = no position",
    _bybit,
    ("adlRankIndicator",),
)
OKX = VenueScale(
    "OKX adl 1–5, 5 = strongest ADL intensity (front of queue); 0 = none", _okx, ("adl",)
)
GATE = VenueScale("Gate adl_ranking 1–5, 1 = front of queue; 6 = none", _gate, ("adl_ranking",))
HTX = VenueScale("HTX adl_risk_percent 1–5, 5 = front of queue", _htx, ("adl_risk_percent",))
KUCOIN = VenueScale(
    "KuCoin delevPercentage 0–1, 1 = front of queue (each 20 % lights one light)",
    _kucoin,
    ("delevPercentage",),
)
BITGET = VenueScale("Bitget ADL rank 0–1, closer to 1 = more prone to ADL", _bitget, ("rank",))
PHEMEX = VenueScale(
    "Phemex deleveragePercentile 0–1, 1 = front of queue (coin-M …Er is × 10^8)",
    _phemex,
)
HYPERLIQUID = VenueScale(
    "Hyperliquid publishes no ADL indicator; the tier is our local estimate only", None
)

REFERENCE_SCALES: dict[str, VenueScale] = {
    "bitmex": VenueScale(
        "BitMEX deleveragePercentile 0–1, 1 = front of queue",
        _bitmex,
        ("deleveragePercentile",),
    ),
}
"""Scales of venues ADL Monitor does not connect to, by ccxt id: BitMEX closed in 2026, and its
documented percentile stays the reference the fraction venues are checked against
(docs/venues.md). The venues it connects to carry their scale in `core/venues/table.py`."""
