"""An alert the user should see: produced by the rules in `core.alerts`, shown by the UI/CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.position import PositionId


class AlertKind(StrEnum):
    LEVEL = "level"  # a position rose into an alerting level
    MONITORING_LOST = "monitoring_lost"  # an orange/red position went stale or errored
    ADL_HIT = "adl_hit"  # the venue deleveraged the position
    ADL_UNCONFIRMED = "adl_unconfirmed"  # vanished at orange/red; the venue did not say why
    HEDGE_BROKEN = "hedge_broken"  # the other leg of a hedge was deleveraged


@dataclass(frozen=True, slots=True)
class Alert:
    kind: AlertKind
    at: datetime
    account: str
    exchange: str
    symbol: str
    side: str
    level: Level
    tier: int | None
    title: str
    body: str
    escalates: bool = False
    """A rise above the level this position's notification in the current cooldown said: the
    notification is replaced by this one, not joined by it (core/alerts/rules.py)."""

    @property
    def position_id(self) -> PositionId:
        """The position this alert is about: what the rules, the notifier and the history key on."""
        return PositionId(self.account, self.symbol, self.side)
