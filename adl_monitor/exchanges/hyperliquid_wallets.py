"""Other wallets' positions on the markets the user holds, from Hyperliquid's public data.

Hyperliquid publishes no ADL indicator, but every wallet's positions are public: `info`
`clearinghouseState` answers for any address, and `recentTrades` names the two wallets of each
recent trade. So, at its own slow pace beside the account's refresh (a `BackgroundRead`),
`WalletSample` asks each held coin's recent trades, notes the wallets in them, and reads some of
those wallets' positions per batch. Their positions on the held coins go to the estimate
(`MarketContext.wallets`): how much account stands behind a position is the one thing the prior
cannot take from the candles (`core.estimate.wallet_sample`). The same trades show the venue's
own closes, and the fills of the wallets in them how deep ADL reached (`hyperliquid_adl_reach`).

Which wallets a batch reads: up to `NEW_PER_BATCH` never read (the most recently seen first),
to grow the sample; the rest keep it current — wallets read before that a trade has named since
(their position may have changed), then the oldest reads of wallets holding a position. A read
older than `MAX_READ_BATCHES` batches no longer counts, and at most `MAX_WALLETS` wallets are
remembered (the least recently seen go first, those never read before any read).

What a wallet counts as: each of its positions **as first read**, kept after the position
shrank or closed (`_Read.as_opened`). The estimate wants the account mix traders opened with,
and removes from its own model whom the market since liquidated (`public_prior`); wallets
re-read after a crash would show it only the survivors, the low-leverage ones, and count the
crash twice. And an ADL close leaves its profit in the account, so a wallet read after one
looks like a trader who opened with far more account than it did.

What it costs, every `WALLETS_INTERVAL`: one `recentTrades` per held coin (weight 20) and
`READS_PER_BATCH` `clearinghouseState` (weight 2 each) — 120 of the 1,200 weight a minute
Hyperliquid allows an address for one held coin, 200 for three; while the trades show
liquidations or ADL, up to 4 `userFills` (weight 20) on top: 160 more.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adl_monitor.core.model.market_context import WalletPosition
from adl_monitor.exchanges.hyperliquid_adl_reach import ADDRESS, AdlReach
from adl_monitor.exchanges.values import as_dict, as_list, number, to_float

WALLETS_INTERVAL = 30.0
"""Seconds between batches."""
READS_PER_BATCH = 20
NEW_PER_BATCH = 10
"""Of a batch, the reads that grow the sample with wallets never read (while there are); the
rest keep it current."""
MAX_WALLETS = 400
MAX_READ_BATCHES = 60
"""A wallet read this many batches ago (30 min at `WALLETS_INTERVAL`) no longer counts."""


@dataclass(frozen=True, slots=True)
class Sampled:
    """One symbol's sample: the open positions, how many wallets were read, and how deep ADL
    reached on each side (`hyperliquid_adl_reach`)."""

    positions: tuple[WalletPosition, ...] = ()
    wallets_read: int = 0
    adl_reach: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class _Read:
    batch: int
    positions: Mapping[str, WalletPosition]
    """By coin: what the read showed."""
    as_opened: Mapping[str, WalletPosition]
    """By coin: each position the wallet held, as first read (a read showing another side or
    entry is another position), kept after it shrank or closed."""


def wallet_positions(state: object) -> dict[str, WalletPosition]:
    """The positions in one `clearinghouseState` reply, by coin; unreadable entries left out.
    The account value is the wallet's (`marginSummary.accountValue`), as the app's own
    position is scored with; the mark is the position's value ÷ its size."""
    reply = as_dict(state)
    value = number(as_dict(reply.get("marginSummary")), "accountValue")
    if value is None:
        return {}
    positions = {}
    for entry in as_list(reply.get("assetPositions")):
        position = as_dict(as_dict(entry).get("position"))
        coin = position.get("coin")
        signed = to_float(position.get("szi"))
        entry_price = to_float(position.get("entryPx"))
        worth = to_float(position.get("positionValue"))
        if not isinstance(coin, str) or not signed or not entry_price or not worth:
            continue
        side = "long" if signed > 0 else "short"
        positions[coin] = WalletPosition(side, entry_price, abs(signed), value, worth / abs(signed))
    return positions


