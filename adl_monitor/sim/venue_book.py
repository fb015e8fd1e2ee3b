"""One venue's book: its positions, liquidation engine, insurance fund and ADL queue.

Per tick the venue liquidates every position whose mark crossed its liquidation price. The
liquidation order fills with slippage that grows with the liquidation volume of the last ten
seconds; whatever equity is left goes to the insurance fund, a shortfall is paid from it. When
the fund cannot pay, the venue closes the liquidated size against the opposite side at the
bankruptcy price, starting from the front of the ADL queue (auto-deleveraging), and marks the
positions it hit the way the venue does.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.position import Side
from adl_monitor.sim.book_position import BookPosition, SimAccount
from adl_monitor.sim.ranking import rank_queue

IMPACT_WINDOW = 10.0  # seconds of liquidation volume that move liquidation fills
BASE_SLIPPAGE = 0.001
RANK_INTERVAL = 0.5  # sim seconds a computed queue stays valid while nothing structural changes

QueueKey = tuple[str, Side]


def opposite(side: Side) -> Side:
    return Side.SHORT if side is Side.LONG else Side.LONG


@dataclass(frozen=True)
class AdlEvent:
    """The venue deleveraged `qty` coins of a position at `price`, against the liquidated
    `counterparty` (an account name)."""

    at: float
    account: str
    pid: int
    base: str
    side: Side
    qty: float
    price: float
    entry: float
    realized_pnl: float
    full: bool
    leverage: float
    margin_mode: str
    counterparty: str = ""


@dataclass(frozen=True)
class LiquidationEvent:
    at: float
    base: str
    side: Side
    qty: float
    price: float
    deficit: float
    deleveraged: bool
    account: str = ""
    """The liquidated account's name."""


@dataclass
class RankedQueue:
    at: float
    positions: list[BookPosition]
    scores: list[Score]
    percentiles: list[float]

    def percentile_of(self, pid: int) -> tuple[float, Score] | None:
        for held, pct, score in zip(self.positions, self.percentiles, self.scores, strict=True):
            if held.pid == pid:
                return pct, score
        return None


