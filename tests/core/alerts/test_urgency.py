"""Which readings skip the engine's coalescing window: the ones that may raise an alert."""

from __future__ import annotations

from datetime import UTC, datetime

from adl_monitor.core.alerts.urgency import may_raise_alert
from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.model.adl_indicator import AdlIndicator
from adl_monitor.core.model.position import QueueKey

NOW = datetime(2026, 12, 5, tzinfo=UTC)
BTC_LONG = QueueKey("BTC/USDT:USDT", "long")


def _reading(tier: int | None = None, **fields: object) -> AccountReading:
    adl = {} if tier is None else {BTC_LONG: AdlIndicator(raw=tier, tier=tier, updated_at=NOW)}
    return AccountReading(fetched_at=NOW, adl=adl, **fields)  # type: ignore[arg-type]


def test_a_rise_to_orange_or_red_is_urgent() -> None:
    assert may_raise_alert(_reading(3), _reading(4))
    assert may_raise_alert(_reading(4), _reading(5))
    assert may_raise_alert(None, _reading(5))  # the first reading of a red position


def test_routine_readings_are_not() -> None:
    assert not may_raise_alert(_reading(2), _reading(3))  # yellow alerts no one
    assert not may_raise_alert(_reading(5), _reading(5))  # still red: alerted already
    assert not may_raise_alert(_reading(5), _reading(4))  # falling
    assert not may_raise_alert(_reading(4), _reading(None))


def test_an_adl_report_is_urgent() -> None:
    assert may_raise_alert(_reading(2), _reading(adl_hits=frozenset({BTC_LONG})))
    assert may_raise_alert(_reading(2), _reading(unconfirmed_closes=frozenset({BTC_LONG})))
