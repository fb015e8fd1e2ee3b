"""Cut points of a Hyperliquid queue from other wallets' positions, read publicly.

On Hyperliquid every wallet's positions are public (`clearinghouseState` answers for any
address), and each public trade names the two wallets that made it. The connector reads the
wallets it sees trading on the markets the user holds (`exchanges/hyperliquid_wallets.py`) and
passes their positions on (`MarketContext.wallets`). Scored with Hyperliquid's own formula at
today's mark, the profitable ones are a sample of the very queue the user's position stands in,
so their quintiles are its cut points — real positions, where `public_prior` can only model them.

What the sample is not:

* **The whole queue.** Wallets that trade are seen; a position opened long ago and left alone
  rarely trades, and those are the most profitable — the front of the queue. The sample
  therefore places a position somewhat too far forward: an earlier warning, never a later one.
* **Exact.** The range covers each quintile's sampling error (a binomial interval of `Z`
  standard errors on its share).
* **This instant.** A wallet read before the last move may since have been liquidated or
  deleveraged; the connector reads first the wallets seen trading again (ADL and liquidations
  are trades too), then the oldest reads, and drops reads older than its limit. Where ADL
  reached the user's own position (`MarketContext.adl_front`), positions that scored above it
  are taken as closed, as in the modelled prior.

Below `MIN_SAMPLE` profitable positions on the side, the modelled prior stands instead.
"""

from __future__ import annotations

import math

from adl_monitor.core.estimate.public_prior import QUINTILES, PublicPrior
from adl_monitor.core.model.market_context import MarketContext, WalletPosition
from adl_monitor.core.ranking.formulas import hyperliquid_ranking

MIN_SAMPLE = 20
"""Profitable positions on the side before the sample stands in for the modelled prior: with
fewer, one quintile's sampling error spans most of a tier."""
Z = 1.64
"""Standard errors of a quintile's share that the range covers (90 % two-sided)."""


def wallet_score(position: WalletPosition, mark: float) -> float | None:
    """Hyperliquid's score of `position` at `mark`; None when it is not in the queue there
    (losing, or its account would be gone)."""
    sign = 1.0 if position.side == "long" else -1.0
    if not (mark > 0 and position.entry > 0 and position.size > 0):
        return None
    if sign * (mark - position.entry) <= 0:
        return None
    account = position.account_value + sign * position.size * (mark - position.read_mark)
    if not (account > 0 and math.isfinite(account)):
        return None
    price_ratio = mark / position.entry if sign > 0 else position.entry / mark
    return hyperliquid_ranking(price_ratio, position.size * mark, account)


def _cuts_at(scores: list[float], shares: tuple[float, ...]) -> tuple[float, ...]:
    """The score below which each share of the (sorted) sample lies."""
    last = len(scores) - 1
    return tuple(scores[min(last, max(0, math.floor(share * len(scores))))] for share in shares)


def sampled_prior(context: MarketContext, side: str) -> PublicPrior | None:
    """The side's cut points from the sampled wallets, or None below `MIN_SAMPLE`."""
    if not (context.mark > 0 and math.isfinite(context.mark)):
        return None
    scores = sorted(
        score
        for position in context.wallets
        if position.side == side and (score := wallet_score(position, context.mark)) is not None
    )
    front = dict(context.adl_front).get(side)
    if front is not None:
        scores = [score for score in scores if score <= front]
    n = len(scores)
    if n < MIN_SAMPLE:
        return None
    margins = [Z * math.sqrt(q * (1.0 - q) / n) for q in QUINTILES]
    lower = tuple(max(0.0, q - m) for q, m in zip(QUINTILES, margins, strict=True))
    upper = tuple(min(1.0, q + m) for q, m in zip(QUINTILES, margins, strict=True))
    words = (
        f"placed among {n} profitable {side}s held by the {context.wallets_read} wallets read "
        f"from {context.symbol}'s public trades (Hyperliquid shows every wallet's positions), "
        "scored with its formula at the mark; wallets that seldom trade are under-represented"
    )
    if front is not None:
        words += (
            f"; ADL reached your {side} here (the venue's fill): positions that scored above "
            f"it then ({front:.3g}) are taken as closed"
        )
    return PublicPrior(
        _cuts_at(scores, QUINTILES),
        (_cuts_at(scores, lower), _cuts_at(scores, upper)),
        words,
        sampled=n,
    )
