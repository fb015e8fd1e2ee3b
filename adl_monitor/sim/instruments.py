"""The perpetual contracts the simulator lists, and how each venue names and sizes them."""

from __future__ import annotations

from dataclasses import dataclass

HYPERLIQUID_MAX_LEVERAGE = 40
"""Hyperliquid's cap, as its `meta` serves it for the simulated coins (the real venue's is
40x on BTC and lower on smaller coins)."""


@dataclass(frozen=True)
class Instrument:
    """A USDT-margined linear perpetual (USDC on Hyperliquid).

    `price` is the mark at sim time 0; `mmr` the maintenance-margin rate of the first risk tier;
    `okx_ct_val` the coin amount of one OKX contract (OKX counts positions in contracts).
    `max_leverage` is the most other venues allow; Hyperliquid allows less (`max_leverage_on`).
    """

    base: str
    price: float
    tick: float
    qty_step: float
    max_leverage: int
    mmr: float
    okx_ct_val: float
    hl_sz_decimals: int

    def symbol(self, exchange: str) -> str:
        """ccxt's unified symbol on `exchange`."""
        settle = "USDC" if exchange == "hyperliquid" else "USDT"
        return f"{self.base}/{settle}:{settle}"

    def venue_id(self, exchange: str) -> str:
        """The venue's own instrument id."""
        if exchange == "okx":
            return f"{self.base}-USDT-SWAP"
        if exchange == "hyperliquid":
            return self.base
        return f"{self.base}USDT"

    def max_leverage_on(self, exchange: str) -> int:
        """The most leverage `exchange` lets a position open with: what its market metadata
        serves, and so the cap on every trader the simulator puts on its book."""
        if exchange == "hyperliquid":
            return min(self.max_leverage, HYPERLIQUID_MAX_LEVERAGE)
        return self.max_leverage

    def round_price(self, price: float) -> float:
        return round(round(price / self.tick) * self.tick, 8)


INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument("BTC", 97_250.0, 0.1, 0.001, 100, 0.004, 0.01, 5),
    Instrument("ETH", 3_640.0, 0.01, 0.01, 100, 0.005, 0.1, 4),
    Instrument("SOL", 187.5, 0.001, 0.1, 75, 0.01, 1.0, 2),
)
BY_BASE: dict[str, Instrument] = {inst.base: inst for inst in INSTRUMENTS}


def by_venue_id(exchange: str, venue_id: str) -> Instrument | None:
    for inst in INSTRUMENTS:
        if inst.venue_id(exchange) == venue_id:
            return inst
    return None