class WalletSample:
    """The wallets seen in the held coins' public trades, and what their last read showed."""

    def __init__(self, own_wallet: str | None) -> None:
        self._own = (own_wallet or "").lower()
        self._batch = 0
        self._seen: dict[str, tuple[int, float]] = {}  # address → (batch, trade time) last seen
        self._reads: dict[str, _Read] = {}
        self._adl = AdlReach(own_wallet)

    async def read(self, client: Any, coins: Mapping[str, str]) -> dict[str, Sampled]:
        """One batch for `coins` (symbol → coin): their recent trades, then `READS_PER_BATCH`
        wallets, then the fills of wallets in the venue's own closes (`AdlReach`); the sampled
        positions and ADL's reach per symbol. An error ends the batch (what it read so far
        is kept) and reaches the caller, whose `SlowRead` logs it and keeps the last values."""
        self._batch += 1
        for coin in sorted(set(coins.values())):
            trades = as_list(await client.publicPostInfo({"type": "recentTrades", "coin": coin}))
            self._note(trades)
            self._adl.note(coin, trades)
        for address in self._next_reads():
            state = await client.publicPostInfo({"type": "clearinghouseState", "user": address})
            self._reads[address] = self._read(address, wallet_positions(state))
        await self._adl.read(client)
        return self._sampled(coins)

    def _note(self, trades: list[Any]) -> None:
        for trade in trades:
            fields = as_dict(trade)
            when = to_float(fields.get("time")) or 0.0
            for user in as_list(fields.get("users")):
                address = user.lower() if isinstance(user, str) else ""
                if address != self._own and ADDRESS.fullmatch(address):
                    last = self._seen.get(address, (0, 0.0))[1]
                    self._seen[address] = (self._batch, max(when, last))
        if len(self._seen) > MAX_WALLETS:
            # Wallets never read go first: a read cost a request, and a crash's trades name
            # hundreds of new wallets, which would push out every read taken before it.
            by_age = sorted(self._seen, key=lambda a: (a in self._reads, self._seen[a]))
            for address in by_age[: len(self._seen) - MAX_WALLETS]:
                del self._seen[address]
                self._reads.pop(address, None)

    def _read(self, address: str, shown: dict[str, WalletPosition]) -> _Read:
        """This batch's read of `address`, keeping each position as its first read showed it
        (a position that shrank since is the same one; one at another side or entry is new)."""
        before = self._reads.get(address)
        as_opened = dict(before.as_opened) if before is not None else {}
        for coin, position in shown.items():
            first = as_opened.get(coin)
            if first is None or (first.side, first.entry) != (position.side, position.entry):
                as_opened[coin] = position
        return _Read(self._batch, shown, as_opened)

    def _next_reads(self) -> list[str]:
        """Wallets read before that a trade named since, then the oldest reads of wallets
        holding a position; up to `NEW_PER_BATCH` never read, the most recently seen first."""
        reads, seen = self._reads, self._seen

        def named_since(address: str) -> bool:
            return seen[address][0] > reads[address].batch

        again = sorted(
            (a for a in reads if a in seen and (reads[a].positions or named_since(a))),
            key=lambda a: (not named_since(a), reads[a].batch),
        )
        new = sorted((a for a in seen if a not in reads), key=lambda a: seen[a], reverse=True)
        chosen = again[: max(READS_PER_BATCH - NEW_PER_BATCH, READS_PER_BATCH - len(new))]
        return chosen + new[: READS_PER_BATCH - len(chosen)]

    def _sampled(self, coins: Mapping[str, str]) -> dict[str, Sampled]:
        current = [
            read for read in self._reads.values() if self._batch - read.batch < MAX_READ_BATCHES
        ]
        return {
            symbol: Sampled(
                tuple(read.as_opened[coin] for read in current if coin in read.as_opened),
                len(current),
                self._adl.reach(coin),
            )
            for symbol, coin in coins.items()
        }
