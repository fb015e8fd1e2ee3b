"""A position inside the simulated venue's book: mutable, because liquidation and ADL change it."""

from __future__ import annotations

from dataclasses import dataclass, field

from adl_monitor.core.model.position import MarginMode, Side


@dataclass(slots=True, eq=False)
class SimAccount:
    """A trader's account on one venue. `wallet` excludes unrealized PnL."""

    name: str
    wallet: float
    demo: bool = False
    positions: list[BookPosition] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class BookPosition:
    """One side of one symbol held by one account.

    `collateral` is what backs the position: the isolated margin, or for cross the part of the
    account's wallet that stands behind it. Partial ADL shrinks size and collateral together, so
    the liquidation price of what is left does not move.
    """

    pid: int
    account: SimAccount
    base: str
    side: Side
    size: float
    entry: float
    leverage: float
    margin_mode: MarginMode
    collateral: float
    mmr: float
    opened_at: float
    status: str = "Normal"
    adl_at: float | None = None
    closed: bool = False
    closed_at: float | None = None
    """Sim time the venue closed it (liquidation or a full ADL)."""
    updated_at: float = 0.0
    liq: float = field(init=False, default=0.0)
    """Cached liquidation price: the liquidation engine checks it every tick."""

    def __post_init__(self) -> None:
        self.liq = self.liquidation_price

    def upnl(self, mark: float) -> float:
        return self.side.sign * (mark - self.entry) * self.size

    @property
    def bankruptcy_price(self) -> float:
        """The price at which the collateral is exactly used up."""
        per_coin = self.collateral / self.size if self.size else 0.0
        return max(0.0, self.entry - self.side.sign * per_coin)

    @property
    def liquidation_price(self) -> float:
        """Where equity falls to the maintenance margin (mmr × notional at that price)."""
        per_coin = self.collateral / self.size if self.size else 0.0
        if self.side is Side.LONG:
            return max(0.0, (self.entry - per_coin) / (1.0 - self.mmr))
        return (self.entry + per_coin) / (1.0 + self.mmr)

    def initial_margin(self, mark: float) -> float:
        if self.margin_mode is MarginMode.ISOLATED:
            return self.collateral
        return self.size * mark / self.leverage

    def reduce(self, qty: float) -> bool:
        """Take `qty` coins off the position (ADL); collateral leaves pro rata. Returns whether
        that closed it."""
        qty = min(qty, self.size)
        if self.size > 0:
            self.collateral *= (self.size - qty) / self.size
        self.size -= qty
        if self.size <= 1e-12:
            self.size = 0.0
            self.closed = True
        return self.closed
