"""The snapshot JSON document of docs/interfaces.md: the keys outside scripts rely on."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import UTC, datetime

from adl_monitor.commands.snapshot_json import alert_to_dict, dumps, snapshot_to_dict
from adl_monitor.core.advice.suggestion import Action, ActionKind, Advice
from adl_monitor.core.alerts.alert import Alert, AlertKind
from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.snapshot import AccountState, AccountStatus, Snapshot
from tests.core.risks import position_risk

AT = datetime(2026, 11, 25, 14, 0, 5, 250_000, tzinfo=UTC)
POSITION_KEYS = {
    "account",
    "exchange",
    "symbol",
    "side",
    "contracts",
    "notional",
    "entry_price",
    "mark_price",
    "unrealized_pnl",
    "pnl_pct",
    "leverage",
    "effective_leverage",
    "margin_mode",
    "liquidation_price",
    "exchange_adl",
    "estimate",
    "level",
    "advice",
}
ACCOUNT_KEYS = {"name", "exchange", "ok", "error", "fetched_at", "key_read_only"}


def _document(**risk_changes: object) -> dict[str, object]:
    risk = replace(position_risk(AT, tier=5, raw={"LONG": 4, "SHORT": 0}), **risk_changes)
    status = AccountStatus("main", "bybit", AccountState.LIVE, fetched_at=AT, key_read_only=True)
    parsed: dict[str, object] = json.loads(
        dumps(snapshot_to_dict(Snapshot(generated_at=AT, accounts=(status,), positions=(risk,))))
    )
    return parsed


def test_every_documented_key_is_there_with_its_documented_form() -> None:
    advice = Advice("Close 0.2 BTC to drop to orange.", (Action(ActionKind.REDUCE, 0.2, "BTC", 4),))
    document = _document(advice=advice)
    assert document["generated_at"] == "2026-11-25T14:00:05.250Z"
    (account,) = document["accounts"]  # type: ignore[misc]
    assert set(account) >= ACCOUNT_KEYS
    assert account["ok"] is True and account["error"] is None and account["key_read_only"] is True
    (position,) = document["positions"]  # type: ignore[misc]
    assert set(position) >= POSITION_KEYS
    assert position["exchange_adl"] == {
        "raw": {"LONG": 4, "SHORT": 0},
        "tier": 5,
        "updated_at": "2026-11-25T14:00:05.250Z",
        "scale": "",
        "reason": None,
    }
    assert set(position["estimate"]) == {"score", "tier", "low", "high", "basis"}
    assert position["level"] == "red"
    assert position["advice"] == {
        "text": "Close 0.2 BTC to drop to orange.",
        "actions": [{"kind": "reduce", "amount": 0.2, "unit": "BTC", "target_tier": 4}],
    }
    assert math.isclose(position["pnl_pct"], 0.01)  # a fraction, not percent
    assert position["side"] == "long" and position["margin_mode"] == "isolated"
    assert position["stale"] is False


def test_missing_numbers_and_missing_indicators_are_null_never_nan() -> None:
    document = _document(
        exchange_adl=None, advice=None, pnl_pct=math.nan, effective_leverage=math.inf
    )
    (position,) = document["positions"]  # type: ignore[misc]
    assert position["exchange_adl"] is None and position["advice"] is None
    assert position["pnl_pct"] is None and position["effective_leverage"] is None


def test_an_alert_is_one_flat_object() -> None:
    alert = Alert(
        AlertKind.LEVEL,
        AT,
        "main",
        "bybit",
        "BTC/USDT:USDT",
        "long",
        Level.ORANGE,
        4,
        "Bybit BTC/USDT:USDT long → orange",
        "PnL +8 %",
    )
    assert alert_to_dict(alert) == {
        "kind": "level",
        "at": "2026-11-25T14:00:05.250Z",
        "account": "main",
        "exchange": "bybit",
        "symbol": "BTC/USDT:USDT",
        "side": "long",
        "level": "orange",
        "tier": 4,
        "title": "Bybit BTC/USDT:USDT long → orange",
        "body": "PnL +8 %",
    }


def test_venue_risk_is_its_level_raw_source_and_time_or_null() -> None:
    from adl_monitor.core.model.venue_risk import BYBIT_SOURCE, VenueRisk, VenueRiskLevel

    raw = {"balance": "0.00", "pnlRatio": "-1.0000", "insurancePnlRatio": "-0.3"}
    risk = VenueRisk(VenueRiskLevel.HIGH, raw, BYBIT_SOURCE, AT, "insurance pool empty")
    (with_risk,) = _document(venue_risk=risk)["positions"]  # type: ignore[misc]
    (without,) = _document()["positions"]  # type: ignore[misc]
    assert with_risk["venue_risk"] == {
        "level": "high",
        "raw": raw,
        "source": "Bybit adlAlert",
        "updated_at": "2026-11-25T14:00:05.250Z",
    }
    assert without["venue_risk"] is None
    assert set(with_risk) - {"venue_risk"} == set(without) - {"venue_risk"}  # nothing renamed
