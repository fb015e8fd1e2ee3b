"""Cut points of a queue from what its venue serves publicly, for a venue with no indicator.

Hyperliquid publishes no ADL tier and ranks only its profitable positions, by
(mark ÷ entry) × (notional ÷ account value) (docs/venues.md). Who sits in a queue is not
public, but where they *entered* largely is: positions were opened at the prices the market
traded, in proportion to the volume traded there, and the older ones have since been closed.
So the queue is modelled from public data alone:

* **Entries**: every candle's typical price, weighted by its volume × the share of positions
  opened then that are still open, exp(−age ÷ holding time).
* **Holding time**: open interest ÷ daily volume, in days (Little's law: what is open ÷ the
  rate it turns over), bounded to 1 h … 14 days; 24 h when either is unknown.
* **Funding** paid since entry (the hourly rate × age; > 0: longs pay) comes out of the payer's
  account value, raising its notional ÷ account value.
* **Leverage** at entry is not public: spread log-uniformly from 1× to the market's maximum
  leverage (public per market), the uninformative choice — not a book shaped like any
  particular population of traders.

Every (entry, leverage) pair is scored with Hyperliquid's own formula; those past liquidation
are gone, losers are not in the queue, and the profitable ones' weighted quintiles are the cut
points. The range comes from halving and doubling the holding time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from adl_monitor.core.formulas import hyperliquid_ranking
from adl_monitor.core.market_context import MarketContext

MIN_HOLDING_HOURS = 1.0
MAX_HOLDING_HOURS = 24.0 * 14
DEFAULT_HOLDING_HOURS = 24.0
DEFAULT_MAX_LEVERAGE = 20.0
LEVERAGE_STEPS = 12
"""Log-uniform leverage quantiles per entry price."""
HOLDING_FACTORS = (0.5, 2.0)
"""The range: the tiers under half and twice the holding time."""
MAINTENANCE_SHARE = 0.5
"""Hyperliquid's maintenance margin is half the initial margin at maximum leverage."""
QUINTILES = (0.2, 0.4, 0.6, 0.8)


@dataclass(frozen=True, slots=True)
class PublicPrior:
    """Cut points (tiers 2–5 start) for one side, the alternatives that bound the range, and
    the figures they rest on, in words."""

    cuts: tuple[float, ...]
    alternatives: tuple[tuple[float, ...], ...]
    words: str


def holding_hours(context: MarketContext) -> float:
    """Open interest ÷ daily volume, in hours, bounded; the default when either is unknown."""
    oi, volume = context.open_interest, context.day_volume
    if oi is None or volume is None or not (oi > 0 and volume > 0):
        return DEFAULT_HOLDING_HOURS
    hours = 24.0 * oi / volume
    if not math.isfinite(hours):
        return DEFAULT_HOLDING_HOURS
    return min(MAX_HOLDING_HOURS, max(MIN_HOLDING_HOURS, hours))


def _max_leverage(context: MarketContext) -> float:
    top = context.max_leverage
    return top if top is not None and math.isfinite(top) and top > 1 else DEFAULT_MAX_LEVERAGE


def _leverages(context: MarketContext) -> list[float]:
    top = _max_leverage(context)
    return [math.exp(math.log(top) * (i + 0.5) / LEVERAGE_STEPS) for i in range(LEVERAGE_STEPS)]


def _profitable_scores(
    context: MarketContext, sign: int, hours: float
) -> list[tuple[float, float]]:
    """(score, weight) of every modelled profitable position on the side (`sign` +1 long)."""
    funding = context.funding_rate if context.funding_rate is not None else 0.0
    leverages = _leverages(context)
    floor = MAINTENANCE_SHARE / max(leverages)
    scored: list[tuple[float, float]] = []
    for candle in context.candles:
        if not (candle.price > 0 and math.isfinite(candle.price)):
            continue
        weight = max(candle.volume, 0.0) * math.exp(-max(candle.hours_ago, 0.0) / hours)
        if weight <= 0 or not math.isfinite(weight):
            continue
        ratio = context.mark / candle.price  # mark ÷ entry, per unit of entry notional
        upnl = sign * (ratio - 1.0)
        if upnl <= 0:
            continue  # losing: not in Hyperliquid's queue
        paid = sign * funding * max(candle.hours_ago, 0.0)
        price_ratio = ratio if sign > 0 else 1.0 / ratio
        for leverage in leverages:
            account = 1.0 / leverage + upnl - paid
            if account <= floor * ratio:
                continue  # liquidated before now
            scored.append((hyperliquid_ranking(price_ratio, ratio, account), weight))
    return scored


def _quintile_cuts(scored: list[tuple[float, float]]) -> tuple[float, ...] | None:
    total = sum(weight for _, weight in scored)
    if not scored or total <= 0:
        return None
    ordered = sorted(scored)
    cuts: list[float] = []
    running = 0.0
    targets = iter(QUINTILES)
    target = next(targets)
    for score, weight in ordered:
        running += weight
        while running >= target * total:
            cuts.append(score)
            nxt = next(targets, None)
            if nxt is None:
                return tuple(cuts)
            target = nxt
    while len(cuts) < len(QUINTILES):
        cuts.append(ordered[-1][0])
    return tuple(cuts)


def public_prior(context: MarketContext, side: str) -> PublicPrior | None:
    """The side's cut points from the market's public figures; None without usable candles
    or when the model leaves nobody in profit."""
    if not (context.mark > 0 and math.isfinite(context.mark)) or not context.candles:
        return None
    sign = 1 if side == "long" else -1
    hours = holding_hours(context)
    cuts = _quintile_cuts(_profitable_scores(context, sign, hours))
    if cuts is None:
        return None
    alternatives = tuple(
        alt
        for factor in HOLDING_FACTORS
        if (alt := _quintile_cuts(_profitable_scores(context, sign, hours * factor))) is not None
    )
    funding = context.funding_rate
    funding_words = f", funding {funding * 100:+.4f} %/h" if funding is not None else ""
    span = max(c.hours_ago for c in context.candles)
    top = _max_leverage(context)
    words = (
        f"prior from {context.symbol}'s public market data: entries weighted by the volume of "
        f"{len(context.candles)} candles over {span:.0f} h, positions held ~{hours:.0f} h "
        f"(open interest ÷ daily volume){funding_words}, leverage spread 1–{top:.0f}×"
    )
    return PublicPrior(cuts, alternatives, words)
