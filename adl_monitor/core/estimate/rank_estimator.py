"""The local estimate of a position's ADL tier, from its ranking score on its venue.

A venue ranks every position by a score (`core.ranking.formulas`) and publishes, at best, the
quintile the position falls in. We only see our own positions, so we cannot rank the whole venue;
what we can do is learn, per venue, which score values the venue puts in which tier — a monotone
step function score → tier described by four cut points (the scores at which tiers 2, 3, 4 and 5
start).

A tier is the quintile of a score among **all** positions on that side of that contract, losers
included (`core.ranking.queue.queue_tiers`): the classic formula's losing branch ranks them, and
when most of a side is losing a small loss sits in tier 3–5, so the cut points span losing scores
too and losing readings calibrate them. Binance ranks accounts (`core.ranking.formulas.binance`)
and scores every losing one 0: tied, they sit at the back, so there a loser is tier 1 whatever
the cut points say, and a higher tier Binance reports for it was computed before the loss (its
30 s lag) and is neither anchored nor calibrated on (`loser_at_back`).
Hyperliquid queues only profitable positions: a loser there is tier 0, "not in queue".

**A venue tier anchors the estimate.** A venue's reading of our position is the truth at that
moment: the estimate returns it as is while the score has not moved (Bybit and OKX read theirs
every refresh, so there the two never disagree; the reading goes to calibration), and between
the venue's updates (Binance: every 30 s) it is the anchor's tier moved by the cut points the
score has clearly crossed since (`_cuts_crossed`) — by one tier at most while those cut points
are not calibrated and the anchor placed a profit (`UNCALIBRATED_FOLLOW`). Without an anchor
the cut points alone decide.
Binance recomputes its tier every 30 s, so the score it ranked may not be the one read with it.
Read every refresh, the read that first sees a tier change places Binance's timer
(`core.estimate.recompute_clock`): each tier is then anchored at its recompute, on the score read
then. Until then it may have been computed up to 30 s before the read: where the score read and
the tier are far apart, the anchor (and the calibration reading) takes the score the position had
within those 30 s that fits the tier (`_ranked_score`).

Three sources for the cut points, in order of how much the venue has told us:

* **Prior** (no exchange tier seen yet): the venue's own formula is run
  over a *reference book* shaped like a retail book (leverage 2–100× weighted towards 5–20×,
  55 % cross, entries spread a few per cent around a reference price by how long ago they
  were opened, log-normal sizes; see `_reference_book`), ranked with `core.ranking.queue` exactly as
  the venue ranks, and the cuts are read off where the quintiles fall. Where a queue's cuts
  fall depends above all on how far the market has moved for that side since the book was
  opened (after a rally nearly every long is in profit and the profitable scores spread over
  all five tiers; in a flat market half the side loses and sits at the back), so the prior is
  a *family* of cut sets, one per favourable move, and without readings the flat-market member
  is used. The book is a documented guess; it only orders typical positions, so it adapts to
  whatever units each formula family uses.
* **Market fit** (1 … `MIN_READINGS` − 1 readings): the family member whose cuts put the most
  recent readings in the tiers the venue reported (fewest misclassified, then smallest tier
  error, then nearest a flat market). One parameter, so a handful of readings is enough.
* **Calibration** against the tiers the venue reported for our own positions (`observe`). Each
  cut is put where it misclassifies the fewest recent readings (robust to a noisy or lagging
  indicator: one wrong reading moves a cut by at most one sample), cuts without readings on both
  sides keep the fitted prior scaled like their calibrated neighbours, and the cuts are forced
  to be non-decreasing. Memory is a bounded window per venue, so the mapping follows the market.

**Per queue.** A venue ranks each contract's longs and shorts separately (BTC longs among BTC
longs), and queues differ a lot: the market moved differently for each symbol and side, and
traders of each use other leverage. So the mapping is learned at two levels, the *queue*
(venue, symbol, side — pass `queue=(symbol, side)`) and the *venue overall*, and each estimate
uses the most specific level with evidence (simple hierarchical shrinkage):

* a queue with `MIN_QUEUE_READINGS` or more readings is calibrated on its own readings, as above
  (its calibrated cuts replace its fit only by explaining the newest reading, then the recent
  ones, better);
* a queue with fewer readings gets its own market fit (one parameter, so even one reading
  helps) on its last `QUEUE_FIT_READINGS` readings, the newest explained first: a queue's
  readings are mostly of one of our positions, and its score → tier mapping drifts with the
  market within minutes. Not on a venue whose tier lags (Binance): there the newest reading is
  the one most likely to pair a score with a tier computed on an earlier one, and in a fast
  market it alone can pick a family member the other recent readings all contradict, so the
  recent readings count alike (`_newest_first`). Where the readings cannot tell moves apart,
  the fit is pulled towards how far the queue's own market moved for its side since its
  positions were likely entered, from the market's public hourly candles
  (`entries.entry_move`, passed in as `market`; Binance, whose tier lags, is read with them),
  else towards the venue's own fit: the shrinkage towards the parent level. Binance's losers
  tell it nothing — every losing account is tier 1 there whatever the move — so a queue whose
  position has just left a loss leans on its candles;
* a queue without readings (new, or evicted) falls back to the venue overall — calibrated,
  fitted or prior as above — and its basis says so.

The venue-level window keeps every reading, queue or not, as before. At most `MAX_QUEUES`
queues are tracked (least recently used dropped first), each with at most `QUEUE_WINDOW`
readings, so memory stays bounded whatever the user trades. A queue's own range is wider while
it has few readings (it spans every market move its readings leave plausible).

An estimate's range says how sure the mapping is: on the prior it spans the tiers of every
plausible market move, on a market fit those of every move that explains the readings equally
well, and once calibrated those of the readings nearest in score.

Hyperliquid publishes no indicator and ranks with its own formula, so its scores are not
comparable with any classic venue's: it does not borrow calibration from them. Its prior comes
from its public market data (`core.estimate.public_prior`: candles, open interest, funding, passed
in as `market`), and only when that could not be read from the reference book. Its basis says which.
"""

from __future__ import annotations

import bisect
import functools
import math
import random
import statistics
from collections import OrderedDict, deque
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

from adl_monitor.core import venues
from adl_monitor.core.estimate.entries import entry_move
from adl_monitor.core.estimate.public_prior import PublicPrior, public_prior
from adl_monitor.core.estimate.recompute_clock import Computed, RecomputeClock
from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.estimate import Estimate, Score
from adl_monitor.core.model.levels import MAX_TIER
from adl_monitor.core.model.market_context import MarketContext
from adl_monitor.core.model.position import MarginMode, Position, QueueKey, Side
from adl_monitor.core.ranking.formulas import (
    describe,
    formula_name,
    in_queue,
    loser_at_back,
    queues_losers,
    score_position,
)
from adl_monitor.core.ranking.queue import queue_tiers
from adl_monitor.core.ranking.scales import has_indicator
from adl_monitor.core.venues.display_names import venue_display_name

