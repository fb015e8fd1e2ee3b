"""One refresh of every account: what the UI, the CLI and the alert rules consume."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from adl_monitor.core.advice.suggestion import Advice
from adl_monitor.core.model.adl_indicator import AdlIndicator
from adl_monitor.core.model.estimate import Estimate
from adl_monitor.core.model.levels import Level, level_for_tier
from adl_monitor.core.model.position import Position, PositionId
from adl_monitor.core.model.venue_risk import VenueRisk


class AccountState(StrEnum):
    LIVE = "live"
    STALE = "stale"
    ERROR = "error"
    CONNECTING = "connecting"


@dataclass(frozen=True, slots=True)
class AccountStatus:
    """An account's health. `error` is one sentence naming the account and what to do."""

    name: str
    exchange: str
    state: AccountState
    fetched_at: datetime | None = None
    error: str | None = None
    key_read_only: bool | None = None
    warning: str | None = None
    api_url: str | None = None

    @property
    def ok(self) -> bool:
        """Live: read within three refresh periods and the latest read did not fail."""
        return self.state is AccountState.LIVE


@dataclass(frozen=True, slots=True)
class PositionRisk:
    """A position with both ADL numbers side by side, its alert level and any suggestion.

    `stale` is True when its account is not live — data older than three refresh periods, or
    the latest read failed — or its tier is older than three of the venue's own indicator
    periods (docs/liveness.md): the UI must then show its age and never present the tier as
    current. `adl_hit` is True when the venue marked the position as (partly)
    auto-deleveraged, `adl_evidence` names the venue's record of it when there is one.
    `closed_unconfirmed` is True for one reading when the position vanished with neither ADL
    evidence nor a fill of the user's own (docs/adl-evidence.md). `venue_risk` is the venue's
    contract-wide ADL risk for the position's symbol, when the venue publishes one.
    """

    position: Position
    exchange_adl: AdlIndicator | None
    estimate: Estimate | None
    fetched_at: datetime
    advice: Advice | None = None
    effective_leverage: float | None = None
    pnl_pct: float | None = None
    stale: bool = False
    adl_hit: bool = False
    adl_evidence: str | None = None
    closed_unconfirmed: bool = False
    venue_risk: VenueRisk | None = None

    @property
    def level(self) -> Level:
        """The exchange's own tier when it has one, otherwise our estimate."""
        if self.exchange_adl is not None and self.exchange_adl.tier is not None:
            return level_for_tier(self.exchange_adl.tier)
        if self.estimate is not None:
            return level_for_tier(self.estimate.tier)
        return Level.NONE

    @property
    def key(self) -> PositionId:
        return self.position.key


@dataclass(frozen=True, slots=True)
class Snapshot:
    generated_at: datetime
    accounts: tuple[AccountStatus, ...] = ()
    positions: tuple[PositionRisk, ...] = field(default_factory=tuple)

    @property
    def worst_level(self) -> Level:
        return max((p.level for p in self.positions), default=Level.NONE)
