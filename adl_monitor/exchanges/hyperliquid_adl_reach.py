"""How deep Hyperliquid's ADL has reached into a queue, from other wallets' public fills.

ADL closes a queue from its front: the highest score first. So the lowest score ADL has
closed, on one side of one coin, is how far it reached — every position that scored above
it then is gone, and a position that scores just below it is at the front of what is left.
Public figures cannot tell a queue ADL emptied to half its depth from one it barely touched
(docs/estimate-history.md); the venue's own closes can, and they are public:

* every close the venue makes itself — a liquidation or an ADL — is a trade with a zero hash
  in `recentTrades`, naming both wallets;
* the wallet that was deleveraged shows it in its `userFills`: `dir` "Auto-Deleveraging", the
  trade's `tid`, its price, the size before the fill (`startPosition`) and the profit it
  realised (`closedPnl`), hence the entry;
* its `clearinghouseState` gives its account value — the same after an ADL close as before,
  since the profit only moves from unrealised to realised.

Scored with Hyperliquid's formula at the fill's price, those closes give the reach
(`MarketContext.adl_reach`, used by `core.estimate.public_prior` like the user's own ADL fill).

Which wallet of a zero-hash trade is read: first its maker — a liquidation order crosses the
book, so the other side of a liquidation is whoever's resting order took it, and in an ADL the
deleveraged position is matched against the liquidated order — then, once every trade's maker
was read, its taker, while the batch's `READS_PER_BATCH` allow. The trades are grouped by the
queue their maker would be in (coin, and short when the maker bought), and the queues take
turns, the one with the newest trade first, each its newest trade first: a burst of closes on
one coin must not keep another coin's queue waiting (in the cascade of seed 4, read newest
first across coins, hundreds of ETH closes kept BTC's reach unknown until minutes after ADL
had reached the user's BTC short). Older trades are read in later batches, not skipped: new
high-leverage positions refill the front of a queue, so the newest close is not always the
deepest. A wallet whose fills showed no ADL for a zero-hash trade it was in (a market maker, a
liquidated trader) is not read for another one. What it costs, only while the tape shows such
trades: `READS_PER_BATCH` `userFills` (weight 20 each) and a `clearinghouseState` (weight 2)
for each wallet found deleveraged, every `hyperliquid_wallets.WALLETS_INTERVAL`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from adl_monitor.core.ranking.formulas import hyperliquid_ranking
from adl_monitor.exchanges.values import as_dict, as_list, number, to_float

ADL_DIR = "Auto-Deleveraging"
ZERO_HASH = "0x" + "0" * 64
"""The hash of a trade no user signed: the venue's liquidations and ADL closes."""
READS_PER_BATCH = 4
"""`userFills` reads per batch at most (weight 20 each)."""
REACH_HOURS = 2.0
"""How long an ADL close counts: the queue fills again, ahead of and behind it, as traders
open new positions (the user's own ADL fill counts as long: `hyperliquid.ADL_FRONT_HOURS`)."""
MAX_REMEMBERED = 2_000
"""Trades, wallets known not to be deleveraged, and closes remembered at most (the oldest
go first)."""
ADDRESS = re.compile(r"0x[0-9a-f]{40}")
"""A wallet address as the venue writes it in a trade's `users`, lowercased."""


@dataclass(frozen=True, slots=True)
class AdlClose:
    """One position the venue deleveraged: its coin and side, when (the venue's ms), and its
    score then."""

    coin: str
    side: str
    at_ms: float
    score: float


@dataclass(slots=True)
class _Pending:
    """A zero-hash trade not yet explained: the wallets still to read, maker first."""

    coin: str
    side: str
    """The queue its maker was in, if the venue deleveraged the maker: "short" when it bought."""
    at_ms: float
    wallets: list[str]
    read: int = 0
    """Of its wallets, how many were read."""


def adl_close(fill: object, account_value: float) -> AdlClose | None:
    """The close an ADL fill records, scored at its price against `account_value`; None for
    any other fill or one that cannot be read."""
    fields = as_dict(fill)
    coin = fields.get("coin")
    if fields.get("dir") != ADL_DIR or not isinstance(coin, str):
        return None
    price, size = to_float(fields.get("px")), to_float(fields.get("sz"))
    before, pnl = to_float(fields.get("startPosition")), to_float(fields.get("closedPnl"))
    at = to_float(fields.get("time"))
    if not (price and size and before and pnl is not None and at is not None):
        return None
    sign = 1.0 if before > 0 else -1.0
    entry = price - pnl / (sign * size)
    if not (entry > 0 and sign * (price - entry) > 0 and account_value > 0):
        return None  # ADL closes only profitable positions: anything else is misread
    ratio = price / entry if sign > 0 else entry / price
    score = hyperliquid_ranking(ratio, abs(before) * price, account_value)
    if not math.isfinite(score):
        return None
    side = "long" if sign > 0 else "short"
    return AdlClose(coin, side, at, score)