NOT_IN_QUEUE_TIER = 0
BACK_OF_QUEUE_TIER = 1
FIRST_CUT_TIER = 2  # tier 1 is everything below the first cut
DEFAULT_WINDOW = 600
MIN_READINGS = 12
"""Fewer readings than this from a venue and the estimate stays on the prior."""
MIN_QUEUE_READINGS = 12
"""Fewer readings than this from one queue and it keeps its one-parameter market fit."""
MAX_QUEUES = 200
"""Queues (venue, symbol, side) tracked at once; the least recently used is dropped."""
QUEUE_WINDOW = 200
"""Readings kept per queue (at most the venue's window)."""
MIN_PER_SIDE = 2
"""A cut is calibrated only with at least this many readings on each side of it."""
NEIGHBOURS = 3
"""Readings on each side of a score whose tiers widen a calibrated estimate's range."""
SAMPLE_INTERVAL = timedelta(seconds=60)
"""An unchanged tier of one position is sampled at most this often."""
ANCHOR_MAX_AGE = timedelta(seconds=300)
"""A venue tier anchors its position's estimate for this long; after that the queue around the
position has moved too far for "the venue's tier plus the cuts the score crossed" to beat the
cut points alone."""
FOLLOW_MARGIN = 0.5
"""Between venue updates a cut point counts as crossed once the score is past it by half of
the score (up: twice the cut; down: below two thirds of it). A score mostly moves with its
market, and so do its neighbours': the calm scenario's SOL short rose 0.0012 → 0.0020 within
15 s past a cut at 0.0013, while the true start of its tier rose 0.0008 → 0.0022 and the
position fell a tier (Binance's 4 → 3; the estimate said 5). Replayed on the Binance readings
of the accuracy benchmark (benchmarks/estimate_accuracy.py), 0.5 makes fewer two-tier misses
than 0.3 (chosen when a tier could be 30 s older than its read) and is more often exact; at 1.0
a rise is never followed and misses are five times as many. A tier that ranked a loss places
no profit, so from there the cut points alone place the profit, with no margin (`estimate`)."""
UNCALIBRATED_FOLLOW = 1
"""Between venue updates, on cut points not yet calibrated (fewer than the level's minimum of
readings), the estimate moves at most this many tiers from the venue's tier. Those cut points
are the reference book's, whose scale a population of more leveraged traders can miss
thirtyfold: in a squeeze the demo's long, Binance's tier 1, rose 0.001 → 0.07 within 30 s with
the whole queue, crossed three of them and stayed at the back (benchmarks/estimate_accuracy.py,
wild seed 6). A tier that ranked a loss places no profit (every loser is tied at the back), so
an account just out of one goes as far as the cut points say: on seeds 1, 11 and 12 a cap
would hold such longs at 2 where they are 4–5. That includes a tier read beside a profit the
cut points put two tiers up, which the lag lets rank the loss of seconds before
(`_ranked_score`): the cut points' scale is the other explanation (wild seed 14's squeeze,
true tier 1, estimated 3), but where the loss is the right one (seeds 15, 16 and 20's
cascades, true tier 4, held at 2) the cap errs towards the back of the queue, the unsafe way.
Once Binance's timer is placed (`RecomputeClock`), the lag shrinks to the 5 s between reads,
and seed 14's tier is placed on the profit it was computed on."""
MARK_TOLERANCE = 0.001
"""A public-data prior is recomputed once the mark moved by 0.1 % since (`_same_market`)."""
_MAX_SOURCES = 10_000
LAG_GAP = 2
"""Tiers between a lagging venue tier and the score read with it that the lag, not a cut point
a little off, must explain (`_ranked_score`)."""
SCORE_MEMORY = 64
"""Scores kept per position (one a refresh) to find the one a lagging venue tier ranked."""
PRIOR_SPREAD = 2.0
"""Cut ratio assumed above the reference book's highest score (a formula with no tier 5)."""

_STATE_VERSION = 1

# The reference book of the prior: a retail-shaped venue book (a documented guess).
_REFERENCE_LEVERAGES = (2.0, 3.0, 5.0, 10.0, 15.0, 20.0, 25.0, 50.0, 75.0, 100.0)
_REFERENCE_LEVERAGE_WEIGHTS = (6, 8, 16, 22, 10, 14, 8, 8, 4, 4)
_REFERENCE_CROSS_SHARE = 0.55
_REFERENCE_ENTRY_SPREAD = 0.03
"""Stdev of entries around the reference price for a position opened a day or more ago."""
_REFERENCE_MEAN_AGE_HOURS = 20.0
_REFERENCE_SIZE = 400
_REFERENCE_SEED = 20251010
_REFERENCE_MAINTENANCE_RATE = 0.005
_MIN_CUSHION = 0.01
"""Positions within 1 % of liquidation at the mark are gone: liquidated before."""
MARKET_MOVES = (-0.08, -0.05, -0.03, -0.015, 0.0, 0.015, 0.03, 0.05, 0.075, 0.1, 0.13, 0.17, 0.22)
"""Favourable moves (fraction of price since the book was opened) the prior family spans."""
FLAT_MARKET = 0.0
PLAUSIBLE_MOVE = 0.03
"""Without readings, the range covers the tiers of every move within ±3 % of the guessed one."""
FIT_READINGS = 24
"""The market fit uses this many most recent readings: the market state is recent."""
QUEUE_FIT_READINGS = 4
"""A queue's own fit uses only its few most recent readings: one queue's readings are mostly
of one position, and as the market moves its score → tier mapping drifts within minutes."""
FIT_SLACK = 1
"""A move that misplaces one reading more than the best one is still plausible: the indicator
lags (Binance: 30 s) and a handful of readings cannot tell close moves apart."""


@dataclass(frozen=True, slots=True)
class CalibrationSample:
    """One calibration sample: a profitable position's score and the tier the venue reported."""

    score: float
    tier: int


@dataclass(frozen=True, slots=True)
class Anchor:
    """The venue's last tier for one position, with the score the venue ranked for it (the
    score read with the report, or on a venue whose tier lags one the position had shortly
    before: `RankEstimator._ranked_score`) and when the report was read."""

    score: float
    tier: int
    at: datetime
    at_back: bool = False
    """The ranked score was a loser's, tied at the back (Binance): the tier places no profit."""


@dataclass(frozen=True, slots=True)
class _Remembered:
    """One of a position's recent scores (`RankEstimator._remember_score`): when, its value,
    and whether it was a loser tied at the back of its venue's queue."""

    at: datetime
    value: float
    at_back: bool


@dataclass(frozen=True, slots=True)
class MarketFit:
    """The prior family member in use (`move`) and every move as plausible (`plausible`)."""

    move: float
    plausible: tuple[float, ...]


_LevelKey = tuple[str, ...]
"""(exchange,) for a venue overall, (exchange, symbol, side) for one of its queues."""


@dataclass(frozen=True, slots=True)
class _Level:
    """The calibration level an estimate rests on: a queue with readings, else the venue."""

    key: _LevelKey
    exchange: str
    queue: QueueKey | None
    """The queue, when this level is the queue's own; None for the venue overall."""
    asked: QueueKey | None
    """The queue the caller asked about (None when not given)."""
    min_readings: int


