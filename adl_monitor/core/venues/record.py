"""What ADL Monitor knows about one venue, as one record (docs/architecture.md, "Adding a venue").

Every field is required: a venue cannot be half-declared, because a record missing a fact does
not construct (and mypy refuses it before that). Only core-side facts live here; the connector
class that reads the venue is in `exchanges/registry.py`, checked against this table by a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from adl_monitor.core.ranking.scales.venues import VenueScale


class RankedUnit(Enum):
    """What the venue's ADL queue ranks: each position, or a whole account (Binance)."""

    POSITIONS = "positions"
    ACCOUNTS = "accounts"


@dataclass(frozen=True, slots=True, kw_only=True)
class Cadence:
    """How often the venue's numbers change, in seconds: reading faster is waste."""

    positions: float
    indicator: float  # the ADL indicator; Binance recomputes adlQuantile only every 30 s

    @property
    def indicator_lag(self) -> float:
        """How long before it is read the venue may have computed its indicator: the timer of a
        venue that recomputes it on one (Binance: 30 s), 0 for one that computes it with every
        trade (read with the positions, it ranks the position as read)."""
        return self.indicator if self.indicator > self.positions else 0.0

    def __post_init__(self) -> None:
        if not 0 < self.positions <= self.indicator:
            raise ValueError(f"cadence must be 0 < positions ≤ indicator, got {self!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialsNeeded:
    """What an account at the venue must be configured with to be read."""

    key: bool  # an API key and secret (Hyperliquid reads public data by address: no key)
    passphrase: bool  # the key comes with a passphrase (ccxt's `requiredCredentials.password`)
    wallet_address: bool  # the account is a public wallet address


@dataclass(frozen=True, slots=True, kw_only=True)
class Venue:
    """One venue ADL Monitor connects to, keyed by its ccxt id.

    `formula` names the ranking formula family (`core/ranking/formulas/`, `FORMULAS`).
    `profitable_only` is True where only profitable positions queue (Hyperliquid); elsewhere
    losers queue behind them.
    """

    id: str
    display_name: str
    scale: VenueScale
    formula: str
    cadence: Cadence
    credentials: CredentialsNeeded
    ranks: RankedUnit
    profitable_only: bool
