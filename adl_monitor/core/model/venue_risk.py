"""Venue-wide ADL risk: how close a whole contract is to auto-deleveraging, beside a position's
own place in the queue.

A position's tier says who is deleveraged first *if* ADL happens; the venue-wide risk says how
likely ADL is to happen at all on that contract (insurance fund drained, book thin). Three venues
publish one, each on its own scale, mapped here to one: none / low / medium / high
(docs/venue-risk.md). The raw value is always kept beside the level.

- Binance `GET /fapi/v1/symbolAdlRisk`: `adlRisk` low / medium / high per symbol, recomputed every
  30 minutes — taken as is.
- Bybit `GET /v5/market/adlAlert`: the insurance pool of the contract's group against its ADL
  trigger, every minute. ADL triggers when the pool is empty (`balance` ≤ 0), or when `balance` >
  `adlTriggerThreshold` and the drawdown `pnlRatio` < `insurancePnlRatio` (Bybit's documented
  conditions): high. Past half of that drawdown: medium (our own threshold, not Bybit's). Else low.
- Gate `GET /futures/{settle}/adl_risk_states`: `normal` or `warning` per contract. Gate has only
  the two: normal is low, warning (its only alarm) is high.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum

JsonValue = object


class VenueRiskLevel(IntEnum):
    """The common scale of venue-wide ADL risk; NONE = the venue's value could not be read."""

    NONE = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class VenueRisk:
    """The venue's contract-wide ADL risk. `source` names the venue's call; `detail` says in
    words what the raw value means (for tooltips and the CLI)."""

    level: VenueRiskLevel
    raw: JsonValue
    source: str
    updated_at: datetime
    detail: str = ""


BINANCE_SOURCE = "Binance symbolAdlRisk"
BYBIT_SOURCE = "Bybit adlAlert"
GATE_SOURCE = "Gate adl_risk_states"

_WORDS = {"low": VenueRiskLevel.LOW, "medium": VenueRiskLevel.MEDIUM, "high": VenueRiskLevel.HIGH}
_GATE_STATES = {"normal": VenueRiskLevel.LOW, "warning": VenueRiskLevel.HIGH}


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(str(value))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def from_ms(value: object, fallback: datetime) -> datetime:
    """A venue's millisecond timestamp, or `fallback` (when we read it) when there is none."""
    ms = _number(value)
    if ms is None or ms <= 0:
        return fallback
    try:
        return datetime.fromtimestamp(ms / 1000.0, UTC)
    except (OverflowError, OSError, ValueError):
        return fallback


def binance_risk(row: Mapping[str, object], read_at: datetime) -> VenueRisk:
    """One row of Binance's `symbolAdlRisk`: `{"symbol", "adlRisk", "updateTime"}`."""
    word = str(row.get("adlRisk", "")).strip().lower()
    level = _WORDS.get(word, VenueRiskLevel.NONE)
    detail = f"Binance rates this contract's ADL risk {word} (recomputed every 30 minutes)"
    if level is VenueRiskLevel.NONE:
        detail = "Binance's ADL risk rating could not be read"
    return VenueRisk(
        level, row.get("adlRisk"), BINANCE_SOURCE, from_ms(row.get("updateTime"), read_at), detail
    )


def bybit_risk(row: Mapping[str, object], updated_at: datetime) -> VenueRisk:
    """One row of Bybit's `adlAlert` list (see the module docstring for the thresholds)."""
    balance = _number(row.get("balance"))
    ratio = _number(row.get("pnlRatio"))
    trigger_ratio = _number(row.get("insurancePnlRatio"))
    threshold = _number(row.get("adlTriggerThreshold"))
    raw = {key: row.get(key) for key in _BYBIT_KEYS if key in row}
    coin = str(row.get("coin") or "")
    if balance is None or ratio is None or trigger_ratio is None:
        return VenueRisk(
            VenueRiskLevel.NONE, raw, BYBIT_SOURCE, updated_at, "Bybit's ADL alert was unreadable"
        )
    pool = f"insurance pool {balance:,.0f} {coin}".rstrip()
    drawdown = f"drawdown {ratio:.0%} (ADL at {trigger_ratio:.0%})"
    if balance <= 0:
        level, why = VenueRiskLevel.HIGH, f"{pool}: empty, ADL is on"
    elif ratio < trigger_ratio and (threshold is None or balance > threshold):
        level, why = VenueRiskLevel.HIGH, f"{pool}, {drawdown}: ADL is on"
    elif ratio < trigger_ratio / 2:
        level, why = VenueRiskLevel.MEDIUM, f"{pool}, {drawdown}: past halfway to ADL"
    else:
        level, why = VenueRiskLevel.LOW, f"{pool}, {drawdown}"
    return VenueRisk(level, raw, BYBIT_SOURCE, updated_at, why)


_BYBIT_KEYS = (
    "coin",
    "balance",
    "maxBalance",
    "insurancePnlRatio",
    "pnlRatio",
    "adlTriggerThreshold",
    "adlStopRatio",
)


def gate_risk(entry: Mapping[str, object], read_at: datetime) -> VenueRisk:
    """One contract of Gate's `adl_risk_states`: `{"state", "calculated_at_ms"}`."""
    state = str(entry.get("state", "")).strip().lower()
    level = _GATE_STATES.get(state, VenueRiskLevel.NONE)
    detail = {
        VenueRiskLevel.LOW: "Gate's ADL risk state is normal",
        VenueRiskLevel.HIGH: "Gate warns of ADL risk on this contract",
    }.get(level, "Gate's ADL risk state could not be read")
    updated_at = from_ms(entry.get("calculated_at_ms"), read_at)
    return VenueRisk(level, entry.get("state"), GATE_SOURCE, updated_at, detail)