class RankEstimator:
    """Per-queue and per-venue score → tier mapping: a documented prior, calibrated by observed
    exchange tiers.

    Not thread-safe; the engine owns one instance on its own thread.
    """

    def __init__(self, window: int = DEFAULT_WINDOW) -> None:
        if window < MIN_READINGS:
            raise ValueError(f"window must hold at least {MIN_READINGS} readings, got {window}")
        self._window = window
        self._queue_window = min(window, QUEUE_WINDOW)
        self._readings: dict[str, deque[CalibrationSample]] = {}
        self._queues: OrderedDict[tuple[str, str, str], deque[CalibrationSample]] = OrderedDict()
        self._cuts: dict[_LevelKey, tuple[float, ...]] = {}
        self._fits: dict[_LevelKey, MarketFit] = {}
        self._guessed: dict[str, float] = {}
        self._sorted: dict[_LevelKey, tuple[list[float], list[int]]] = {}
        self._last_sample: dict[tuple[str, Hashable], tuple[datetime, int]] = {}
        self._anchors: dict[tuple[str, Hashable], Anchor] = {}
        self._clocks: dict[str, RecomputeClock] = {}
        """Per venue whose tier lags, when it recomputes it (`_computed`)."""
        self._seen: dict[tuple[str, Hashable], tuple[datetime, int]] = {}
        """Each position's last tier read, with when: a change places its venue's clock."""
        self.readings_taken = 0
        """Readings calibrated on since this estimator was made (restored ones included): a
        saver compares it with the count at its last save (`engine.calibration`)."""
        self._scores: dict[tuple[str, Hashable], deque[_Remembered]] = {}
        """Each position's recent scores, as estimated, with when (`_ranked_score`)."""
        self._public: OrderedDict[tuple[str, str, str], tuple[MarketContext, PublicPrior]] = (
            OrderedDict()
        )
        self._moves: OrderedDict[tuple[str, str, str], tuple[MarketContext, float]] = OrderedDict()
        """Per queue of a venue with a tier, its market's move for the side since the likely
        entries (`entries.entry_move`), with the figures it was computed from."""

    # ---- calibration -------------------------------------------------------------------

    def observe(
        self,
        exchange: str,
        score: Score,
        exchange_tier: int,
        *,
        source: Hashable | None = None,
        at: datetime | None = None,
        queue: QueueKey | None = None,
    ) -> None:
        """Remember that the venue put a position with this score in `exchange_tier`.

        Losing positions count like any other: the venue ranks them in the same queue, so
        they place the lower cuts. Ignored: tier 0 or out of range (no position / no
        indicator), non-finite scores, and losers on a venue that queues only profitable
        positions (Hyperliquid). With `source` (the position's identity) and `at` (when the
        venue reported the tier), the reading becomes the position's *anchor*, which its
        estimate follows until the venue's next tier (`estimate`), and a position whose tier
        has not changed is sampled at most once per `SAMPLE_INTERVAL`, so a few positions
        refreshed every few seconds do not fill the window with near-copies of themselves.
        With `queue` (symbol, side) the reading also calibrates that queue of the venue.
        """
        if not 1 <= exchange_tier <= MAX_TIER or not math.isfinite(score.value):
            return
        if not score.profitable and not queues_losers(exchange):
            return
        if source is not None and at is not None:
            self._see(exchange, source, exchange_tier, at)
        if loser_at_back(exchange, score) and exchange_tier > BACK_OF_QUEUE_TIER:
            return  # ranked while still in profit (the venue's lag): no score of ours to place
        value = score.value
        if source is not None and at is not None:
            computed = self._computed(exchange, at)
            at = computed.at
            value = self._anchor(exchange, source, score, exchange_tier, computed, queue)
            previous = self._last_sample.get((exchange, source))
            if previous is not None:
                last_at, last_tier = previous
                if last_tier == exchange_tier and abs(at - last_at) < SAMPLE_INTERVAL:
                    return
            if len(self._last_sample) >= _MAX_SOURCES:
                self._last_sample.clear()
            self._last_sample[(exchange, source)] = (at, exchange_tier)
        reading = CalibrationSample(value, exchange_tier)
        readings = self._readings.setdefault(exchange, deque(maxlen=self._window))
        readings.append(reading)
        self.readings_taken += 1
        if queue is not None:
            self._queue_readings(exchange, queue, create=True).append(reading)
        self._forget_mapping(exchange)

    def readings(self, exchange: str, *, queue: QueueKey | None = None) -> int:
        """How many readings from this venue (or, with `queue`, from that queue of it) the
        calibration currently rests on."""
        if queue is not None:
            return len(self._queues.get(_queue_key(exchange, queue), ()))
        return len(self._readings.get(exchange, ()))

    def calibrated(self, exchange: str, *, queue: QueueKey | None = None) -> bool:
        """Whether the venue (or, with `queue`, that queue on its own) is past the prior."""
        if queue is not None:
            return self.readings(exchange, queue=queue) >= MIN_QUEUE_READINGS
        return self.readings(exchange) >= MIN_READINGS

    # ---- the mapping -------------------------------------------------------------------

    def thresholds(self, exchange: str, *, queue: QueueKey | None = None) -> list[float]:
        """Score at which each tier starts, for tiers 1…5 (index 0 is tier 1, always −∞).

        A profitable position with score s is in the highest tier whose start is ≤ s. With
        `queue`, the cuts of that queue (or the venue's, while the queue has no readings).
        """
        return [-math.inf, *self._cut_points(self._level(exchange, queue))]

    def tier_start(self, exchange: str, tier: int, *, queue: QueueKey | None = None) -> float:
        """The score at which `tier` (1…5) starts on this venue (or in this queue of it)."""
        if not BACK_OF_QUEUE_TIER <= tier <= MAX_TIER:
            raise ValueError(f"tier must be 1…{MAX_TIER}, got {tier}")
        return self.thresholds(exchange, queue=queue)[tier - 1]

    def tier_for(self, exchange: str, score: Score, *, queue: QueueKey | None = None) -> int:
        """The tier the score alone earns: where it falls among the cut points, losers
        included; 0 (not in the queue) for a loser on a venue that queues only profitable
        positions."""
        return self._tier_in(self._level(exchange, queue), score)

    def _tier_in(self, level: _Level, score: Score) -> int:
        """`tier_for` on a level already looked up (`estimate` needs the level itself too)."""
        if not math.isfinite(score.value) or loser_at_back(level.exchange, score):
            return BACK_OF_QUEUE_TIER
        if not in_queue(level.exchange, score):
            return NOT_IN_QUEUE_TIER
        self._guess_market(level.exchange, score)
        return _tier_of(score.value, self._cut_points(level))

    def prior_thresholds(self, exchange: str, score: Score) -> list[float]:
        """The prior's tier starts for this score (index 0 is tier 1, always −∞): the cut
        points a fresh estimator places it with, centred on the score's own market move.

        They rest on nothing observed, so they are the same whatever was read before — the
        cut points a one-shot `snapshot` and a long `watch` share while neither is
        calibrated (the advisor sizes its first-guide advice on them).
        """
        move = _fit_around(_own_move(score)).move
        return [-math.inf, *_prior_family(formula_name(exchange), exchange)[move]]

    def estimate(
        self,
        exchange: str,
        score: Score,
        *,
        queue: QueueKey | None = None,
        source: Hashable | None = None,
        at: datetime | None = None,
        market: MarketContext | None = None,
    ) -> Estimate:
        """Tier, plausible range and a plain-words basis for one position's score.

        With `market` (the public figures of the position's market) a venue without an
        indicator gets its queue's cut points from those figures (`core.estimate.public_prior`)
        rather than from the reference book; they stay in use for that queue (the advisor's
        what-ifs) until the next market figures.

        With `source` and `at` (the position's identity and now), a venue tier observed for
        the position within `ANCHOR_MAX_AGE` anchors the estimate: the anchor's tier, moved
        by as many cut points as the score crossed since the venue reported it (one tier at
        most on cut points not yet calibrated: `UNCALIBRATED_FOLLOW`). A tier the
        venue reported for the score the position still has is therefore returned as it is
        — the estimate never contradicts a fresh venue tier — and between the venue's
        updates (Binance: every 30 s) the estimate follows the score.
        """
        if market is not None and queue is not None:
            self._use_market(exchange, queue, market)
        if source is not None and at is not None and _indicator_lag(exchange) > 0:
            self._remember_score(exchange, source, at, score)  # only a lag reads them
        level = self._level(exchange, queue)
        tier = self._tier_in(level, score)
        if loser_at_back(exchange, score):  # neither an anchor nor a cut point moves it
            return Estimate(
                score=score.value, tier=tier, low=tier, high=tier, basis=self._basis(level, score)
            )
        anchor = self._anchor_for(exchange, source, at)
        if (
            anchor is not None
            and at is not None
            and tier != NOT_IN_QUEUE_TIER
            and math.isfinite(score.value)
        ):
            if anchor.at_back:  # a tier that ranked a loss placed no profit: the cuts alone do
                crossed = tier - anchor.tier
            else:
                crossed = _cuts_crossed(anchor.score, score.value, self._cut_points(level))
            moved = crossed
            if not anchor.at_back and self._on_prior(level):
                moved = max(-UNCALIBRATED_FOLLOW, min(UNCALIBRATED_FOLLOW, crossed))
            # The range runs from the venue's tier to where the cut points alone take it; the
            # tier followed lies between (`moved` is `crossed`, or less of it).
            reach = _queued_tier(anchor.tier + crossed)
            return Estimate(
                score=score.value,
                tier=_queued_tier(anchor.tier + moved),
                low=min(anchor.tier, reach),
                high=max(anchor.tier, reach),
                basis=self._anchored_basis(level, score, anchor, crossed, moved, at),
            )
        low, high = self._range(level, score, tier)
        return Estimate(
            score=score.value, tier=tier, low=low, high=high, basis=self._basis(level, score)
        )

    # ---- persistence -------------------------------------------------------------------

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-able state, so calibration survives a restart.

        `venues` is the original format (every reading of a venue); `queues` was added beside
        it ([exchange, symbol, side, readings], least recently used first), so an older
        version of the app still reads a newer file and a newer one reads an older file.
        """
        # The engine saves from a worker thread while its loop observes and estimates (which
        # reorders the queues' LRU): copy each container in one C-level step before walking it.
        venues = [(exchange, list(readings)) for exchange, readings in list(self._readings.items())]
        queues = [(key, list(readings)) for key, readings in list(self._queues.items())]
        return {
            "version": _STATE_VERSION,
            "window": self._window,
            "venues": {
                exchange: [[r.score, r.tier] for r in readings] for exchange, readings in venues
            },
            "queues": [
                [exchange, symbol, side, [[r.score, r.tier] for r in readings]]
                for (exchange, symbol, side), readings in queues
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> RankEstimator:
        """Restore `to_dict()` state. Tolerant on purpose: a malformed entry is skipped, so a
        damaged file costs calibration, never start-up. A file without `queues` (written
        before per-queue calibration) restores the venue level alone."""
        window = data.get("window", DEFAULT_WINDOW)
        if not isinstance(window, int) or isinstance(window, bool) or window < MIN_READINGS:
            window = DEFAULT_WINDOW
        estimator = cls(window=window)
        if data.get("version") != _STATE_VERSION:
            return estimator
        venues = data.get("venues")
        if isinstance(venues, Mapping):
            for exchange, samples in venues.items():
                if not isinstance(exchange, str) or not isinstance(samples, list):
                    continue
                for sample in samples:
                    reading = _parse_reading(sample)
                    if reading is not None:
                        estimator.observe(
                            exchange, Score(reading.score, "restored", True), reading.tier
                        )
        queues = data.get("queues")
        if isinstance(queues, list):
            for entry in queues:
                estimator._restore_queue(entry)
        return estimator

    # ---- internals ---------------------------------------------------------------------

    def _use_market(self, exchange: str, queue: QueueKey, market: MarketContext) -> None:
        """Cut points of the queue from its market's public figures, on a venue without an
        indicator; on a venue with one, which calibrates on its tiers instead, the market move
        its queue's fit leans on where the tiers cannot tell (`_use_entry_move`)."""
        if has_indicator(exchange):
            self._use_entry_move(exchange, queue, market)
            return
        key = _queue_key(exchange, queue)
        # A prior that places nobody in profit holds at its own mark only: the first step back
        # under the newest candles' prices places positions again.
        if _known_for(self._public, key, market) and self._public[key][1].cuts is not None:
            return
        _keep(self._public, key, market, public_prior(market, queue[1]))
        self._forget_mapping(exchange)

    def _use_entry_move(self, exchange: str, queue: QueueKey, market: MarketContext) -> None:
        """Keep how far the queue's market moved for its side since the likely entries; the
        queue's own mapping is made again when it changed (not on every mark: `_same_market`)."""
        key = _queue_key(exchange, queue)
        if _known_for(self._moves, key, market):
            return
        _keep(self._moves, key, market, entry_move(market, queue[1]))
        for cache in (self._cuts, self._fits):
            cache.pop(key, None)

    def _entry_move(self, level: _Level) -> float | None:
        """The market move of the level's queue from its candles (None: a venue level, or no
        candles read)."""
        if level.queue is None:
            return None
        known = self._moves.get(_queue_key(level.exchange, level.queue))
        return known[1] if known is not None else None

    def _public_prior(self, level: _Level) -> PublicPrior | None:
        """The public-data prior of the asked queue, while its level has no readings."""
        if not self._public or level.asked is None or self._level_count(level):
            return None  # (no market figures at all: every venue but Hyperliquid)
        known = self._public.get(_queue_key(level.exchange, level.asked))
        return known[1] if known is not None else None

    def _see(self, exchange: str, source: Hashable, tier: int, read_at: datetime) -> None:
        """Note the tier read for the position; one that changed since the previous read
        places a recompute of its venue's indicator between the two (`RecomputeClock`)."""
        clock = self._clock(exchange)
        if clock is None:
            return
        key = (exchange, source)
        previous = self._seen.get(key)
        if previous is not None and previous[1] != tier:
            clock.changed(previous[0], read_at)
        if previous is None and len(self._seen) >= _MAX_SOURCES:
            self._seen.clear()
        self._seen[key] = (read_at, tier)

    def _clock(self, exchange: str) -> RecomputeClock | None:
        """The venue's recompute clock; None for a venue that computes its tier as read."""
        clock = self._clocks.get(exchange)
        if clock is None:
            lag = _indicator_lag(exchange)
            if lag <= 0:
                return None
            clock = self._clocks[exchange] = RecomputeClock(lag)
        return clock

    def _computed(self, exchange: str, read_at: datetime) -> Computed:
        """When the venue computed the tier read at `read_at`: then, on a venue that computes
        it with every trade; on one that recomputes it on a timer, at the timer's last tick."""
        clock = self._clock(exchange)
        return Computed(read_at, 0.0) if clock is None else clock.computed(read_at)

    def _anchor(
        self,
        exchange: str,
        source: Hashable,
        score: Score,
        tier: int,
        computed: Computed,
        queue: QueueKey | None,
    ) -> float:
        """Keep the venue's latest tier for the position, with the score it ranked
        (`_ranked_score`), and return that score. A report already anchored (same time, same
        tier: the venue has not updated since) keeps the score it was first read with."""
        key = (exchange, source)
        at = computed.at
        previous = self._anchors.get(key)
        if previous is not None and (previous.at, previous.tier) == (at, tier):
            return previous.score
        if previous is None and len(self._anchors) >= _MAX_SOURCES:
            self._anchors.clear()
        read = _Remembered(at, score.value, loser_at_back(exchange, score))
        ranked = self._ranked_score(exchange, key, read, tier, queue, computed.within)
        self._anchors[key] = Anchor(ranked.value, tier, at, ranked.at_back)
        return ranked.value

    def _ranked_score(
        self,
        exchange: str,
        key: tuple[str, Hashable],
        read: _Remembered,
        tier: int,
        queue: QueueKey | None,
        lag: float,
    ) -> _Remembered:
        """The score the venue ranked when it computed `tier`, reported with `read`.

        A venue that computes its indicator with every trade ranked the score read with it.
        One that recomputes it on a timer (Binance: every 30 s) ranked one the position had
        within that lag — which one is not said. Anchoring the score read *now* is wrong when
        the score crossed cut points in the meantime: an account just back in profit would keep
        the tier 1 Binance gave its loss until the next update, and one whose profit jumped the
        tier its smaller profit had. So where the score read now is `LAG_GAP` or more tiers
        from the venue's under the cut points, the score the position had within the lag whose
        tier is nearest the venue's is taken (the newest of equals). The reading calibrates
        that score too: (0.29, tier 1) would pull the cuts below 0.29 above it. (An account
        that just fell to a loss never gets here: it is at the back, `loser_at_back`.)

        The cost: where the cut points are that far off (a prior fitted on few readings), the
        pair that would have corrected them is replaced by one that agrees with them, for as
        long as the lag holds a score that agrees — on the accuracy benchmark one wild seed
        (6) lost 2 points of Binance's within one while the held-out worst seed gained 2.7.
        """
        recent = self._scores.get(key)
        if lag <= 0 or not recent:
            return read
        since = read.at - timedelta(seconds=lag)
        # A loser tied at the back is tier 1 whatever the cuts: it cannot be what a higher
        # tier ranked (`observe` drops that reading for the score read now, likewise).
        candidates = [
            kept
            for kept in recent
            if kept.at > since and not (kept.at_back and tier > BACK_OF_QUEUE_TIER)
        ]
        if not candidates:
            return read
        cuts = self._cut_points(self._level(exchange, queue))
        best, gap = read, abs(_tier_of(read.value, cuts) - tier)
        if gap < LAG_GAP:
            return read  # one tier off: a cut point as likely as the lag
        for kept in reversed(candidates):
            distance = abs(_tier_of(kept.value, cuts) - tier)
            if distance < gap:
                best, gap = kept, distance
        return best

    def _remember_score(self, exchange: str, source: Hashable, at: datetime, score: Score) -> None:
        """Keep the position's score as estimated at `at` (the last `SCORE_MEMORY` of them),
        for the venue's next lagging tier to be placed on (`_ranked_score`)."""
        key = (exchange, source)
        scores = self._scores.get(key)
        if scores is None:
            if len(self._scores) >= _MAX_SOURCES:
                self._scores.clear()
            scores = self._scores[key] = deque(maxlen=SCORE_MEMORY)
        if math.isfinite(score.value) and (not scores or scores[-1].at < at):
            scores.append(_Remembered(at, score.value, loser_at_back(exchange, score)))

    def _anchor_for(
        self, exchange: str, source: Hashable | None, at: datetime | None
    ) -> Anchor | None:
        if source is None or at is None:
            return None
        anchor = self._anchors.get((exchange, source))
        if anchor is None or not timedelta(0) <= at - anchor.at <= ANCHOR_MAX_AGE:
            return None
        return anchor

    def _anchored_basis(
        self,
        level: _Level,
        score: Score,
        anchor: Anchor,
        crossed: int,
        moved: int,
        at: datetime,
    ) -> str:
        venue = venue_display_name(level.exchange)
        age = (at - anchor.at).total_seconds()
        told = f"{venue}'s own tier {anchor.tier}, reported {age:.0f} s ago"
        if crossed == 0:
            follow = "the score has crossed no cut point since"
        else:
            count = abs(crossed)
            direction = "up" if crossed > 0 else "down"
            follow = (
                f"the score has since crossed {count} cut point{'s' if count > 1 else ''} "
                f"{direction}"
            )
        if moved != crossed:
            step = abs(moved)
            follow = (
                f"{follow}, taken as {step} tier{'s' if step > 1 else ''}: cut points not yet "
                f"calibrated may be off in scale, the venue's tier is not"
            )
        return f"{describe(score)}; {told}; {follow} ({self._source_words(level)})"

    def _restore_queue(self, entry: object) -> None:
        if not isinstance(entry, list) or len(entry) != 4:
            return
        exchange, symbol, side, samples = entry
        if not all(isinstance(part, str) for part in (exchange, symbol, side)):
            return
        if not isinstance(samples, list):
            return
        parsed = [r for r in (_parse_reading(sample) for sample in samples) if r is not None]
        if parsed:
            self._queue_readings(
                str(exchange), QueueKey(str(symbol), str(side)), create=True
            ).extend(parsed)
            self._forget_mapping(str(exchange))

    def _queue_readings(
        self, exchange: str, queue: QueueKey, *, create: bool
    ) -> deque[CalibrationSample]:
        """The queue's readings, marked as most recently used; evicts the least recently used
        queue beyond `MAX_QUEUES`."""
        key = _queue_key(exchange, queue)
        readings = self._queues.get(key)
        if readings is None:
            readings = deque(maxlen=self._queue_window)
            if not create:
                return readings
            self._queues[key] = readings
            while len(self._queues) > MAX_QUEUES:
                evicted, _ = self._queues.popitem(last=False)
                self._forget_mapping(evicted[0])
        else:
            self._queues.move_to_end(key)
        return readings

    def _level(self, exchange: str, queue: QueueKey | None) -> _Level:
        """The most specific level with readings: the queue's own, else the venue overall.
        Asking marks the queue as recently used (as `_queue_readings` does)."""
        if queue is not None:
            key = _queue_key(exchange, queue)
            readings = self._queues.get(key)
            if readings is not None:
                self._queues.move_to_end(key)
                if readings:
                    return _Level(key, exchange, queue, queue, MIN_QUEUE_READINGS)
        return _Level((exchange,), exchange, None, queue, MIN_READINGS)

    def _level_count(self, level: _Level) -> int:
        """`len(self._level_readings(level))`, without copying the readings."""
        if level.queue is not None:
            return len(self._queues.get(_queue_key(level.exchange, level.queue), ()))
        return len(self._readings.get(level.exchange, ()))

    def _on_prior(self, level: _Level) -> bool:
        """Whether the level's cut points are still a prior (fitted or not): fewer readings
        than it needs to be calibrated (`calibrated`, for a level)."""
        return self._level_count(level) < level.min_readings

    def _level_readings(self, level: _Level) -> list[CalibrationSample]:
        if level.queue is not None:
            return list(self._queues.get(_queue_key(level.exchange, level.queue), ()))
        return list(self._readings.get(level.exchange, ()))

    def _forget_mapping(self, exchange: str) -> None:
        """Drop every cached mapping of the venue: its queues' fits lean on the venue's."""
        for cache in (self._cuts, self._fits, self._sorted):
            for key in [key for key in cache if key[0] == exchange]:
                del cache[key]

    def _cut_points(self, level: _Level) -> tuple[float, ...]:
        public = self._public_prior(level)
        if public is not None and public.cuts is not None:
            return public.cuts
        cached = self._cuts.get(level.key)
        if cached is not None:
            return cached
        fit = self._fit(level)
        prior = _prior_family(formula_name(level.exchange), level.exchange)[fit.move]
        readings = self._level_readings(level)
        cuts = prior
        if len(readings) >= level.min_readings:
            calibrated = _calibrate(prior, readings)
            # Per-cut calibration has four free cuts and the window remembers older markets:
            # it must explain the recent readings better than the one-parameter fit to win
            # (in a queue, the newest reading first, as in the queue's fit).
            recent = readings[-FIT_READINGS:]
            newest = readings[-1:] if _newest_first(level) else []
            if (_misfit(calibrated, newest), _misfit(calibrated, recent)) < (
                _misfit(prior, newest),
                _misfit(prior, recent),
            ):
                cuts = calibrated
        self._cuts[level.key] = cuts
        return cuts

    def _guess_market(self, exchange: str, score: Score) -> None:
        """Before the venue's first reading, centre the prior on this position's own move.

        Without any reading the best guess of how far the market moved for the side is how far
        it moved for this position since its entry: the other traders entered around the same
        prices, some earlier, some later. The guess stays until the next position is estimated,
        so `thresholds`/`tier_start` (the advisor's what-ifs, asked right after the estimate)
        use the same cuts as the estimate they follow.
        """
        if self.readings(exchange):
            return
        move = _own_move(score)
        guessed = self._guessed.get(exchange)
        if guessed != move:
            self._guessed[exchange] = move
            # The mapping rests on the guess only through the family member nearest it: a
            # guess near the same member (most positions of one account) keeps it.
            if _fit_around(FLAT_MARKET if guessed is None else guessed) is not _fit_around(move):
                self._forget_mapping(exchange)

    def _fit(self, level: _Level) -> MarketFit:
        cached = self._fits.get(level.key)
        if cached is None:
            family = _prior_family(formula_name(level.exchange), level.exchange)
            recent = self._level_readings(level)[-FIT_READINGS:]
            if level.queue is not None:
                recent = recent[-QUEUE_FIT_READINGS:]
                # Shrinkage: what the queue's readings cannot decide follows the queue's own
                # market where its candles were read, else the venue.
                anchor = self._entry_move(level)
                if anchor is None:
                    venue = _Level((level.exchange,), level.exchange, None, None, MIN_READINGS)
                    anchor = self._fit(venue).move
                newest_first = _newest_first(level)
                cached = _fit_market(family, recent, anchor=anchor, latest_first=newest_first)
            elif recent:
                cached = _fit_market(family, recent)
            else:
                cached = _fit_around(self._guessed.get(level.exchange, FLAT_MARKET))
            self._fits[level.key] = cached
        return cached

    def _range(self, level: _Level, score: Score, tier: int) -> tuple[int, int]:
        if tier == NOT_IN_QUEUE_TIER or not math.isfinite(score.value):
            return tier, tier
        public = self._public_prior(level)
        if public is not None and public.cuts is None:
            return BACK_OF_QUEUE_TIER, MAX_TIER  # the model cannot place it (`_source_words`)
        if public is not None:
            tiers = [_tier_of(score.value, cuts) for cuts in public.alternatives]
            high = MAX_TIER if public.open_ended else max([tier, *tiers])
            return min([tier, *tiers]), high
        if self._on_prior(level):
            family = _prior_family(formula_name(level.exchange), level.exchange)
            plausible = self._fit(level).plausible
            spanned = {tier, *(_tier_of(score.value, family[move]) for move in plausible)}
            return min(spanned), max(spanned)
        scores, tiers = self._ordered(level)
        at = bisect.bisect_left(scores, score.value)
        near = tiers[max(0, at - NEIGHBOURS) : at + NEIGHBOURS]
        return min([tier, *near]), max([tier, *near])

    def _ordered(self, level: _Level) -> tuple[list[float], list[int]]:
        """The level's readings sorted by score (cached until the next observation)."""
        cached = self._sorted.get(level.key)
        if cached is None:
            ordered = sorted(self._level_readings(level), key=lambda r: r.score)
            cached = ([r.score for r in ordered], [r.tier for r in ordered])
            self._sorted[level.key] = cached
        return cached

    def _source_words(self, level: _Level) -> str:
        """What the cut points rest on: calibration, a fitted prior or the prior alone."""
        exchange = level.exchange
        public = self._public_prior(level)
        if public is not None and public.cuts is None:
            return (
                f"{public.words}; {venue_display_name(exchange)} publishes no ADL indicator: "
                f"the tier is the reference book's, for {_market_words(self._fit(level).move)}"
                ", and the range is the whole queue"
            )
        if public is not None:
            return f"{public.words}; {venue_display_name(exchange)} publishes no ADL indicator"
        count = self._level_count(level)
        if not count:
            return _prior_words(exchange, self._fit(level).move)
        venue = venue_display_name(exchange)
        where = (
            f"of {_queue_words(level.queue)} on {venue}" if level.queue else f"on {venue} overall"
        )
        if count >= level.min_readings:
            source = f"calibrated on {count} readings {where}"
        else:
            candles = " and its hourly candles" if self._entry_move(level) is not None else ""
            source = (
                f"prior fitted to the tiers {where}{candles}, "
                f"{_market_words(self._fit(level).move)}: "
                f"not yet calibrated ({count} of {level.min_readings} readings)"
            )
        if level.queue is None and level.asked is not None:
            source = f"{source} (no readings yet of {_queue_words(level.asked)})"
        return source

    def _basis(self, level: _Level, score: Score) -> str:
        inputs = describe(score)
        if not in_queue(level.exchange, score):
            venue = venue_display_name(level.exchange)
            return (
                f"{inputs}; not in queue: {venue} deleverages only profitable positions, "
                "and this one is losing"
            )
        if loser_at_back(level.exchange, score):  # no cut point places it: none is named
            venue = venue_display_name(level.exchange)
            return (
                f"{inputs}; losing: {venue} scores every losing account 0, tied at the back of "
                "the queue behind every account in profit"
            )
        source = self._source_words(level)
        if not score.profitable:
            source = f"losing: ranked by its loss among every position on this side; {source}"
        return f"{inputs}; {source}"


