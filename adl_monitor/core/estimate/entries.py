"""Where a market's open positions were most likely entered, from its public candles alone.

Positions are opened at the prices the market traded, in proportion to the volume traded
there, and the older ones have since been closed: each candle's typical price weighs its
volume × the share of positions opened then that are still open, exp(−age ÷ holding time).
The holding time is open interest ÷ daily volume (Little's law: what is open ÷ the rate it
turns over), bounded to 1 h … 14 days; 24 h where either is unknown (a venue whose figures
are not read).

Two priors rest on this: Hyperliquid's whole queue model (`public_prior`), and, on a venue
with a tier, the market move a queue's prior is centred on where the venue's tiers cannot
decide it (`entry_move`, used by `rank_estimator`).
"""

from __future__ import annotations

import math

from adl_monitor.core.model.market_context import Candle, MarketContext

MIN_HOLDING_HOURS = 1.0
MAX_HOLDING_HOURS = 24.0 * 14
DEFAULT_HOLDING_HOURS = 24.0
NEGLIGIBLE = 1e-4
"""Candles weighing less than this share of the heaviest are left out (speed)."""


def holding_hours(context: MarketContext) -> float:
    """Open interest ÷ daily volume, in hours, bounded; the default when either is unknown."""
    oi, volume = context.open_interest, context.day_volume
    if oi is None or volume is None or not (oi > 0 and volume > 0):
        return DEFAULT_HOLDING_HOURS
    hours = 24.0 * oi / volume
    if not math.isfinite(hours):
        return DEFAULT_HOLDING_HOURS
    return min(MAX_HOLDING_HOURS, max(MIN_HOLDING_HOURS, hours))


def priced(context: MarketContext) -> list[Candle]:
    """The candles with a usable price."""
    return [c for c in context.candles if c.price > 0 and math.isfinite(c.price)]


def entry_weights(candles: list[Candle], hours: float) -> list[tuple[int, float]]:
    """(index in `candles`, weight: volume × share still open), the negligible ones left out."""
    weighted = []
    for index, candle in enumerate(candles):
        weight = max(candle.volume, 0.0) * math.exp(-max(candle.hours_ago, 0.0) / hours)
        if weight > 0 and math.isfinite(weight):
            weighted.append((index, weight))
    top = max((w for _, w in weighted), default=0.0)
    return [(i, w) for i, w in weighted if w >= NEGLIGIBLE * top]


def entry_move(context: MarketContext, side: str) -> float | None:
    """How far the market moved for `side` ("long"/"short") since its open positions were
    likely entered: the weighted mean of log(mark ÷ entry), > 0 in the side's favour. None
    without a usable mark or candle."""
    if not (context.mark > 0 and math.isfinite(context.mark)):
        return None
    candles = priced(context)
    weighted = entry_weights(candles, holding_hours(context))
    total = sum(w for _, w in weighted)
    if not total > 0:
        return None
    sign = 1.0 if side == "long" else -1.0
    mean = sum(w * math.log(context.mark / candles[i].price) for i, w in weighted) / total
    return sign * mean
