"""Cut points of a queue from what its venue serves publicly, for a venue with no indicator.

Hyperliquid publishes no ADL tier and ranks only its profitable positions, by
(mark ÷ entry) × (notional ÷ account value) (docs/venues.md). Who sits in a queue is not
public, but where they *entered* largely is: positions were opened at the prices the market
traded, in proportion to the volume traded there, and the older ones have since been closed.
So the queue is modelled from public data alone:

* **Entries** (`entries`): every candle's typical price, weighted by its volume × the share of
  positions opened then that are still open, exp(−age ÷ holding time).
* **Holding time**: open interest ÷ daily volume, in days (Little's law: what is open ÷ the
  rate it turns over), bounded to 1 h … 14 days; 24 h when either is unknown.
* **Funding** paid since entry (the hourly rate × age; > 0: longs pay) comes out of the payer's
  account value, raising its notional ÷ account value.
* **Leverage** at entry is not public: spread log-uniformly from 1× to the market's maximum
  leverage (public per market), the uninformative choice — not a book shaped like any
  particular population of traders. Nor is how much of the account stands behind the
  position: spread from its margin alone to twice it (`ACCOUNT_OVER_MARGIN`).

Every (entry, leverage) pair is scored with Hyperliquid's own formula; those past liquidation
are gone, losers are not in the queue, and the profitable ones' weighted quintiles are the cut
points.

* **ADL after a sharp move**: the share of the *other* side that the move of the last
  `RECENT_HOURS` liquidated (the same model, at the recent price and now) is taken off the
  front of this side's queue — what ADL does when the venue's backstop cannot absorb the
  liquidations. Whether it could is not public, so the estimate takes the case where it could
  not (a position moves *up* the queue when those ahead of it are closed) and the range covers
  the case where the backstop held. In a quiet market the share is 0.

* **ADL that reached the user's own position** on that side (the venue's fill says so, and
  the connector passes the score the position had then: `MarketContext.adl_front`), or other
  wallets' positions (their public fills: `MarketContext.adl_reach`, the lowest score closed):
  ADL closes the queue front first, so every modelled position that scored above it is gone —
  a fact, where the share above is a guess, so it takes the share's place. Of the two, the
  lower score: the deeper ADL went. Where that front leaves less than `THIN_SHARE` of the
  modelled profitable side behind it, the model has nothing left to say about the rest: they
  are taken as spread evenly in score from 0 up to the front.

* **Nobody modelled in profit** on the side (the price is past every entry the candles weigh,
  or ADL took the modelled share off the whole queue): a position in profit there entered
  where the candles show little trading, and the model cannot tell whether it is alone at the
  front or behind others who did the same (`PublicPrior.cuts` is None). Both happen: on the
  benchmark's books a short at a two-week high was alone in its queue, and a long at a
  two-week low behind a few others. The estimate then keeps the reference book's tier, its
  range is the whole queue, and its basis says why. Putting it at the front instead was tried
  and dropped (docs/estimate-history.md).

The range comes from halving and doubling the holding time, and from that backstop case.
After a cascade (the move liquidated `OPEN_ENDED_SHARE` or more of the other side) it also
runs up to tier 5: how much ADL closed is not public — the liquidated share is itself a
model figure, resting on leverage and backing nobody publishes, and queues with the same public
figures are emptied to very different depths — so the tier the position would have had ADL
closed everyone ahead of it stays in the range, and the basis says so. The point estimate
stays the modelled case: moving it up for every cascade trades a miss on a deep one for a miss
on a shallow one, and public data cannot tell them apart (benchmarks/estimate_accuracy.py,
docs/estimate-history.md).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from adl_monitor.core.estimate.entries import entry_weights, holding_hours, priced
from adl_monitor.core.estimate.wallet_sample import sampled_backings
from adl_monitor.core.model.market_context import Candle, MarketContext
from adl_monitor.core.ranking.formulas import hyperliquid_ranking

DEFAULT_MAX_LEVERAGE = 20.0
LEVERAGE_STEPS = 12
"""Log-uniform leverage quantiles per entry price."""
SHOWN_SHARE = 0.01
"""A deleveraged share this large is named in the basis."""
RECENT_HOURS = 2.0
"""The move of the last hours is the one ADL may still be answering (`_recent_price`)."""
HOLDING_FACTORS = (0.5, 2.0)
"""The range: the tiers under half and twice the holding time."""
ACCOUNT_OVER_MARGIN = (1.0, math.sqrt(2.0), 2.0)
"""Account value over the position's margin at entry, log-uniform from 1× (all in) to 2×: a
trader's account usually holds more than one position's margin, and how much is not public."""
MAINTENANCE_SHARE = 0.5
"""Hyperliquid's maintenance margin is half the initial margin at maximum leverage."""
QUINTILES = (0.2, 0.4, 0.6, 0.8)
THIN_SHARE = 0.1
"""Where ADL's measured front leaves less than a tenth of the modelled profitable side behind
it, that remainder is the tail of a few (entry, backing) steps, its quintiles fall within a
per cent of each other, and an estimate flips from tier 1 to 5 between two refreshes (held-out
seed 19's cascade). The model has said all it can there; the remaining queue is taken as spread
evenly in score from 0 (no profit) up to the front, the least-informed choice between the two
bounds that are known."""
OPEN_ENDED_SHARE = 0.1
"""A move that liquidated a tenth of the other side within `RECENT_HOURS` is a cascade: the
range then runs to tier 5 (`PublicPrior.open_ended`)."""