# ---- pure helpers -----------------------------------------------------------------------


def _queue_key(exchange: str, queue: QueueKey) -> tuple[str, str, str]:
    symbol, side = queue
    return exchange, symbol, side


def _queue_words(queue: QueueKey) -> str:
    """("BTC/USDT:USDT", "long") → "BTC/USDT:USDT longs"."""
    symbol, side = queue
    return f"{symbol} {side}s"


@functools.lru_cache(maxsize=1024)
def _prior_words(exchange: str, move: float) -> str:
    """What cut points without a single reading rest on: the prior, for a market that moved
    `move` (a member of `MARKET_MOVES`). The same words for every position of a venue that
    has not been read yet, so they are made once."""
    market = _market_words(move)
    if not has_indicator(exchange):
        return (
            f"prior from a reference book ({venue_display_name(exchange)} publishes no ADL "
            f"indicator, and its public market data was not read); assumes {market}, as for "
            "this position"
        )
    return f"prior: not yet calibrated; assumes {market}"


def _market_words(move: float) -> str:
    return f"a market that moved {move * 100:+.1f} % for this side"


def _cuts_crossed(before: float, now: float, cuts: tuple[float, ...]) -> int:
    """Cut points the score has crossed since `before`, up (> 0) or down (< 0), counting only
    those it is clearly past: by `FOLLOW_MARGIN` of its own size. A cut point is an estimate
    and the queue moves with the score, so a score that only grazes a cut keeps the venue's
    tier."""
    start = _tier_of(before, cuts)
    margin = FOLLOW_MARGIN * abs(now)
    low, high = _tier_of(now - margin, cuts), _tier_of(now + margin, cuts)
    if low > start:
        return low - start
    if high < start:
        return high - start
    return 0


