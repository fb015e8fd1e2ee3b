"""The local estimate of a position's ADL tier, from its ranking score on its venue.

A venue ranks every position by a score (`core.formulas`) and publishes, at best, the quintile
the position falls in. We only see our own positions, so we cannot rank the whole venue; what we
can do is learn, per venue, which score values the venue puts in which tier — a monotone step
function score → tier described by four cut points (the scores at which tiers 2, 3, 4 and 5
start).

Two sources for the cut points:

* **Prior** (no exchange tier seen yet, and always on Hyperliquid): the venue's own formula is run
  over a fixed *reference population* of typical positions (leverage 2–100×, price moves −10 %…
  +30 %, seven in ten in profit, isolated single-position accounts, see
  `_reference_positions`), ranked with
  `core.queue` exactly as the venue ranks, and the cuts are read off where the quintiles fall.
  The population is a documented guess about what a venue's book looks like; it only orders
  typical positions, so it adapts to whatever units each formula family uses.
* **Calibration** against the tiers the venue reported for our own positions (`observe`). Each
  cut is put where it misclassifies the fewest recent readings (robust to a noisy or lagging
  indicator: one wrong reading moves a cut by at most one sample), cuts without readings on both
  sides keep the prior scaled like their calibrated neighbours, and the cuts are forced to be
  non-decreasing. Memory is a bounded window per venue, so the mapping follows the market.

Losing positions rank behind every profitable one on every venue: their estimate is tier 1 (back
of the queue), never 0 — tier 0 means "no position".

Hyperliquid publishes no indicator and ranks with its own formula, so its scores are not
comparable with any classic venue's: it does not borrow calibration from them and stays on the
prior. Its estimate's basis says so.
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections import deque
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from adl_monitor.core.account import AccountFigures
from adl_monitor.core.estimate import Estimate, Score
from adl_monitor.core.formulas import describe, formula_name, score_position
from adl_monitor.core.levels import MAX_TIER, clamp_tier
from adl_monitor.core.position import MarginMode, Position, Side
from adl_monitor.core.queue import queue_percentiles, tier_for_percentile
from adl_monitor.core.venue_names import venue_display_name

BACK_OF_QUEUE_TIER = 1
FIRST_CUT_TIER = 2  # tier 1 is everything below the first cut
DEFAULT_WINDOW = 600
MIN_READINGS = 12
"""Fewer readings than this from a venue and the estimate stays on the prior."""
MIN_PER_SIDE = 2
"""A cut is calibrated only with at least this many readings on each side of it."""
NEIGHBOURS = 3
"""Readings on each side of a score whose tiers widen a calibrated estimate's range."""
SAMPLE_INTERVAL = timedelta(seconds=60)
"""An unchanged tier of one position is sampled at most this often."""
_MAX_SOURCES = 10_000
PRIOR_SPREAD = 2.0
"""An uncalibrated estimate's range covers scores from half to double the position's."""

_STATE_VERSION = 1

# The reference population of the prior: a typical venue book, as a guess.
_REFERENCE_LEVERAGES = (2.0, 3.0, 5.0, 5.0, 10.0, 10.0, 10.0, 20.0, 20.0, 25.0, 50.0, 75.0, 100.0)
# ADL strikes the side the market just moved for, so the queue being deleveraged is mostly in
# profit: three losing moves to seven winning ones.
_REFERENCE_MOVES = (-0.1, -0.03, -0.01, 0.003, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3)
_REFERENCE_MAINTENANCE_RATE = 0.005


@dataclass(frozen=True, slots=True)
class Reading:
    """One calibration sample: a profitable position's score and the tier the venue reported."""

    score: float
    tier: int


