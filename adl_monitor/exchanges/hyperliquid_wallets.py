"""Other wallets' positions on the markets the user holds, from Hyperliquid's public data.

Hyperliquid publishes no ADL indicator, but every wallet's positions are public: `info`
`clearinghouseState` answers for any address, and `recentTrades` names the two wallets of each
recent trade. So, at its own slow pace beside the account's refresh (the connector's `SlowRead`),
`WalletSample` asks each held coin's recent trades, notes the wallets in them, and reads a few
of those wallets' positions per batch. Their positions on the held coins go to the estimate
(`MarketContext.wallets`, `core.estimate.wallet_sample`), which places the user's position among
them with the venue's own formula.

Which wallets it reads first: those seen trading since their last read (a new wallet, or one
whose position a trade — an ADL or a liquidation included — has just changed), most recently
seen first; then the oldest reads. A read older than `MAX_READ_BATCHES` batches is dropped, and
at most `MAX_WALLETS` wallets are remembered (the least recently seen go first).

What it costs: one `recentTrades` per held coin (weight 20) and `READS_PER_BATCH`
`clearinghouseState` (weight 2 each) every `WALLETS_INTERVAL`: about 90 of the 1,200 weight a
minute Hyperliquid allows an address, for one coin.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adl_monitor.core.model.market_context import WalletPosition
from adl_monitor.exchanges.values import as_dict, as_list, number, to_float

WALLETS_INTERVAL = 30.0
"""Seconds between batches."""
READS_PER_BATCH = 20
NEW_PER_BATCH = 10
"""Of a batch, the reads that grow the sample with wallets never read (when there are); the
rest keep it current."""
MAX_WALLETS = 400
MAX_READ_BATCHES = 60
"""A wallet read this many batches ago (30 min at `WALLETS_INTERVAL`) no longer counts."""
_ADDRESS = re.compile(r"0x[0-9a-f]{40}")

CLOSED_BATCHES = 240
"""A position a read found closed counts for this many batches (2 h at `WALLETS_INTERVAL`):
the window in which the estimate measures how deep ADL went."""


@dataclass(frozen=True, slots=True)
class Sampled:
    """One symbol's sample: the open positions, how many wallets were read, and the positions
    a later read found closed (as last seen)."""

    positions: tuple[WalletPosition, ...] = ()
    wallets_read: int = 0
    closed: tuple[WalletPosition, ...] = ()


@dataclass(frozen=True, slots=True)
class _Read:
    batch: int
    positions: Mapping[str, WalletPosition]
    """By coin."""


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
        self._closed: list[tuple[int, str, WalletPosition]] = []  # (batch, coin, as last seen)

    async def read(self, client: Any, coins: Mapping[str, str]) -> dict[str, Sampled]:
        """One batch for `coins` (symbol → coin): their recent trades, then `READS_PER_BATCH`
        wallets; the sampled positions per symbol. An error ends the batch (what it read so far
        is kept) and reaches the caller, whose `SlowRead` logs it and keeps the last values."""
        self._batch += 1
        for coin in sorted(set(coins.values())):
            trades = await client.publicPostInfo({"type": "recentTrades", "coin": coin})
            self._note(as_list(trades))
        for address in self._next_reads():
            state = await client.publicPostInfo({"type": "clearinghouseState", "user": address})
            self._reread(address, wallet_positions(state))
        return self._sampled(coins)

    def _reread(self, address: str, positions: dict[str, WalletPosition]) -> None:
        """Keep the wallet's new read; a position of its last read that is gone (or turned to
        the other side) was closed since."""
        last = self._reads.get(address)
        for coin, before in (last.positions if last is not None else {}).items():
            now = positions.get(coin)
            if now is None or now.side != before.side:
                self._closed.append((self._batch, coin, before))
        self._reads[address] = _Read(self._batch, positions)

    def _note(self, trades: list[Any]) -> None:
        for trade in trades:
            fields = as_dict(trade)
            when = to_float(fields.get("time")) or 0.0
            for user in as_list(fields.get("users")):
                address = user.lower() if isinstance(user, str) else ""
                if address != self._own and _ADDRESS.fullmatch(address):
                    self._seen[address] = (
                        self._batch,
                        max(when, self._seen.get(address, (0, 0.0))[1]),
                    )
        if len(self._seen) > MAX_WALLETS:
            by_age = sorted(self._seen, key=lambda a: self._seen[a])
            for address in by_age[: len(self._seen) - MAX_WALLETS]:
                del self._seen[address]
                self._reads.pop(address, None)

    def _next_reads(self) -> list[str]:
        """`READS_PER_BATCH - NEW_PER_BATCH` keep the sample current: wallets read before that a trade has named
        since (an ADL or a liquidation is a trade), then the oldest reads of wallets holding a
        position; the other half grows it with wallets never read, the most recently seen
        first. Either half takes what the other leaves."""
        again = sorted(
            (a for a in self._reads if a in self._seen),
            key=lambda a: (self._seen[a][0] <= self._reads[a].batch, self._reads[a].batch),
        )
        again = [
            a for a in again if self._reads[a].positions or self._seen[a][0] > self._reads[a].batch
        ]
        new = sorted(
            (a for a in self._seen if a not in self._reads),
            key=lambda a: self._seen[a],
            reverse=True,
        )
        take_again = max(READS_PER_BATCH - NEW_PER_BATCH, READS_PER_BATCH - len(new))
        chosen = again[:take_again]
        return chosen + new[: READS_PER_BATCH - len(chosen)]

    def _sampled(self, coins: Mapping[str, str]) -> dict[str, Sampled]:
        current = [
            read for read in self._reads.values() if self._batch - read.batch < MAX_READ_BATCHES
        ]
        self._closed = [c for c in self._closed if self._batch - c[0] < CLOSED_BATCHES]
        return {
            symbol: Sampled(
                tuple(read.positions[coin] for read in current if coin in read.positions),
                len(current),
                tuple(position for _, held, position in self._closed if held == coin),
            )
            for symbol, coin in coins.items()
        }