def _newest_first(level: _Level) -> bool:
    """Whether the level's newest reading is the best evidence of its mapping: a queue's, on a
    venue whose tier is computed as read. A lagging tier's newest reading may rank a score the
    position had before (`RankEstimator._ranked_score`), so there it weighs like the others."""
    return level.queue is not None and _indicator_lag(level.exchange) <= 0


def _indicator_lag(exchange: str) -> float:
    """Seconds before it is read that the venue may have computed its indicator (0: as read)."""
    venue = venues.find(exchange)
    return venue.cadence.indicator_lag if venue is not None else 0.0


def _same_market(known: MarketContext, market: MarketContext) -> bool:
    """The same public figures, the mark within `MARK_TOLERANCE` of the one the prior was
    computed for: the prior's cut points move only slowly with the mark, and computing them
    is the estimate's one costly step."""
    if replace(known, mark=market.mark) != market:
        return False
    return abs(market.mark - known.mark) <= MARK_TOLERANCE * abs(known.mark)


_Derived = TypeVar("_Derived")
_QueueId = tuple[str, str, str]
"""(exchange, symbol, side)."""
_PerQueue = OrderedDict[_QueueId, tuple[MarketContext, _Derived]]


def _known_for(cache: _PerQueue[_Derived], key: _QueueId, market: MarketContext) -> bool:
    """Whether `cache` holds the queue's value for the same market figures (`_same_market`);
    if so it counts as recently used."""
    known = cache.get(key)
    if known is None or not _same_market(known[0], market):
        return False
    cache.move_to_end(key)
    return True