class VenueBook:
    def __init__(self, exchange: str, insurance: dict[str, float], depth: float) -> None:
        self.exchange = exchange
        self.queues: dict[QueueKey, list[BookPosition]] = {}
        self.insurance = dict(insurance)
        self.initial_insurance = dict(insurance)
        self.depth = depth
        self.demo_accounts: dict[str, SimAccount] = {}
        self.adl_events: list[AdlEvent] = []
        """The demo accounts' share of `deleverages`: what the venues report to their owner."""
        self.deleverages: list[AdlEvent] = []
        """Every ADL close, synthetic traders' too, in order: public on Hyperliquid."""
        self.added: list[BookPosition] = []
        """Every position ever added, closed ones too: a venue's public data (trades, fills)
        still names a wallet after its position is gone."""
        self.liquidations: list[LiquidationEvent] = []
        self.deleveraged_leverages: list[float] = []
        """Nominal leverage of every position ADL hit (synthetic ones too), in order."""
        self._recent: dict[QueueKey, deque[tuple[float, float]]] = {}
        self._ranked: dict[QueueKey, RankedQueue] = {}
        self._first_liq: dict[QueueKey, float] = {}
        """Per queue, the liquidation price the mark reaches first (the highest a long's, the
        lowest a short's): until it does, a tick has nobody to liquidate there. Dropped when
        the queue changes (a position's `liq` never moves: ADL shrinks size and collateral
        together)."""
        self.added_size: dict[str, float] = {}
        """Coins ever opened per base (both sides): what `open_size` is a share of."""

    def add(self, position: BookPosition) -> None:
        self.queues.setdefault((position.base, position.side), []).append(position)
        self.added.append(position)
        self._first_liq.pop((position.base, position.side), None)
        self.added_size[position.base] = self.added_size.get(position.base, 0.0) + position.size
        if position.account.demo:
            self.demo_accounts.setdefault(position.account.name, position.account)

    def open_positions(self) -> int:
        return sum(len(q) for q in self.queues.values())

    def open_size(self, base: str) -> float:
        """Coins still open in the base's market, both sides summed."""
        return sum(p.size for (b, _), queue in self.queues.items() if b == base for p in queue)

    # --- ranking ---------------------------------------------------------------------------

    def ranked(self, key: QueueKey, t: float, marks: dict[str, float]) -> RankedQueue:
        """The queue of one side of one symbol, ranked at most RANK_INTERVAL ago."""
        cached = self._ranked.get(key)
        if cached is not None and 0.0 <= t - cached.at < RANK_INTERVAL:
            return cached
        positions = list(self.queues.get(key, []))
        scores, percentiles = rank_queue(self.exchange, positions, marks)
        ranked = RankedQueue(t, positions, scores, percentiles)
        self._ranked[key] = ranked
        return ranked

    def _invalidate(self, key: QueueKey) -> None:
        self._ranked.pop(key, None)

    # --- liquidation and ADL ---------------------------------------------------------------

    def step(self, t: float, marks: dict[str, float]) -> None:
        """Liquidate what the marks at sim time `t` put past liquidation."""
        for key, queue in list(self.queues.items()):
            base, side = key
            mark = marks[base]
            first = self._first_liq.get(key)
            if first is None:
                liqs = [p.liq for p in queue if not math.isnan(p.liq)]
                first = self._first_liq[key] = (
                    (max(liqs) if side is Side.LONG else min(liqs)) if liqs else math.nan
                )
            if not side.sign * (mark - first) <= 0:
                continue  # the mark is short of every liquidation price in the queue
            doomed = [p for p in queue if side.sign * (mark - p.liq) <= 0]
            for position in doomed:
                if not position.closed:
                    self._liquidate(position, t, mark, marks)

    def _impact(self, key: QueueKey, t: float, notional: float) -> float:
        recent = self._recent.setdefault(key, deque())
        while recent and recent[0][0] < t - IMPACT_WINDOW:
            recent.popleft()
        recent.append((t, notional))
        volume = sum(n for _, n in recent)
        return BASE_SLIPPAGE + 0.01 * volume / self.depth

    def _liquidate(
        self, position: BookPosition, t: float, mark: float, marks: dict[str, float]
    ) -> None:
        key = (position.base, position.side)
        impact = self._impact(key, t, position.size * mark)
        fill = mark * (1.0 - position.side.sign * impact)
        left = position.collateral + position.side.sign * (fill - position.entry) * position.size
        fund = self.insurance.get(position.base, 0.0)
        deleveraged = False
        if left >= 0 or fund >= -left:
            self.insurance[position.base] = fund + left
        else:
            deleveraged = True
        self.liquidations.append(
            LiquidationEvent(
                t,
                position.base,
                position.side,
                position.size,
                fill,
                max(0.0, -left),
                deleveraged,
                position.account.name,
            )
        )
        qty, price = position.size, position.bankruptcy_price
        position.account.wallet -= position.collateral
        position.reduce(position.size)
        position.closed_at = t
        self._remove(position)
        if deleveraged:
            self._deleverage(
                position.base, opposite(position.side), qty, price, t, marks, position.account.name
            )

    def _deleverage(
        self,
        base: str,
        side: Side,
        qty: float,
        price: float,
        t: float,
        marks: dict[str, float],
        counterparty: str = "",
    ) -> None:
        """Close `qty` coins of `side` at `price`, front of the queue first, against the
        liquidated `counterparty`'s order ("" when no account's: a test's)."""
        key = (base, side)
        ranked = self.ranked(key, t, marks)
        order = sorted(
            range(len(ranked.positions)), key=lambda i: ranked.percentiles[i], reverse=True
        )
        remaining = qty
        for i in order:
            if remaining <= 1e-12:
                break
            target = ranked.positions[i]
            if target.closed:
                continue
            # A sum of the whole side, taken apart again, leaves float dust on the last one
            # (1e-9 of a 1e7 total): within that of its size, the position closes whole.
            full = remaining >= target.size * (1 - 1e-9) - 1e-12
            take = target.size if full else remaining
            remaining = max(0.0, remaining - take)
            pnl = target.side.sign * (price - target.entry) * take
            closed = target.reduce(take)
            self.deleveraged_leverages.append(target.leverage)
            target.account.wallet += pnl
            target.status = "Adl"
            target.adl_at = t
            target.updated_at = t
            event = AdlEvent(
                t,
                target.account.name,
                target.pid,
                base,
                side,
                take,
                price,
                target.entry,
                pnl,
                full,
                target.leverage,
                target.margin_mode.value,
                counterparty,
            )
            self.deleverages.append(event)
            if target.account.demo:
                self.adl_events.append(event)
            if closed:
                target.closed_at = t
                self._remove(target)
        self._invalidate(key)

    def _remove(self, position: BookPosition) -> None:
        key = (position.base, position.side)
        queue = self.queues.get(key, [])
        if position in queue:
            queue.remove(position)
        if position in position.account.positions and not position.account.demo:
            position.account.positions.remove(position)
        self._first_liq.pop(key, None)
        self._invalidate(key)
