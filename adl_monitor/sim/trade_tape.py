"""The public trades of one coin, each naming its buyer's and seller's wallet (Hyperliquid's
`recentTrades`), shaped so that a wallet sampler sees a biased, incomplete queue — as on the
real venue (docs/simulator.md, "Public wallet data"):

* most trades have one of three market makers on one side, who hold no position;
* the traders drawn are those of open positions in the coin, weighted towards recently opened
  ones (`exp(-age / RECENCY_HOURS) + RECENCY_FLOOR`): an old position rarely shows up;
* every liquidation the book did is a trade of the liquidated wallet with a zero hash, every
  ADL close a trade between the deleveraged wallet and the liquidated one.

Trades are made per `BUCKET_SECONDS` of sim time from `Random(f"{seed}:trades:{coin}:{bucket}")`
only when asked, so the same sim time serves the same trades however often it is asked and the
world's step costs nothing. A bucket that has ended is kept while an answer can still need it:
sim time only moves on, so the oldest bucket an answer reaches never moves back, and the buckets
behind it are dropped — the tape holds about one answer's trades per coin however long the demo
runs (it used to keep every bucket ever asked, ~0.1 MB a minute of the desktop demo until 20,000
buckets: benchmarks/soak.py). The demo wallet never trades here.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from adl_monitor.core.model.position import Side
from adl_monitor.sim.book_position import BookPosition
from adl_monitor.sim.instruments import BY_BASE
from adl_monitor.sim.venue_book import AdlEvent, LiquidationEvent
from adl_monitor.sim.wallets import PublicWallets

RECENT_TRADES = 100
"""Trades a `recentTrades` answer holds (the latest, oldest first)."""
TRADES_PER_MINUTE = 20.0
"""Ordinary trades per coin (liquidations and ADL come on top)."""
MARKET_MAKER_SHARE = 0.75
"""Share of ordinary trades with a market maker on one side."""
RECENCY_HOURS = 12.0
RECENCY_FLOOR = 0.02
"""A position's weight to trade: `exp(-age_hours / RECENCY_HOURS) + RECENCY_FLOOR`."""
BUCKET_SECONDS = 10.0
TRADE_NOTIONAL = 3_000.0
"""Median notional of an ordinary trade (log-normal, σ 1)."""
PRICE_JITTER = 0.0002
"""Relative spread of trade prices around the mark."""
MAX_BUCKETS = 8_640
"""How far back (a day of buckets) an answer looks for trades at most."""
ZERO_HASH = "0x" + "0" * 64
"""The hash of a trade no user signed: liquidations and ADL, as the venue shows them."""
ADL_TID = 8_000_000_000
"""Trade id of the n-th ADL close (`ADL_TID + n`): the same in `userFills` and here."""
LIQUIDATION_TID = 9_000_000_000


@dataclass(frozen=True, slots=True)
class Trade:
    at: float
    coin: str
    buyer: str
    seller: str
    buyer_took: bool
    """Whether the buyer's order crossed the book (the venue's `side` "B")."""
    price: float
    size: float
    hash: str
    tid: int