class AdlReach:
    """The venue's ADL closes seen on the held coins' public trades, and how deep they went."""

    def __init__(self, own_wallet: str | None) -> None:
        self._own = (own_wallet or "").lower()
        self._pending: dict[int, _Pending] = {}  # by trade id
        self._explained: dict[int, None] = {}  # trade ids, oldest first
        self._not_deleveraged: dict[str, None] = {}
        self._closes: dict[tuple[str, float], AdlClose] = {}  # by (wallet, time)
        self._newest_ms = 0.0

    def note(self, coin: str, trades: Iterable[Any]) -> None:
        """Remember `coin`'s zero-hash trades not seen before."""
        for trade in trades:
            fields = as_dict(trade)
            tid, at = fields.get("tid"), to_float(fields.get("time"))
            if at is None:
                continue
            self._newest_ms = max(self._newest_ms, at)
            if fields.get("hash") != ZERO_HASH or not isinstance(tid, int):
                continue
            if tid in self._explained or tid in self._pending:
                continue
            users = [u.lower() for u in as_list(fields.get("users")) if isinstance(u, str)]
            if len(users) != 2:
                continue
            taker = 0 if fields.get("side") == "B" else 1  # "B": the buyer's order crossed
            ordered = [users[1 - taker], users[taker]]
            wallets = [u for u in ordered if u != self._own and ADDRESS.fullmatch(u)]
            if wallets:
                side = "long" if taker == 0 else "short"  # the maker sold: it closed a long
                self._pending[tid] = _Pending(coin, side, at, wallets)
        _trim(self._pending, MAX_REMEMBERED)

    async def read(self, client: Any) -> None:
        """Read up to `READS_PER_BATCH` wallets' fills: every queue's newest unread maker in
        turn, then takers likewise. An error ends the batch (what it read is kept) and reaches
        the caller."""
        queues: dict[tuple[str, str], list[int]] = {}  # the queue of the newest trade first
        for trade, noted in sorted(self._pending.items(), key=lambda item: -item[1].at_ms):
            queues.setdefault((noted.coin, noted.side), []).append(trade)
        reads = 0
        for makers_only in (True, False):
            turned = True
            while turned and reads < READS_PER_BATCH:
                turned = False
                for newest_first in queues.values():
                    tid = self._next_unread(newest_first, makers_only)
                    if reads >= READS_PER_BATCH or tid is None:
                        continue
                    pending = self._pending[tid]
                    wallet = pending.wallets.pop(0)
                    pending.read += 1
                    reads += 1
                    turned = True
                    if not await self._read_wallet(client, wallet):
                        self._not_deleveraged[wallet] = None
        for tid in list(self._pending):
            if tid in self._explained or not self._pending[tid].wallets:
                del self._pending[tid]
                self._explained[tid] = None
        _trim(self._explained, MAX_REMEMBERED)
        _trim(self._not_deleveraged, MAX_REMEMBERED)

    def _next_unread(self, newest_first: list[int], makers_only: bool) -> int | None:
        """Of one queue's trades (newest first), the first with a wallet still worth reading
        (in the makers' round, only a trade whose maker was not read yet), or None."""
        for tid in newest_first:
            pending = self._pending[tid]
            if tid in self._explained:
                continue
            while pending.wallets and pending.wallets[0] in self._not_deleveraged:
                pending.wallets.pop(0)
                pending.read += 1
            if pending.wallets and not (makers_only and pending.read):
                return tid
        return None

    async def _read_wallet(self, client: Any, wallet: str) -> bool:
        """Read `wallet`'s fills and keep its ADL closes (their trades are explained); whether
        it had any."""
        fills = as_list(await client.publicPostInfo({"type": "userFills", "user": wallet}))
        adl = [fields for f in fills if (fields := as_dict(f)).get("dir") == ADL_DIR]
        if not adl:
            return False
        state = as_dict(await client.publicPostInfo({"type": "clearinghouseState", "user": wallet}))
        value = number(as_dict(state.get("marginSummary")), "accountValue")
        for fill in adl:
            close = adl_close(fill, value) if value is not None else None
            if close is not None:
                self._closes[(wallet, close.at_ms)] = close
            if isinstance(tid := fill.get("tid"), int):
                self._explained[tid] = None
        _trim(self._closes, MAX_REMEMBERED)
        return True

    def reach(self, coin: str) -> tuple[tuple[str, float], ...]:
        """Per side of `coin`, the lowest score ADL closed in the last `REACH_HOURS` of the
        venue's time (as its newest trade tells it)."""
        since = self._newest_ms - REACH_HOURS * 3_600_000
        lowest: dict[str, float] = {}
        for close in self._closes.values():
            if close.coin == coin and close.at_ms >= since:
                lowest[close.side] = min(close.score, lowest.get(close.side, math.inf))
        return tuple(sorted(lowest.items()))


def _trim(remembered: dict[Any, Any], limit: int) -> None:
    """Drop the oldest entries of an insertion-ordered dict beyond `limit`."""
    for key in list(remembered)[: max(0, len(remembered) - limit)]:
        del remembered[key]
