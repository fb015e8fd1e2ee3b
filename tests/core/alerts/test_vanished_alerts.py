"""The alert rule for a position that vanished while at orange or red (issue 8, item 5).

With the venue's ADL evidence it is an "auto-deleveraged" alert naming the evidence, at the
level the position was last seen at. Without evidence and without a fill of the user's own it
is "closed — possibly auto-deleveraged, not confirmed": never silence. A close the user's own
fill explains (the connector marks nothing) stays quiet, and so does one below orange.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest

from adl_monitor.core.alerts.alert import AlertKind
from adl_monitor.core.alerts.rules import AlertRules, AlertSettings, QuietHours
from adl_monitor.core.model.account_reading import AccountReading, carry_deleveraged
from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.position import Side
from adl_monitor.core.model.snapshot import PositionRisk
from tests.core.alerts.test_alerts import live, position, risk, snap

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
STEP = timedelta(seconds=5)
EVIDENCE = "Binance forceOrders (clientOrderId adl_autoclose)"


def carried(
    at: datetime, *, adl_hit: bool = False, evidence: str | None = None, unconfirmed: bool = False
) -> PositionRisk:
    """The vanished position as the next reading carries it: size zero, no venue tier."""
    row = risk(None, at, position(exchange="binanceusdm", contracts=0.0), adl_hit=adl_hit)
    return replace(row, adl_evidence=evidence, closed_unconfirmed=unconfirmed, advice=None)


def seen_at(tier: int, at: datetime) -> PositionRisk:
    return risk(tier, at, position(exchange="binanceusdm"))


def run(rules: AlertRules, tier: int, gone: PositionRisk) -> list[AlertKind]:
    rules.feed(snap(T0, seen_at(tier, T0), accounts=(live(),)), T0)
    alerts = rules.feed(snap(T0 + STEP, gone, accounts=(live(),)), T0 + STEP)
    later = rules.feed(snap(T0 + 2 * STEP, accounts=(live(),)), T0 + 2 * STEP)
    return [a.kind for a in alerts + later if a.kind is not AlertKind.LEVEL]


def test_vanished_at_red_with_evidence_is_auto_deleveraged_naming_the_evidence() -> None:
    rules = AlertRules()
    rules.feed(snap(T0, seen_at(5, T0), accounts=(live(),)), T0)
    gone = carried(T0 + STEP, adl_hit=True, evidence=EVIDENCE)
    (alert,) = rules.feed(snap(T0 + STEP, gone, accounts=(live(),)), T0 + STEP)
    assert alert.kind is AlertKind.ADL_HIT
    assert alert.title == "Binance BTC/USDT:USDT long was auto-deleveraged"
    assert alert.level is Level.RED and alert.tier == 5  # as last seen, not the empty row
    assert f"closed all of this position by ADL (evidence: {EVIDENCE})" in alert.body
    assert "PnL +42.0 %" in alert.body
    assert rules.feed(snap(T0 + 2 * STEP, accounts=(live(),)), T0 + 2 * STEP) == []


@pytest.mark.parametrize(("tier", "level"), [(4, Level.ORANGE), (5, Level.RED)])
def test_vanished_at_orange_or_red_without_evidence_is_announced_unconfirmed(
    tier: int, level: Level
) -> None:
    rules = AlertRules()
    rules.feed(snap(T0, seen_at(tier, T0), accounts=(live(),)), T0)
    gone = carried(T0 + STEP, unconfirmed=True)
    (alert,) = rules.feed(snap(T0 + STEP, gone, accounts=(live(),)), T0 + STEP)
    assert alert.kind is AlertKind.ADL_UNCONFIRMED
    assert alert.level is level
    assert alert.title == (
        f"Binance BTC/USDT:USDT long closed while {level.label} — possibly auto-deleveraged, "
        "not confirmed by Binance"
    )
    assert "no fill of yours" in alert.body
    # Once per close, even if the carried row showed twice.
    assert rules.feed(snap(T0 + 2 * STEP, gone, accounts=(live(),)), T0 + 2 * STEP) == []


def test_vanished_below_orange_without_evidence_stays_quiet() -> None:
    assert run(AlertRules(), 3, carried(T0 + STEP, unconfirmed=True)) == []


def test_a_close_the_users_own_fill_explains_stays_quiet() -> None:
    """The connector found the user's fill: nothing is marked, the row just goes."""
    rules = AlertRules()
    rules.feed(snap(T0, seen_at(5, T0), accounts=(live(),)), T0)
    assert rules.feed(snap(T0 + STEP, accounts=(live(),)), T0 + STEP) == []


def test_unconfirmed_close_goes_through_quiet_hours() -> None:
    night = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)
    quiet = AlertSettings(quiet_hours=QuietHours(time(22), time(7)), timezone=UTC)
    rules = AlertRules(quiet)
    rules.feed(snap(night, seen_at(5, night), accounts=(live(),)), night)
    gone = replace(carried(night + STEP, unconfirmed=True), fetched_at=night + STEP)
    alerts = rules.feed(snap(night + STEP, gone, accounts=(live(),)), night + STEP)
    assert [a.kind for a in alerts] == [AlertKind.ADL_UNCONFIRMED]


def test_marks_of_a_reading_no_snapshot_showed_are_kept() -> None:
    """Two stream readings within one publishing interval: the first one's hit survives."""
    long = position(exchange="bybit", side=Side.LONG)
    key = (long.symbol, long.side.value)
    before = AccountReading(T0, (long,))
    hit = carry_deleveraged(
        before,
        AccountReading(T0 + STEP, (), adl_hits=frozenset({key}), adl_evidence={key: EVIDENCE}),
    )
    unseen = carry_deleveraged(hit, AccountReading(T0 + 2 * STEP, ()), previous_shown=False)
    assert unseen.adl_hits == {key} and unseen.adl_evidence == {key: EVIDENCE}
    assert [p.contracts for p in unseen.positions] == [0.0]
    shown = carry_deleveraged(unseen, AccountReading(T0 + 3 * STEP, ()), previous_shown=True)
    assert shown.positions == () and shown.adl_hits == frozenset()