def _keep(
    cache: _PerQueue[_Derived], key: _QueueId, market: MarketContext, value: _Derived | None
) -> None:
    """Keep the queue's value derived from `market` as the most recently used (at most
    `MAX_QUEUES` queues), or forget the queue where nothing could be derived."""
    if value is None:
        cache.pop(key, None)
        return
    cache[key] = (market, value)
    cache.move_to_end(key)
    while len(cache) > MAX_QUEUES:
        cache.popitem(last=False)


def _queued_tier(tier: int) -> int:
    """`tier` within the queue, 1–5 (`levels.clamp_tier` allows 0, not in queue: an anchor
    followed down stays in the queue it was read in)."""
    return max(BACK_OF_QUEUE_TIER, min(MAX_TIER, tier))


def _tier_of(value: float, cuts: tuple[float, ...]) -> int:
    """Tier 1 plus the number of cut points at or below `value` (at most `MAX_TIER`)."""
    tier = BACK_OF_QUEUE_TIER + bisect.bisect_right(cuts, value)
    return tier if tier <= MAX_TIER else MAX_TIER


def _parse_reading(sample: object) -> CalibrationSample | None:
    if not isinstance(sample, list | tuple) or len(sample) != 2:
        return None
    value, tier = sample
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(tier, bool) or not isinstance(tier, int):
        return None
    if not math.isfinite(value) or not 1 <= tier <= MAX_TIER:
        return None
    return CalibrationSample(float(value), tier)