class TradeTape:
    """The trades of every coin of one book; `wallets` fixes the world and the book."""

    def __init__(self, wallets: PublicWallets, exchange: str) -> None:
        self.wallets = wallets
        self.book = wallets.world.books[exchange]
        self._buckets: dict[str, dict[int, list[Trade]]] = {}  # coin → bucket → its trades

    def recent(self, coin: str, count: int = RECENT_TRADES) -> list[Trade]:
        """The latest `count` trades of `coin` up to sim time now, oldest first."""
        now = self.wallets.world.t
        last = math.floor(now / BUCKET_SECONDS)
        found: list[list[Trade]] = []
        total = 0
        cached = self._buckets.setdefault(coin, {})
        for bucket in range(last, last - MAX_BUCKETS, -1):
            trades = [t for t in self._bucket(cached, coin, bucket, now) if t.at <= now]
            found.append(trades)
            total += len(trades)
            if total >= count:
                break
        for older in [b for b in cached if b < bucket]:  # no later answer reaches back there
            del cached[older]
        ordered = [t for trades in reversed(found) for t in trades]
        return ordered[-count:] if count > 0 else []

    def cached_trades(self) -> int:
        """The trades kept for later answers, all coins together: what the tape's memory is."""
        return sum(len(trades) for cached in self._buckets.values() for trades in cached.values())

    def _bucket(
        self, cached: dict[int, list[Trade]], coin: str, bucket: int, now: float
    ) -> list[Trade]:
        kept = cached.get(bucket)
        if kept is not None:
            return kept
        start = bucket * BUCKET_SECONDS
        end = start + BUCKET_SECONDS
        trades = self._flow(coin, bucket, start, end) + self._forced(coin, start, end)
        trades.sort(key=lambda t: (t.at, t.tid))
        if end <= now:  # nothing that happens later changes an ended bucket
            cached[bucket] = trades
        return trades

    # --- ordinary trades ---------------------------------------------------------------------

    def _flow(self, coin: str, bucket: int, start: float, end: float) -> list[Trade]:
        world = self.wallets.world
        rng = random.Random(f"{world.seed}:trades:{coin}:{bucket}")
        rate = TRADES_PER_MINUTE / 60.0
        trades = []
        at = start + rng.expovariate(rate)
        while at < end:
            trades.append(self._ordinary(rng, coin, at))
            at += rng.expovariate(rate)
        return trades

    def _ordinary(self, rng: random.Random, coin: str, at: float) -> Trade:
        # A fixed number of draws per trade: what one trade finds never shifts the next one.
        with_maker, first, second, maker = rng.random(), rng.random(), rng.random(), rng.random()
        holder_buys, buyer_took = rng.random() < 0.5, rng.random() < 0.5
        size_z, price_z = rng.gauss(0.0, 1.0), rng.gauss(0.0, 1.0)
        hash_bits, tid = rng.getrandbits(256) | 1, rng.getrandbits(50)
        makers = self.wallets.market_makers
        market_maker = makers[int(maker * len(makers))]
        traders = self._open_at(coin, at)
        one = _pick(traders, at, first) or market_maker
        if with_maker < MARKET_MAKER_SHARE:
            other = market_maker
        else:
            other = _pick(traders, at, second) or market_maker
            holder_buys = True
        if other == one:  # nobody trades with themself
            other = makers[(makers.index(one) + 1) % len(makers)] if one in makers else market_maker
        buyer, seller = (one, other) if holder_buys else (other, one)
        inst = BY_BASE[coin]
        mark = self.wallets.world.history_price(coin, at)
        step = 10.0**-inst.hl_sz_decimals
        size = max(step, round(TRADE_NOTIONAL * math.exp(size_z) / mark, inst.hl_sz_decimals))
        price = inst.round_price(mark * (1.0 + PRICE_JITTER * price_z))
        return Trade(at, coin, buyer, seller, buyer_took, price, size, f"0x{hash_bits:064x}", tid)

    def _open_at(self, coin: str, at: float) -> list[tuple[str, BookPosition]]:
        """The synthetic positions of `coin` open at sim time `at`, with their wallets."""
        return [
            (address, held)
            for address, held in self.wallets.positions.get(coin, ())
            if held.opened_at <= at and (held.closed_at is None or held.closed_at > at)
        ]

    # --- liquidations and ADL ----------------------------------------------------------------

    def _forced(self, coin: str, start: float, end: float) -> list[Trade]:
        """The book's liquidations and ADL closes of `coin` in [start, end), as public trades."""
        book = self.book
        made = [self._liquidation(e, n) for n, e in _within(book.liquidations, coin, start, end)]
        made += [self._adl(e, n) for n, e in _within(book.deleverages, coin, start, end)]
        return [trade for trade in made if trade is not None]

    def _liquidation(self, event: LiquidationEvent, n: int) -> Trade | None:
        """The liquidation order, filled by a market maker (the venue's backstop)."""
        makers = self.wallets.market_makers
        return self._closing(event, makers[n % len(makers)], True, LIQUIDATION_TID + n)

    def _adl(self, event: AdlEvent, n: int) -> Trade | None:
        """The deleveraged position closed against the liquidated one, whose order crossed."""
        makers = self.wallets.market_makers
        liquidated = self.wallets.address(event.counterparty) or makers[n % len(makers)]
        return self._closing(event, liquidated, False, ADL_TID + n)

    def _closing(
        self, event: LiquidationEvent | AdlEvent, against: str, closer_took: bool, tid: int
    ) -> Trade | None:
        """A trade that closes `event.account`'s position against `against`; None for the
        demo's, whose wallet is never shown here."""
        closer = self.wallets.address(event.account)
        if closer is None:
            return None
        sells = event.side is Side.LONG
        buyer, seller = (against, closer) if sells else (closer, against)
        buyer_took = (not sells) == closer_took
        return Trade(
            event.at, event.base, buyer, seller, buyer_took, event.price, event.qty, ZERO_HASH, tid
        )


Event = TypeVar("Event", LiquidationEvent, AdlEvent)


def _within(
    events: list[Event], coin: str, start: float, end: float
) -> Iterator[tuple[int, Event]]:
    """The events of `coin` in [start, end) with their index (the book keeps them in time order)."""
    first = bisect.bisect_left(events, start, key=_at)
    last = bisect.bisect_left(events, end, key=_at)
    return ((n, events[n]) for n in range(first, last) if events[n].base == coin)


def _at(event: LiquidationEvent | AdlEvent) -> float:
    return event.at


def _pick(traders: Sequence[tuple[str, BookPosition]], at: float, u: float) -> str | None:
    """The wallet at quantile `u` of `traders` weighted by how recently each opened."""
    if not traders:
        return None
    weights = [
        math.exp(-(at - held.opened_at) / 3600.0 / RECENCY_HOURS) + RECENCY_FLOOR
        for _, held in traders
    ]
    cumulative = list(itertools.accumulate(weights))
    index = bisect.bisect_right(cumulative, u * cumulative[-1])
    return traders[min(index, len(traders) - 1)][0]