@dataclass(frozen=True, slots=True)
class PublicPrior:
    """Cut points (tiers 2–5 start) for one side, the alternatives that bound the range, and
    the figures they rest on, in words."""

    cuts: tuple[float, ...] | None
    """None: the model leaves nobody of the side in profit, so it cannot place a profitable
    position (the estimator keeps the reference book's tier, ranged over the whole queue)."""
    alternatives: tuple[tuple[float, ...], ...]
    words: str
    open_ended: bool = False
    """After a cascade: ADL may have closed everyone ahead of the position, so its range runs
    to tier 5."""


def _max_leverage(context: MarketContext) -> float:
    top = context.max_leverage
    return top if top is not None and math.isfinite(top) and top > 1 else DEFAULT_MAX_LEVERAGE


def _leverages(context: MarketContext) -> list[float]:
    top = _max_leverage(context)
    return [math.exp(math.log(top) * (i + 0.5) / LEVERAGE_STEPS) for i in range(LEVERAGE_STEPS)]


def _backings(context: MarketContext) -> tuple[tuple[float, ...], bool]:
    """Account value per unit of entry notional of the modelled positions, and whether it is
    the wallets read that show it (`wallet_sample.sampled_backings`) rather than each assumed
    (leverage, backing) pair. Asked once per prior: sorting the sample is not free."""
    count = LEVERAGE_STEPS * len(ACCOUNT_OVER_MARGIN)
    sampled = sampled_backings(context, count)
    if sampled is not None:
        return sampled, True
    leverages = _leverages(context)
    return tuple(backing / lev for lev in leverages for backing in ACCOUNT_OVER_MARGIN), False


@dataclass(frozen=True, slots=True)
class _Entered:
    """The modelled positions of one side entered at one candle's price, per unit of entry
    notional, seen at one mark: how many of the (leverage, backing) pairs are still open and,
    when the side is in profit since then, their scores in that order. Neither depends on the
    holding time — only the candle's weight does — so one `_Entered` per candle serves the
    estimate and every alternative of its range (computing them is the prior's costly step)."""

    open_pairs: int
    scores: tuple[float, ...]
    """Empty when the side lost since the candle: losers are not in the queue."""


def _entered(
    context: MarketContext,
    candles: list[Candle],
    sign: int,
    mark: float,
    per_margin: tuple[float, ...],
    *,
    scored: bool = True,
) -> list[_Entered]:
    """Per candle, the modelled positions of the side (`sign` +1 long) still open at `mark`
    (`scored=False`: only how many); `per_margin` is their account per unit of entry notional
    (`_backings`)."""
    funding = context.funding_rate if context.funding_rate is not None else 0.0
    floor = MAINTENANCE_SHARE / _max_leverage(context)
    entered: list[_Entered] = []
    for candle in candles:
        ratio = mark / candle.price  # mark ÷ entry, per unit of entry notional
        upnl = sign * (ratio - 1.0)
        paid = sign * funding * max(candle.hours_ago, 0.0)
        least = floor * ratio
        # Account value per unit of entry notional; at or below `least`: liquidated before now.
        accounts = [a for share in per_margin if not (a := share + upnl - paid) <= least]
        if upnl > 0 and scored:
            price_ratio = ratio if sign > 0 else 1.0 / ratio
            scores = tuple(hyperliquid_ranking(price_ratio, ratio, a) for a in accounts)
        else:
            scores = ()
        entered.append(_Entered(len(accounts), scores))
    return entered


