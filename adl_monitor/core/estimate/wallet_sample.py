"""What other wallets' public positions tell the Hyperliquid prior (`public_prior`).

On Hyperliquid every wallet's positions are public (`clearinghouseState` answers for any
address), and each public trade names the two wallets that made it. The connector reads some of
the wallets it sees trading the coins the user holds (`exchanges/hyperliquid_wallets.py`) and
passes their positions on (`MarketContext.wallets`).

The prior takes one thing from them: **how much account stands behind a position**
(`backing_at_entry`: the account value per unit of notional at entry, one over the account's
leverage then). No candle shows it, and it decides the score: Hyperliquid ranks by notional ÷
account value, so a book of big accounts holding several positions each ranks a 0.5× position
far ahead of where a book of single 20× bets would. Traders choose it whenever they open, so the
wallets seen trading show it as well as the ones that sit still. It replaces the prior's assumed
spread (leverage log-uniform up to the market's maximum, one to two margins of account); the
entries and their ages still come from the candles.

What was tried and left out (docs/estimate-history.md): ranking the user's
position straight among the sampled positions, and measuring how deep ADL went from sampled
positions found closed. Wallets that trade are the fresh, highly leveraged ones, the *front* of
Hyperliquid's queue, so the sample itself is no picture of the queue; and the positions ADL
closes had mostly not been read before the cascade.

Below `MIN_SAMPLE` positions the prior keeps its assumed spread.
"""

from __future__ import annotations

import math

from adl_monitor.core.model.market_context import MarketContext, WalletPosition

MIN_SAMPLE = 20
"""Sampled positions before they replace the assumed spread: with fewer, a quantile's sampling
error spans most of a tier."""


def backing_at_entry(position: WalletPosition) -> float | None:
    """The account value behind `position` per unit of its notional at entry, when it was read
    (its uPnL since entry taken out); None when unreadable or under water."""
    notional = position.size * position.entry
    if not (notional > 0 and math.isfinite(notional)):
        return None
    sign = 1.0 if position.side == "long" else -1.0
    pnl = sign * position.size * (position.read_mark - position.entry)
    backing = (position.account_value - pnl) / notional
    return backing if backing > 0 and math.isfinite(backing) else None


def sampled_backings(context: MarketContext, count: int) -> tuple[float, ...] | None:
    """`count` evenly spaced quantiles of the sampled positions' backing at entry (both sides:
    traders size their accounts whichever way they trade), or None below `MIN_SAMPLE`."""
    values = sorted(b for p in context.wallets if (b := backing_at_entry(p)) is not None)
    if len(values) < MIN_SAMPLE:
        return None
    return tuple(values[int((i + 0.5) * len(values) / count)] for i in range(count))
