"""What a venue serves publicly about one market, as plain numbers: the input of a prior that
rests on data rather than on a guessed book (`core.estimate.public_prior`).

The connector reads it (Hyperliquid: hourly candles, then funding, open interest, daily volume
and the maximum leverage in one `metaAndAssetCtxs` call) and passes it in with the account's
reading; core never fetches anything. On Hyperliquid every wallet's positions are public too:
the connector reads those of wallets seen in the market's public trades (`WalletPosition`), and
the prior learns from them how much account stands behind a position
(`core.estimate.wallet_sample`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Candle:
    """One candle: how long before the newest candle it opened, its typical price
    ((high + low + close) ÷ 3) and the base volume traded in it."""

    hours_ago: float
    price: float
    volume: float


@dataclass(frozen=True, slots=True)
class WalletPosition:
    """Another wallet's position on this market, as its public state showed it when read:
    enough to tell how much account stood behind it when it was opened
    (`core.estimate.wallet_sample.backing_at_entry`).

    `account_value` is the wallet's account value (uPnL included) when it was read at
    `read_mark`."""

    side: str
    """"long" or "short"."""
    entry: float
    size: float
    """In base units, > 0."""
    account_value: float
    read_mark: float


@dataclass(frozen=True, slots=True)
class MarketContext:
    """One market's public figures. `funding_rate` is per hour as a fraction (> 0: longs pay
    shorts); `open_interest` and `day_volume` are in base units; any may be unknown.
    `adl_front` holds, per side ("long"/"short"), the score the user's own position there had
    when the venue's ADL last reached it (its fills say so): the queue's front since.
    `adl_reach` holds, per side, the lowest score of other wallets' positions ADL closed lately
    (their public fills say so): how deep it reached into that queue.
    `wallets` are other wallets' open positions on the market (`WalletPosition`), from
    `wallets_read` wallets whose public state was read."""

    symbol: str
    mark: float
    candles: tuple[Candle, ...]
    open_interest: float | None = None
    day_volume: float | None = None
    funding_rate: float | None = None
    max_leverage: float | None = None
    adl_front: tuple[tuple[str, float], ...] = ()
    adl_reach: tuple[tuple[str, float], ...] = ()
    wallets: tuple[WalletPosition, ...] = ()
    wallets_read: int = 0