def _open_weight(entered: list[_Entered], weighted: list[tuple[int, float]]) -> float:
    """The weight of every modelled position still open: each candle's weight once per open
    pair, summed in candle order."""
    return sum(
        itertools.chain.from_iterable(
            itertools.repeat(w, entered[i].open_pairs) for i, w in weighted
        )
    )


def _recent_price(context: MarketContext) -> float | None:
    """The price of the last `RECENT_HOURS` before the newest candle, volume-weighted."""
    recent = [
        c
        for c in context.candles
        if 0 < c.hours_ago <= RECENT_HOURS and c.price > 0 and math.isfinite(c.price)
    ]
    volume = sum(max(c.volume, 0.0) for c in recent)
    if not recent or volume <= 0:
        return None
    return sum(c.price * max(c.volume, 0.0) for c in recent) / volume


def deleveraged_share(context: MarketContext, sign: int, hours: float) -> float:
    """The share of the side (`sign`) that ADL may have closed from its front since the
    recent price: the share of the *other* side the move since then liquidated.

    A liquidation the venue's backstop cannot absorb is closed against the front of the
    profitable side's queue, position for position; whether the backstop held is not public,
    so this assumes it did not — the pessimistic case, the one a warning must not miss. In a
    quiet market nobody was liquidated and the share is 0.
    """
    candles = priced(context)
    return _deleveraged(
        context, candles, entry_weights(candles, hours), sign, _backings(context)[0]
    )


def _deleveraged(
    context: MarketContext,
    candles: list[Candle],
    weighted: list[tuple[int, float]],
    sign: int,
    per_margin: tuple[float, ...],
) -> float:
    recent = _recent_price(context)
    if recent is None or not (context.mark > 0 and math.isfinite(context.mark)):
        return 0.0
    other = -sign
    then = _open_weight(
        _entered(context, candles, other, recent, per_margin, scored=False), weighted
    )
    now = _open_weight(
        _entered(context, candles, other, context.mark, per_margin, scored=False), weighted
    )
    if then <= 0:
        return 0.0
    return min(1.0, max(0.0, 1.0 - now / then))


def _profitable_scores(
    entered: list[_Entered],
    weighted: list[tuple[int, float]],
    deleveraged: float,
    front: float | None = None,
) -> list[tuple[float, float]]:
    """(score, weight) of every modelled profitable position on the side still in the queue:
    the `deleveraged` share ADL may have closed is taken off its front — or, where ADL reached
    the user's position at score `front`, every position that scored above it."""
    gone = deleveraged * _open_weight(entered, weighted) if front is None else 0.0
    profitable = [
        (score, w)
        for i, w in weighted
        for score in entered[i].scores
        if front is None or score <= front
    ]
    profitable.sort(key=lambda item: -item[0])
    scored: list[tuple[float, float]] = []
    for index, (score, weight) in enumerate(profitable):
        if gone <= 0:  # nothing left to take off (in a quiet market, from the start)
            scored.extend(profitable[index:])
            break
        taken = min(gone, weight)
        gone -= taken
        if weight - taken > 0:
            scored.append((score, weight - taken))
    return scored


