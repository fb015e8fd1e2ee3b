"""The snapshot JSON document of docs/interfaces.md, and one JSON object per alert.

Outside scripts parse this: keys are never renamed or removed, only added (`stale`,
`age_seconds`, `warning`, `state`, …). Times are ISO 8601 UTC with a `Z`; `pnl_pct` is a
fraction; tiers are on the common scale; NaN or infinite numbers become null so the output is
always strict JSON.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from adl_monitor.core.advice.suggestion import Advice
from adl_monitor.core.alerts.alert import Alert
from adl_monitor.core.model.adl_indicator import AdlIndicator
from adl_monitor.core.model.estimate import Estimate
from adl_monitor.core.model.snapshot import AccountStatus, PositionRisk, Snapshot
from adl_monitor.core.model.venue_risk import VenueRisk


def iso_utc(moment: datetime | None) -> str | None:
    """`2026-11-25T14:00:00.123Z`; a naive datetime is taken to be UTC already."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _number(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _age(now: datetime, moment: datetime | None) -> float | None:
    if moment is None:
        return None
    return round(max(0.0, (now - moment).total_seconds()), 3)


def jsonable(value: object) -> Any:
    """The venue's raw value as strict JSON: containers kept, anything else as its text."""
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return str(value)


def exchange_adl_to_dict(reading: AdlIndicator | None) -> dict[str, Any] | None:
    if reading is None:
        return None
    return {
        "raw": jsonable(reading.raw),
        "tier": reading.tier,
        "updated_at": iso_utc(reading.updated_at),
        "scale": reading.scale,
        "reason": reading.reason,
    }


def venue_risk_to_dict(risk: VenueRisk | None) -> dict[str, Any] | None:
    """`{"level": "none"|"low"|"medium"|"high", "raw", "source", "updated_at"}`, or None."""
    if risk is None:
        return None
    return {
        "level": risk.level.label,
        "raw": jsonable(risk.raw),
        "source": risk.source,
        "updated_at": iso_utc(risk.updated_at),
    }


def estimate_to_dict(estimate: Estimate | None) -> dict[str, Any] | None:
    if estimate is None:
        return None
    return {
        "score": _number(estimate.score),
        "tier": estimate.tier,
        "low": estimate.low,
        "high": estimate.high,
        "basis": estimate.basis,
    }


def advice_to_dict(advice: Advice | None) -> dict[str, Any] | None:
    if advice is None:
        return None
    return {
        "text": advice.text,
        "actions": [
            {
                "kind": action.kind.value,
                "amount": _number(action.amount),
                "unit": action.unit,
                "target_tier": action.target_tier,
            }
            for action in advice.actions
        ],
    }


def position_to_dict(risk: PositionRisk, now: datetime) -> dict[str, Any]:
    position = risk.position
    return {
        "account": position.account,
        "exchange": position.exchange,
        "symbol": position.symbol,
        "side": position.side.value,
        "contracts": _number(position.contracts),
        "notional": _number(position.notional),
        "entry_price": _number(position.entry_price),
        "mark_price": _number(position.mark_price),
        "unrealized_pnl": _number(position.unrealized_pnl),
        "pnl_pct": _number(risk.pnl_pct),
        "leverage": _number(position.leverage),
        "effective_leverage": _number(risk.effective_leverage),
        "margin_mode": position.margin_mode.value,
        "liquidation_price": _number(position.liquidation_price),
        "exchange_adl": exchange_adl_to_dict(risk.exchange_adl),
        "estimate": estimate_to_dict(risk.estimate),
        "level": risk.level.label,
        "advice": advice_to_dict(risk.advice),
        "settle": position.settle,
        "stale": risk.stale,
        "fetched_at": iso_utc(risk.fetched_at),
        "age_seconds": _age(now, risk.fetched_at),
        "adl_hit": risk.adl_hit,
        "adl_evidence": risk.adl_evidence,
        "closed_unconfirmed": risk.closed_unconfirmed,
        "venue_risk": venue_risk_to_dict(risk.venue_risk),
    }


def account_to_dict(status: AccountStatus, now: datetime) -> dict[str, Any]:
    return {
        "name": status.name,
        "exchange": status.exchange,
        "ok": status.ok,
        "error": status.error,
        "fetched_at": iso_utc(status.fetched_at),
        "key_read_only": status.key_read_only,
        "state": status.state.value,
        "age_seconds": _age(now, status.fetched_at),
        "warning": status.warning,
        "api_url": status.api_url,
    }


def snapshot_to_dict(snapshot: Snapshot) -> dict[str, Any]:
    now = snapshot.generated_at
    return {
        "generated_at": iso_utc(now),
        "accounts": [account_to_dict(status, now) for status in snapshot.accounts],
        "positions": [position_to_dict(risk, now) for risk in snapshot.positions],
        "worst_level": snapshot.worst_level.label,
    }


def alert_to_dict(alert: Alert) -> dict[str, Any]:
    return {
        "kind": alert.kind.value,
        "at": iso_utc(alert.at),
        "account": alert.account,
        "exchange": alert.exchange,
        "symbol": alert.symbol,
        "side": alert.side,
        "level": alert.level.label,
        "tier": alert.tier,
        "title": alert.title,
        "body": alert.body,
    }


def dumps(document: dict[str, Any], *, indent: int | None = None) -> str:
    """Strict JSON (no NaN), UTF-8 text kept readable."""
    return json.dumps(document, indent=indent, ensure_ascii=False, allow_nan=False)