class RankEstimator:
    """Per-venue score → tier mapping: a documented prior, calibrated by observed exchange tiers.

    Not thread-safe; the engine owns one instance on its own thread.
    """

    def __init__(self, window: int = DEFAULT_WINDOW) -> None:
        if window < MIN_READINGS:
            raise ValueError(f"window must hold at least {MIN_READINGS} readings, got {window}")
        self._window = window
        self._readings: dict[str, deque[Reading]] = {}
        self._cuts: dict[str, tuple[float, ...]] = {}
        self._priors: dict[str, tuple[float, ...]] = {}
        self._sorted: dict[str, tuple[list[float], list[int]]] = {}
        self._last_sample: dict[tuple[str, Hashable], tuple[datetime, int]] = {}

    # ---- calibration -------------------------------------------------------------------

    def observe(
        self,
        exchange: str,
        score: Score,
        exchange_tier: int,
        *,
        source: Hashable | None = None,
        at: datetime | None = None,
    ) -> None:
        """Remember that the venue put a position with this score in `exchange_tier`.

        Ignored: tier 0 or out of range (no position / no indicator), losing positions (always
        tier 1 by rule, they say nothing about the cuts), non-finite scores. With `source` (the
        position's identity) and `at` (when the venue reported the tier), a position whose tier
        has not changed is sampled at most once per `SAMPLE_INTERVAL`, so a few positions
        refreshed every few seconds do not fill the window with near-copies of themselves.
        """
        if not 1 <= exchange_tier <= MAX_TIER:
            return
        if not score.profitable or not math.isfinite(score.value):
            return
        if source is not None and at is not None:
            previous = self._last_sample.get((exchange, source))
            if previous is not None:
                last_at, last_tier = previous
                if last_tier == exchange_tier and abs(at - last_at) < SAMPLE_INTERVAL:
                    return
            if len(self._last_sample) >= _MAX_SOURCES:
                self._last_sample.clear()
            self._last_sample[(exchange, source)] = (at, exchange_tier)
        readings = self._readings.setdefault(exchange, deque(maxlen=self._window))
        readings.append(Reading(score.value, exchange_tier))
        self._cuts.pop(exchange, None)
        self._sorted.pop(exchange, None)

    def readings(self, exchange: str) -> int:
        """How many readings from this venue the calibration currently rests on."""
        return len(self._readings.get(exchange, ()))

    def calibrated(self, exchange: str) -> bool:
        return self.readings(exchange) >= MIN_READINGS

    # ---- the mapping -------------------------------------------------------------------

    def thresholds(self, exchange: str) -> list[float]:
        """Score at which each tier starts, for tiers 1…5 (index 0 is tier 1, always −∞).

        A profitable position with score s is in the highest tier whose start is ≤ s.
        """
        return [-math.inf, *self._cut_points(exchange)]

    def tier_start(self, exchange: str, tier: int) -> float:
        """The score at which `tier` (1…5) starts on this venue."""
        if not BACK_OF_QUEUE_TIER <= tier <= MAX_TIER:
            raise ValueError(f"tier must be 1…{MAX_TIER}, got {tier}")
        return self.thresholds(exchange)[tier - 1]

    def tier_for(self, exchange: str, score: Score) -> int:
        """The estimated tier alone: 1 for losing positions, else where the score falls."""
        if not score.profitable or not math.isfinite(score.value):
            return BACK_OF_QUEUE_TIER
        return _tier_of(score.value, self._cut_points(exchange))

    def estimate(self, exchange: str, score: Score) -> Estimate:
        """Tier, plausible range and a plain-words basis for one position's score."""
        tier = self.tier_for(exchange, score)
        low, high = self._range(exchange, score, tier)
        return Estimate(
            score=score.value, tier=tier, low=low, high=high, basis=self._basis(exchange, score)
        )

    # ---- persistence -------------------------------------------------------------------

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-able state, so calibration survives a restart."""
        return {
            "version": _STATE_VERSION,
            "window": self._window,
            "venues": {
                exchange: [[r.score, r.tier] for r in readings]
                for exchange, readings in self._readings.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> RankEstimator:
        """Restore `to_dict()` state. Tolerant on purpose: a malformed entry is skipped, so a
        damaged file costs calibration, never start-up."""
        window = data.get("window", DEFAULT_WINDOW)
        if not isinstance(window, int) or isinstance(window, bool) or window < MIN_READINGS:
            window = DEFAULT_WINDOW
        estimator = cls(window=window)
        if data.get("version") != _STATE_VERSION:
            return estimator
        venues = data.get("venues")
        if not isinstance(venues, Mapping):
            return estimator
        for exchange, samples in venues.items():
            if not isinstance(exchange, str) or not isinstance(samples, list):
                continue
            for sample in samples:
                reading = _parse_reading(sample)
                if reading is not None:
                    estimator.observe(
                        exchange, Score(reading.score, "restored", True), reading.tier
                    )
        return estimator

    # ---- internals ---------------------------------------------------------------------

    def _cut_points(self, exchange: str) -> tuple[float, ...]:
        cached = self._cuts.get(exchange)
        if cached is not None:
            return cached
        prior = self._prior(exchange)
        readings = self._readings.get(exchange, ())
        cuts = _calibrate(prior, list(readings)) if len(readings) >= MIN_READINGS else prior
        self._cuts[exchange] = cuts
        return cuts

    def _prior(self, exchange: str) -> tuple[float, ...]:
        family = formula_name(exchange)
        cached = self._priors.get(family)
        if cached is None:
            cached = _prior_cuts(exchange)
            self._priors[family] = cached
        return cached

    def _range(self, exchange: str, score: Score, tier: int) -> tuple[int, int]:
        if not score.profitable or not math.isfinite(score.value):
            return BACK_OF_QUEUE_TIER, BACK_OF_QUEUE_TIER
        cuts = self._cut_points(exchange)
        if not self.calibrated(exchange):
            value = score.value
            low_score, high_score = sorted((value / PRIOR_SPREAD, value * PRIOR_SPREAD))
            return min(tier, _tier_of(low_score, cuts)), max(tier, _tier_of(high_score, cuts))
        scores, tiers = self._ordered(exchange)
        at = bisect.bisect_left(scores, score.value)
        near = tiers[max(0, at - NEIGHBOURS) : at + NEIGHBOURS]
        return min([tier, *near]), max([tier, *near])

    def _ordered(self, exchange: str) -> tuple[list[float], list[int]]:
        """The venue's readings sorted by score (cached until the next observation)."""
        cached = self._sorted.get(exchange)
        if cached is None:
            ordered = sorted(self._readings.get(exchange, ()), key=lambda r: r.score)
            cached = ([r.score for r in ordered], [r.tier for r in ordered])
            self._sorted[exchange] = cached
        return cached

    def _basis(self, exchange: str, score: Score) -> str:
        inputs = describe(score)
        count = self.readings(exchange)
        venue = venue_display_name(exchange)
        if count >= MIN_READINGS:
            source = f"calibrated on {count} readings from {venue}"
        elif count:
            source = f"prior: not yet calibrated ({count} of {MIN_READINGS} readings from {venue})"
        elif exchange == "hyperliquid":
            source = "prior: not yet calibrated (Hyperliquid publishes no ADL indicator)"
        else:
            source = "prior: not yet calibrated"
        if not score.profitable:
            source = f"losing positions are at the back of the queue; {source}"
        return f"{inputs}; {source}"