def _best_cut(readings: list[CalibrationSample], tier: int) -> float | None:
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


def _calibrate(prior: tuple[float, ...], readings: list[CalibrationSample]) -> tuple[float, ...]:
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


@functools.cache
def _reference_draws() -> tuple[tuple[float, bool, float, float], ...]:
    """The reference book's traders, drawn once with a fixed seed: (leverage, cross, entry,
    wallet factor). Entry is relative to the reference price 1.0; the wallet factor is the
    wallet over the position margin (isolated: other funds beside it; cross: all of it)."""
    rng = random.Random(_REFERENCE_SEED)
    draws = []
    for _ in range(_REFERENCE_SIZE):
        leverage = rng.choices(_REFERENCE_LEVERAGES, _REFERENCE_LEVERAGE_WEIGHTS)[0]
        cross = rng.random() < _REFERENCE_CROSS_SHARE
        age_hours = rng.expovariate(1 / _REFERENCE_MEAN_AGE_HOURS)
        spread = _REFERENCE_ENTRY_SPREAD * min(1.0, math.sqrt(age_hours / 24.0) + 0.15)
        entry = math.exp(rng.gauss(0.0, spread))
        factor = rng.uniform(1.05, 2.2) if cross else 1.0 + rng.uniform(0.2, 2.5)
        draws.append((leverage, cross, entry, factor))
    return tuple(draws)