def _share_behind(
    entered: list[_Entered], weighted: list[tuple[int, float]], scored: list[tuple[float, float]]
) -> float:
    """The share of the side's modelled profitable positions that `scored` (those behind the
    ADL front) keeps."""
    profitable = sum(w * len(entered[i].scores) for i, w in weighted)
    return sum(w for _, w in scored) / profitable if profitable > 0 else 0.0


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
    """The side's cut points from the market's public figures (`cuts` None where the model
    leaves nobody of the side in profit); None without usable candles."""
    if not (context.mark > 0 and math.isfinite(context.mark)) or not context.candles:
        return None
    sign = 1 if side == "long" else -1
    hours = holding_hours(context)
    candles = priced(context)
    weighted = entry_weights(candles, hours)
    per_margin, sampled = _backings(context)
    deleveraged = _deleveraged(context, candles, weighted, sign, per_margin)
    entered = _entered(context, candles, sign, context.mark, per_margin)
    front, own_front = _front(context, side)
    scored = _profitable_scores(entered, weighted, deleveraged, front)
    cuts = _quintile_cuts(scored)
    behind = None if front is None else _share_behind(entered, weighted, scored)
    if front is not None and behind is not None and behind < THIN_SHARE:
        cuts = tuple(front * q for q in QUINTILES)  # too few modelled behind it: spread evenly
    if cuts is None and not weighted:
        return None  # no candle with volume: nothing is modelled at all
    # The range: half and twice the holding time, and — after a move that liquidated part
    # of the other side — the queue as it would be had the backstop absorbed it all.
    variants = [(hours * factor, deleveraged) for factor in HOLDING_FACTORS]
    if deleveraged > 0 and front is None:
        variants.append((hours, 0.0))
    alternatives = tuple(
        alt
        for held, share in variants
        if (
            alt := _quintile_cuts(
                _profitable_scores(entered, entry_weights(candles, held), share, front)
            )
        )
        is not None
    )
    funding = context.funding_rate
    funding_words = f", funding {funding * 100:+.4f} %/h" if funding is not None else ""
    span = max(c.hours_ago for c in context.candles)
    words = (
        f"prior from {context.symbol}'s public market data: entries weighted by the volume of "
        f"{len(context.candles)} candles over {span:.0f} h, positions held ~{hours:.0f} h "
        f"(open interest ÷ daily volume){funding_words}, {_backing_words(context, sampled)}"
    )
    if front is not None:
        words += (
            f"; ADL reached your {side} here (the venue's fill): every position that scored "
            f"above it then ({front:.3g}) is taken as closed"
            if own_front
            else f"; ADL closed other wallets' {side}s here down to a score of {front:.3g} "
            "(their public fills): every position that scored above it is taken as closed"
        )
        if behind is not None and behind < THIN_SHARE:
            words += (
                f"; the model leaves ~{behind * 100:.0f} % of its profitable {side}s behind "
                "that, too few to place yours among: the rest are taken as spread evenly from "
                "0 up to it"
            )
    elif cuts is None:
        why = (
            "the price is past every entry the candles weigh"
            if not any(e.scores for e in entered)
            else f"the move of the last {RECENT_HOURS:.0f} h liquidated "
            f"~{deleveraged * 100:.0f} % of the other side, assumed deleveraged from the front "
            "of this one"
        )
        words += (
            f"; it leaves no {side} in profit ({why}), so it cannot place one that is: it may "
            "be alone at the front of the queue or behind others who entered where the candles "
            "show little trading"
        )
    elif deleveraged >= SHOWN_SHARE:
        other = "shorts" if sign > 0 else "longs"
        words += (
            f"; the move of the last {RECENT_HOURS:.0f} h liquidated ~{deleveraged * 100:.0f} % "
            f"of the {other}: assumed deleveraged from the front of this side"
        )
        if deleveraged >= OPEN_ENDED_SHARE:
            words += (
                "; how much of the queue ADL really closed is not public (it may have closed "
                "everyone ahead of you): the range runs to tier 5"
            )
    open_ended = front is None and deleveraged >= OPEN_ENDED_SHARE
    return PublicPrior(cuts, alternatives, words, open_ended)


def _front(context: MarketContext, side: str) -> tuple[float | None, bool]:
    """How deep ADL reached into the side's queue — the lower of the score the user's own
    position had when ADL reached it and the lowest score of other wallets' positions ADL
    closed — and whether it was the user's own."""
    own = dict(context.adl_front).get(side)
    others = dict(context.adl_reach).get(side)
    if others is not None and (own is None or others < own):
        return others, False
    return own, own is not None


def _backing_words(context: MarketContext, sampled: bool) -> str:
    if sampled:
        return (
            f"account behind each position as in the {len(context.wallets)} positions of the "
            f"{context.wallets_read} wallets read from its public trades (Hyperliquid shows "
            "every wallet's positions)"
        )
    return f"leverage spread 1–{_max_leverage(context):.0f}×"
