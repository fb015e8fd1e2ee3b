"""An open perpetual-futures position, as read from a venue and normalised."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class Side(StrEnum):
    LONG = "long"
    SHORT = "short"

    @property
    def sign(self) -> int:
        """+1 for a long, −1 for a short: PnL = sign × (mark − entry) × size."""
        return 1 if self is Side.LONG else -1


class MarginMode(StrEnum):
    ISOLATED = "isolated"
    CROSS = "cross"


class PositionId(NamedTuple):
    """A position's identity across refreshes, in storage and on screen: the account holding
    it, its unified symbol and its side (`Side` value)."""

    account: str
    symbol: str
    side: str


class QueueKey(NamedTuple):
    """One venue ADL queue: a contract's longs or its shorts, e.g. ("BTC/USDT:USDT", "long").

    Within one account it also names a position (an account holds one position per queue).
    """

    symbol: str
    side: str


@dataclass(frozen=True, slots=True)
class Position:
    """One position of one account.

    Money amounts are in the settlement currency (USDT for linear, the coin for inverse).
    `notional` is the absolute position value at the mark price. `margin` is the margin held by
    this position (isolated: position margin; cross: its share of the initial margin), when the
    venue reports it.

    `contract_step` and `min_contracts` are the venue's order-size step and smallest order, in
    contracts as `contracts` counts them (ccxt's market `precision.amount` and
    `limits.amount.min`); None when the market did not say. Advice sizes orders with them, so
    it never names a size the venue cannot trade.
    """

    account: str
    exchange: str
    symbol: str
    side: Side
    contracts: float
    contract_size: float
    entry_price: float
    mark_price: float
    notional: float
    unrealized_pnl: float
    margin_mode: MarginMode
    leverage: float | None = None
    margin: float | None = None
    maintenance_margin: float | None = None
    liquidation_price: float | None = None
    inverse: bool = False
    settle: str = "USDT"
    contract_step: float | None = None
    min_contracts: float | None = None

    @property
    def key(self) -> PositionId:
        """Identity across refreshes: account, symbol, side."""
        return PositionId(self.account, self.symbol, self.side.value)

    @property
    def queue_key(self) -> QueueKey:
        """The venue queue the position ranks in; within its account, the position itself."""
        return QueueKey(self.symbol, self.side.value)

    @property
    def entry_notional(self) -> float:
        """Absolute position value at the entry price, in the settlement currency."""
        size = abs(self.contracts) * self.contract_size
        if self.inverse:
            return size / self.entry_price if self.entry_price else 0.0
        return size * self.entry_price