# ---- pure helpers -----------------------------------------------------------------------


def _tier_of(value: float, cuts: tuple[float, ...]) -> int:
    """Tier 1 plus the number of cut points at or below `value`."""
    return clamp_tier(BACK_OF_QUEUE_TIER + bisect.bisect_right(cuts, value))


def _parse_reading(sample: object) -> Reading | None:
    if not isinstance(sample, list | tuple) or len(sample) != 2:
        return None
    value, tier = sample
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(tier, bool) or not isinstance(tier, int):
        return None
    if not math.isfinite(value) or not 1 <= tier <= MAX_TIER:
        return None
    return Reading(float(value), tier)


def _best_cut(readings: list[Reading], tier: int) -> float | None:
    """The score that best separates readings at ≥ `tier` from those below it.

    Minimises the number of readings on the wrong side; among equally good cuts takes the
    middle one. None when either side has fewer than MIN_PER_SIDE readings.
    """
    ordered = sorted(readings, key=lambda r: r.score)
    above_total = sum(1 for r in ordered if r.tier >= tier)
    below_total = len(ordered) - above_total
    if above_total < MIN_PER_SIDE or below_total < MIN_PER_SIDE:
        return None
    # errors[i]: cut just before ordered[i] → readings before it at ≥ tier, after it below.
    errors = [0] * (len(ordered) + 1)
    errors[0] = below_total
    for i, reading in enumerate(ordered, start=1):
        errors[i] = errors[i - 1] + (1 if reading.tier >= tier else -1)
    best = min(errors)
    # only cut between distinct scores; equal scores cannot be separated
    candidates = [
        i
        for i, e in enumerate(errors)
        if e == best and (i in (0, len(ordered)) or ordered[i - 1].score < ordered[i].score)
    ]
    if not candidates:
        return None
    i = candidates[len(candidates) // 2]
    if i == 0:
        return ordered[0].score
    if i == len(ordered):
        return math.nextafter(ordered[-1].score, math.inf)
    return (ordered[i - 1].score + ordered[i].score) / 2


def _calibrate(prior: tuple[float, ...], readings: list[Reading]) -> tuple[float, ...]:
    """Cut points from readings; a cut without enough readings on both sides keeps the prior,
    scaled like the learned cuts, but never contradicts the side it has readings for."""
    tiers = range(FIRST_CUT_TIER, MAX_TIER + 1)
    learned = [_best_cut(readings, tier) for tier in tiers]
    ratios = [
        cut / base
        for cut, base in zip(learned, prior, strict=True)
        if cut is not None and base > 0 and cut > 0 and math.isfinite(base)
    ]
    scale = statistics.median(ratios) if ratios else 1.0
    cuts: list[float] = []
    for tier, cut, base in zip(tiers, learned, prior, strict=True):
        if cut is not None:
            cuts.append(cut)
            continue
        guess = base * scale if base > 0 else base
        above = [r.score for r in readings if r.tier >= tier]
        below = [r.score for r in readings if r.tier < tier]
        if above and len(below) < MIN_PER_SIDE:
            guess = min(guess, min(above))  # everything seen this high is at ≥ tier
        if below and len(above) < MIN_PER_SIDE:
            guess = max(guess, math.nextafter(max(below), math.inf))
        cuts.append(guess)
    return tuple(_non_decreasing(cuts))


def _non_decreasing(values: Iterable[float]) -> list[float]:
    out: list[float] = []
    for value in values:
        out.append(value if not out else max(out[-1], value))
    return out


def _reference_positions(exchange: str) -> list[tuple[Position, AccountFigures]]:
    """The prior's reference book: one isolated position per account, every leverage × move.

    Linear, 1 000 USDT of notional at entry; margin = notional ÷ leverage; maintenance margin
    0.5 % of notional; wallet = margin (a single-position account).
    """
    book: list[tuple[Position, AccountFigures]] = []
    entry = 100.0
    contracts = 10.0
    for leverage in _REFERENCE_LEVERAGES:
        for move in _REFERENCE_MOVES:
            if move <= -1.0 / leverage:
                continue  # would have been liquidated
            mark = entry * (1 + move)
            margin = contracts * entry / leverage
            upnl = (mark - entry) * contracts
            notional = mark * contracts
            maintenance = notional * _REFERENCE_MAINTENANCE_RATE
            position = Position(
                account="reference",
                exchange=exchange,
                symbol="REF/USDT:USDT",
                side=Side.LONG,
                contracts=contracts,
                contract_size=1.0,
                entry_price=entry,
                mark_price=mark,
                notional=notional,
                unrealized_pnl=upnl,
                margin_mode=MarginMode.ISOLATED,
                leverage=leverage,
                margin=margin,
                maintenance_margin=maintenance,
            )
            figures = AccountFigures(
                currency="USDT",
                wallet_balance=margin,
                equity=margin + upnl,
                maintenance_margin=maintenance,
                initial_margin=margin,
            )
            book.append((position, figures))
    return book


def _prior_cuts(exchange: str) -> tuple[float, ...]:
    """Cut points where the venue's formula puts the reference book's quintiles."""
    scores = [score_position(exchange, p, f) for p, f in _reference_positions(exchange)]
    tiers = [tier_for_percentile(pct) for pct in queue_percentiles(scores)]
    profitable = [
        Reading(s.value, t)
        for s, t in zip(scores, tiers, strict=True)
        if s.profitable and math.isfinite(s.value)
    ]
    cuts: list[float] = []
    for tier in range(FIRST_CUT_TIER, MAX_TIER + 1):
        above = [r.score for r in profitable if r.tier >= tier]
        below = [r.score for r in profitable if r.tier < tier]
        if not above:
            cuts.append(cuts[-1] * PRIOR_SPREAD if cuts and cuts[-1] > 0 else math.inf)
        elif not below:
            cuts.append(-math.inf)
        else:
            cuts.append((max(below) + min(above)) / 2)
    return tuple(_non_decreasing(cuts))
