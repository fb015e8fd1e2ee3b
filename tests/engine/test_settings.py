"""The user's settings → the engine's pace and the alert rules, in one function.

The venue's own cadence applies unless the user chose a slower one; nothing the user writes
makes an account refresh faster than its venue publishes, and a value that makes no sense is
named in one sentence while its default is used.
"""

from __future__ import annotations

import math
from datetime import time, timedelta

import pytest

from adl_monitor.core.alerts.rules import QuietHours
from adl_monitor.core.model.levels import Level
from adl_monitor.engine.settings import EngineSettings
from adl_monitor.engine.user_settings import monitor_settings
from adl_monitor.storage import settings as opt

VENUE = 5.0  # a venue's position_interval (exchanges/base.py)


def test_unset_or_zero_is_each_venues_own_pace() -> None:
    for table in ({}, {"refresh_seconds": 0}, {"refresh_seconds": 0.0}):
        resolved = monitor_settings(table)
        assert resolved.engine.refresh_seconds is None
        assert resolved.engine.period_for(VENUE) == VENUE
        assert resolved.engine.period_for(30.0) == 30.0
        assert resolved.problems == ()


def test_a_slower_refresh_slows_every_venue_down() -> None:
    engine = monitor_settings({"refresh_seconds": 30}).engine
    assert engine.period_for(VENUE) == 30.0
    assert engine.period_for(60.0) == 60.0  # a slower venue stays at its own pace
    assert monitor_settings({"refresh_seconds": 7.5}).engine.period_for(VENUE) == 7.5


def test_a_refresh_below_the_venues_cadence_never_speeds_it_up() -> None:
    for refresh in (0.01, 1, 4.9):
        resolved = monitor_settings({"refresh_seconds": refresh})
        assert resolved.problems == ()  # allowed: it just cannot beat the venue
        assert resolved.engine.period_for(VENUE) == VENUE


@pytest.mark.parametrize(
    "bad",
    [-1, -0.5, math.nan, math.inf, -math.inf, 1e15, 601, "fast", "30", True, [5], {"s": 5}],
    ids=repr,
)
def test_a_refused_refresh_is_named_and_the_venues_pace_is_used(bad: object) -> None:
    resolved = monitor_settings({"refresh_seconds": bad})
    assert resolved.engine.refresh_seconds is None
    assert resolved.engine.period_for(VENUE) == VENUE
    (sentence,) = resolved.problems
    assert sentence.startswith("Setting refresh_seconds = ")
    assert "from 0 to 600" in sentence and "the default, 0, is used." in sentence


def test_the_command_lines_refresh_replaces_the_configs() -> None:
    assert (
        monitor_settings({"refresh_seconds": 30}, refresh_seconds=60).engine.period_for(VENUE)
        == 60.0
    )
    assert (
        monitor_settings({"refresh_seconds": 30}, refresh_seconds=0).engine.period_for(VENUE)
        == VENUE
    )
    assert monitor_settings({"refresh_seconds": "x"}, refresh_seconds=10).problems == ()
    with pytest.raises(ValueError, match="from 0 to 600"):
        monitor_settings({}, refresh_seconds=1e15)  # the CLI checks first: this is a bug


def test_a_settings_object_and_its_table_give_the_same_result() -> None:
    settings = opt.Settings({"refresh_seconds": 20, "sound": False})
    assert monitor_settings(settings) == monitor_settings(settings.as_table())


def test_alert_settings_come_from_the_same_table() -> None:
    alerts = monitor_settings(
        {
            "alert_levels": ["yellow", "red"],
            "alert_cooldown_minutes": 45,
            "quiet_hours": True,
            "quiet_start": "23:15",
            "quiet_end": "06:00",
            "red_in_quiet_hours": False,
        }
    ).alerts
    assert alerts.levels == frozenset({Level.YELLOW, Level.RED})
    assert alerts.cooldown == timedelta(minutes=45)
    assert alerts.quiet_hours == QuietHours(time(23, 15), time(6, 0))
    assert alerts.red_in_quiet_hours is False
    assert not alerts.paused and alerts.snooze_until is None


def test_refused_alert_values_are_named_and_read_as_defaults() -> None:
    resolved = monitor_settings(
        {"alert_cooldown_minutes": 0, "quiet_hours": "yes", "alert_levels": ["purple"]}
    )
    assert resolved.alerts.cooldown == timedelta(minutes=15)
    assert resolved.alerts.quiet_hours is None
    assert resolved.alerts.levels == frozenset({Level.ORANGE, Level.RED})
    named = " ".join(resolved.problems)
    assert len(resolved.problems) == 3
    for name in ("alert_cooldown_minutes", "quiet_hours", "alert_levels"):
        assert f"Setting {name} = " in named


@pytest.mark.parametrize("bad", [-1, math.nan, math.inf, 1e15, True])
def test_the_engine_refuses_a_refresh_that_is_no_number_of_seconds(bad: float) -> None:
    with pytest.raises(ValueError, match="refresh_seconds"):
        EngineSettings(refresh_seconds=bad)


def test_the_engine_reads_zero_as_the_venues_pace_and_never_spins() -> None:
    assert EngineSettings(refresh_seconds=0).refresh_seconds is None
    assert EngineSettings().period_for(0.0) > 0  # a connector declaring 0 does not spin
    assert EngineSettings().period_for(math.inf) <= 3600
