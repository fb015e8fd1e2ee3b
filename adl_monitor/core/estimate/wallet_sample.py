"""What other wallets' public positions tell the Hyperliquid prior (`public_prior`).

On Hyperliquid every wallet's positions are public (`clearinghouseState` answers for any
address), and each public trade names the two wallets that made it. The connector reads some
of the wallets it sees trading the coins the user holds (`exchanges/hyperliquid_wallets.py`) and
passes their positions on (`MarketContext.wallets`), with those that a later read found closed
(`MarketContext.wallets_closed`).

Why they are not ranked against directly: wallets that trade are seen, and a position opened
long ago and left alone seldom trades. Under Hyperliquid's formula the old winners are the ones
whose profit has grown their account — the *back* of the queue — so a queue read straight from
the sample has too many fresh, highly leveraged positions in front, and places the user's
position too far back: a later warning, the wrong way to err. What the sample does tell,
without that bias, is what no candle shows:

* **How much account stands behind a position** (`backing_at_entry`: account value per unit
  of notional at entry, one over the account's leverage then). Traders choose it whenever they
  opened, so fresh positions show it as well as old ones; it replaces the prior's assumed
  spread (log-uniform leverage up to the market's maximum), while the entries and their ages
  still come from the candles.
* **How deep ADL went** (`closed_share`): of the sampled positions on the side that were in
  profit, the share a later read found closed. Profitable positions do not get liquidated in
  a move in their favour, and ADL closes the front first, so after a sharp move this is the
  share closed from the front — measured, where the prior can only assume it. (Traders also
  take profit in such a move, which makes the share higher and the estimate earlier, not
  later.) The sample over-represents the front, which errs the same way.

Below `MIN_SAMPLE` positions the prior keeps its assumptions.
"""

from __future__ import annotations

import math

from adl_monitor.core.model.market_context import MarketContext, WalletPosition

MIN_SAMPLE = 20
"""Sampled positions before they replace an assumption: with fewer, one quantile's sampling
error spans most of a tier."""


def _sign(position: WalletPosition) -> float:
    return 1.0 if position.side == "long" else -1.0


def backing_at_entry(position: WalletPosition) -> float | None:
    """The account value behind `position` per unit of its notional at entry, when it was read
    (its uPnL since entry taken out); None when unreadable."""
    notional = position.size * position.entry
    if not (notional > 0 and math.isfinite(notional)):
        return None
    pnl = _sign(position) * position.size * (position.read_mark - position.entry)
    backing = (position.account_value - pnl) / notional
    return backing if backing > 0 and math.isfinite(backing) else None


def sampled_backings(context: MarketContext, count: int) -> tuple[float, ...] | None:
    """`count` evenly spaced quantiles of the sampled positions' backing at entry (both sides:
    traders pick their leverage whichever way they trade), or None below `MIN_SAMPLE`."""
    values = sorted(b for p in context.wallets if (b := backing_at_entry(p)) is not None)
    if len(values) < MIN_SAMPLE:
        return None
    return tuple(values[int((i + 0.5) * len(values) / count)] for i in range(count))


def _in_profit(position: WalletPosition, mark: float) -> bool:
    return _sign(position) * (mark - position.entry) > 0


def closed_share(context: MarketContext, side: str) -> tuple[float, int, int] | None:
    """Of the side's sampled positions in profit — open ones at today's mark, closed ones
    when last seen — the share found closed, with how many closed and how many in all; None
    below `MIN_SAMPLE`."""
    open_ = sum(1 for p in context.wallets if p.side == side and _in_profit(p, context.mark))
    closed = sum(1 for p in context.wallets_closed if p.side == side and _in_profit(p, p.read_mark))
    total = open_ + closed
    if total < MIN_SAMPLE:
        return None
    return closed / total, closed, total
