"""A warning raised by the market, not by the position's own tier.

A tier says who is deleveraged first *if* ADL happens. In a cascade ADL runs deep: it reaches
profitable positions at tier 1–3 within minutes, long before their own tier says orange
(docs/venue-risk.md, "Warnings"). So a **profitable** position still in the queue, below orange,
is warned at orange when one of these says ADL is near on its market:

* **venue-wide risk high** — the venue itself rates the contract's ADL risk high (Binance
  `symbolAdlRisk`, Bybit `adlAlert`, Gate `adl_risk_states`: core/model/venue_risk.py);
* **tier rising fast** — its tier (the venue's, or our estimate) rose by `TIER_JUMP` or more
  within `TIER_WINDOW`: the queue in front of it is being emptied;
* **market run** — the mark moved `RUN_SHARE` or more in the position's favour: the other side
  is being liquidated, and a liquidation the insurance fund cannot cover is what ADL pays for.
  On a venue that publishes no venue-wide risk (OKX, Hyperliquid: nothing else would say it)
  within `RUN_WINDOW`. On one that does, only within `FAST_RUN_WINDOW`: its rating follows the
  insurance fund, refreshed each minute (Bybit) or half hour (Binance), so it says what a slow
  run does but cannot see a fast one — nor a single liquidation bigger than the fund can
  cover, which goes to ADL while the rating still reads low (the simulator's books do this).

Pure: `MarketMemory` keeps the few recent readings per position that these need; the caller
(core/alerts/rules.py) feeds it and asks. Red (the position's own tier 5) stays red: the raise is to
orange only, and only from below it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.snapshot import PositionRisk
from adl_monitor.core.model.venue_risk import VenueRiskLevel
from adl_monitor.core.venues.display_names import venue_display_name

V = TypeVar("V", int, float)

RAISED_TO = Level.ORANGE
VENUE_RISK_MAX_AGE = timedelta(hours=1)
"""A venue-wide rating older than this is not trusted (Binance recomputes every 30 minutes)."""
TIER_JUMP = 2
TIER_WINDOW = timedelta(minutes=5)
RUN_SHARE = 0.03
RUN_WINDOW = timedelta(minutes=10)
FAST_RUN_WINDOW = timedelta(minutes=1)
"""The run that counts where the venue publishes its own risk: faster than Bybit refreshes it."""


@dataclass(frozen=True, slots=True)
class Raised:
    """The level the market raises a position to, and one sentence saying why."""

    level: Level
    reason: str


@dataclass(slots=True)
class MarketMemory:
    """Recent tiers and marks of one position: (time, value), oldest first, within the windows."""

    tiers: deque[tuple[datetime, int]] = field(default_factory=deque)
    marks: deque[tuple[datetime, float]] = field(default_factory=deque)

    def note(self, risk: PositionRisk, now: datetime) -> None:
        tier = own_tier(risk)
        if tier is not None:
            _keep(self.tiers, now, tier, TIER_WINDOW)
        if risk.position.mark_price > 0:
            _keep(self.marks, now, risk.position.mark_price, RUN_WINDOW)

    def tier_rise(self) -> tuple[int, int] | None:
        """(lowest tier in the window, latest) when it rose by `TIER_JUMP` or more."""
        if not self.tiers:
            return None
        latest = self.tiers[-1][1]
        lowest = min(tier for _, tier in self.tiers)
        return (lowest, latest) if latest - lowest >= TIER_JUMP else None

    def run(self, sign: int, within: timedelta = RUN_WINDOW) -> float:
        """How far the mark moved in the position's favour from its least favourable point in
        the last `within` (at most `RUN_WINDOW`), as a share of that price (0 when it did not)."""
        if not self.marks:
            return 0.0
        now, latest = self.marks[-1]
        recent = [mark for at, mark in self.marks if now - at <= within]
        worst = min(recent, key=lambda mark: sign * mark)
        return max(0.0, sign * (latest - worst) / worst)


def _keep(values: deque[tuple[datetime, V]], now: datetime, value: V, window: timedelta) -> None:
    values.append((now, value))
    while values and now - values[0][0] > window:
        values.popleft()


def own_tier(risk: PositionRisk) -> int | None:
    """The venue's tier when it has one, otherwise our estimate (as `PositionRisk.level`)."""
    if risk.exchange_adl is not None and risk.exchange_adl.tier is not None:
        return risk.exchange_adl.tier
    return risk.estimate.tier if risk.estimate is not None else None


def raised(risk: PositionRisk, memory: MarketMemory, now: datetime) -> Raised | None:
    """Orange, with the reason, when the market puts this position at risk beyond its own tier;
    None when its own level already says as much, or nothing does."""
    tier = own_tier(risk)
    position = risk.position
    if risk.level >= RAISED_TO or tier is None or tier <= 0 or position.unrealized_pnl <= 0:
        return None
    own = f"its own tier is {tier}"
    venue_risk = risk.venue_risk
    if (
        venue_risk is not None
        and venue_risk.level is VenueRiskLevel.HIGH
        and now - venue_risk.updated_at <= VENUE_RISK_MAX_AGE
    ):
        why = venue_risk.detail or f"{venue_display_name(position.exchange)} rates it high"
        return Raised(
            RAISED_TO,
            f"Venue-wide ADL risk is high on this contract ({why}): ADL can reach profitable "
            f"positions well behind the front of the queue — {own}, the risk is the market's.",
        )
    rise = memory.tier_rise()
    if rise is not None:
        low, high = rise
        minutes = TIER_WINDOW.total_seconds() / 60
        return Raised(
            RAISED_TO,
            f"Its tier rose from {low} to {high} within {minutes:.0f} min: the queue in front of "
            "it is emptying fast.",
        )
    window = RUN_WINDOW if venue_risk is None else FAST_RUN_WINDOW
    move = memory.run(position.side.sign, window)
    if move >= RUN_SHARE:
        span = f"{window.total_seconds() / 60:.0f} min"
        if venue_risk is not None:
            span += ", faster than the venue's own rating follows"
        return Raised(
            RAISED_TO,
            f"The market ran {100 * move:.1f} % in this position's favour within {span}: "
            "the other side is being liquidated, and ADL can reach profitable "
            f"positions behind the front of the queue — {own}, the risk is the market's.",
        )
    return None