def _reference_book(exchange: str, move: float) -> list[tuple[Position, AccountFigures]]:
    """One side of the reference book after the market moved `move` in its favour.

    Longs, one position per account, 1 000 USDT at entry (every formula is scale-free per
    account). Isolated: margin = entry value ÷ leverage, the wallet holds more beside it;
    cross: the whole wallet backs the position. Whoever the move put within 1 % of
    liquidation is gone.
    """
    mark = math.exp(move)
    mmr = _REFERENCE_MAINTENANCE_RATE
    book: list[tuple[Position, AccountFigures]] = []
    for leverage, cross, entry, factor in _reference_draws():
        contracts = 1000.0 / entry
        margin = contracts * entry / leverage
        collateral = margin * factor if cross else margin
        wallet = margin * factor
        liquidation = (entry - collateral / contracts) / (1.0 - mmr)
        if (mark - liquidation) / mark < _MIN_CUSHION:
            continue
        upnl = (mark - entry) * contracts
        notional = mark * contracts
        maintenance = notional * mmr
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
            margin_mode=MarginMode.CROSS if cross else MarginMode.ISOLATED,
            leverage=leverage,
            margin=notional / leverage if cross else collateral,
            maintenance_margin=maintenance,
        )
        figures = AccountFigures(
            currency="USDT",
            wallet_balance=wallet,
            equity=wallet + upnl,
            maintenance_margin=maintenance,
            initial_margin=position.margin,
        )
        book.append((position, figures))
    return book


def _book_cuts(exchange: str, move: float) -> tuple[float, ...]:
    """Cut points where the venue's formula puts the reference book's quintiles."""
    scores = [score_position(exchange, p, f) for p, f in _reference_book(exchange, move)]
    tiers = queue_tiers(scores, losers_queued=queues_losers(exchange))
    queued = [
        CalibrationSample(s.value, t)
        for s, t in zip(scores, tiers, strict=True)
        if t != NOT_IN_QUEUE_TIER and math.isfinite(s.value)
    ]
    cuts: list[float] = []
    for tier in range(FIRST_CUT_TIER, MAX_TIER + 1):
        above = [r.score for r in queued if r.tier >= tier]
        below = [r.score for r in queued if r.tier < tier]
        if not above:
            cuts.append(cuts[-1] * PRIOR_SPREAD if cuts and cuts[-1] > 0 else math.inf)
        elif not below:
            cuts.append(-math.inf)
        else:
            cuts.append((max(below) + min(above)) / 2)
    return tuple(_non_decreasing(cuts))


_FAMILIES: dict[str, dict[float, tuple[float, ...]]] = {}


def _prior_family(family: str, exchange: str) -> dict[float, tuple[float, ...]]:
    """Cut points per favourable market move, for one formula family (computed once)."""
    cached = _FAMILIES.get(family)
    if cached is None:
        cached = {move: _book_cuts(exchange, move) for move in MARKET_MOVES}
        _FAMILIES[family] = cached
    return cached


def _own_move(score: Score) -> float:
    """The favourable price move behind a score, from its inputs; a flat market if unknown.

    Hyperliquid names its price ratio; the classic formula's PnL % is the price move. Binance's
    PnL % is over the wallet, not the entry, so it says nothing about the price.
    """
    inputs = score.inputs
    for name in ("mark_over_entry", "entry_over_mark"):
        ratio = inputs.get(name)
        if ratio is not None and ratio > 0 and math.isfinite(ratio):
            return math.log(ratio)
    pnl = inputs.get("pnl_pct")
    if score.formula == "classic" and pnl is not None and pnl > -1 and math.isfinite(pnl):
        return math.log1p(pnl)
    return FLAT_MARKET


def _fit_around(move: float) -> MarketFit:
    """The family member nearest `move`, and every move within `PLAUSIBLE_MOVE` of it.

    Asked for every position estimated before the venue's first reading (each position's own
    move), so the answer for each member is made once (`_FITS_AROUND`), and the nearest member
    is found among the two that bracket `move` — the same one `min` over all of them picks
    while the distances are exact, which they are for any move within a unit of the family.
    """
    if not _MOVES_LOW <= move <= _MOVES_HIGH:  # NaN, or far outside: `min` settles ties
        nearest = min(MARKET_MOVES, key=lambda m: (abs(m - move), abs(m - FLAT_MARKET)))
        return _FITS_AROUND[nearest]
    at = bisect.bisect_left(MARKET_MOVES, move)
    if at == 0:
        return _FITS_AROUND[MARKET_MOVES[0]]
    if at == len(MARKET_MOVES):
        return _FITS_AROUND[MARKET_MOVES[-1]]
    below, above = MARKET_MOVES[at - 1], MARKET_MOVES[at]
    # `min` keeps the first of equals: the higher member only when strictly nearer.
    if (abs(above - move), abs(above - FLAT_MARKET)) < (
        abs(below - move),
        abs(below - FLAT_MARKET),
    ):
        return _FITS_AROUND[above]
    return _FITS_AROUND[below]


def _fit_around_member(nearest: float) -> MarketFit:
    plausible = tuple(m for m in MARKET_MOVES if abs(m - nearest) <= PLAUSIBLE_MOVE + 1e-12)
    return MarketFit(nearest, plausible)


_FITS_AROUND = {move: _fit_around_member(move) for move in MARKET_MOVES}
_MOVES_LOW = MARKET_MOVES[0] - 1.0
_MOVES_HIGH = MARKET_MOVES[-1] + 1.0


def _misfit(cuts: tuple[float, ...], readings: list[CalibrationSample]) -> tuple[int, int]:
    """(readings put in another tier than reported, total tier error) under `cuts`."""
    tiers = [_tier_of(r.score, cuts) for r in readings]
    wrong = sum(1 for t, r in zip(tiers, readings, strict=True) if t != r.tier)
    return wrong, sum(abs(t - r.tier) for t, r in zip(tiers, readings, strict=True))


def _fit_market(
    family: Mapping[float, tuple[float, ...]],
    readings: list[CalibrationSample],
    anchor: float = FLAT_MARKET,
    *,
    latest_first: bool = False,
) -> MarketFit:
    """The move whose cuts best explain the readings; among equally good ones (and without
    readings) the one nearest `anchor`: a flat market, or the venue's fit for one of its
    queues. With `latest_first` the newest reading must be explained first (a queue's mapping
    drifts with the market: its latest reading is the best evidence of where it is now)."""
    fits = {move: _misfit(family[move], readings) for move in MARKET_MOVES}
    best = min(fits.values())
    plausible = tuple(m for m in MARKET_MOVES if fits[m][0] <= best[0] + FIT_SLACK)

    def rank(move: float) -> tuple[tuple[int, int], tuple[int, int]]:
        newest = _misfit(family[move], readings[-1:]) if latest_first else (0, 0)
        return newest, fits[move]

    top = min(rank(m) for m in MARKET_MOVES)
    move = min(
        (m for m in MARKET_MOVES if rank(m) == top),
        key=lambda m: (abs(m - anchor), abs(m - FLAT_MARKET)),
    )
    if move not in plausible:
        plausible = tuple(sorted((*plausible, move)))
    return MarketFit(move, plausible)
