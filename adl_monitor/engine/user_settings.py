"""The user's settings turned into what the engine and the alert rules run on — the one place.

The config's `[settings]` table (storage/settings.py declares each option, its type and
bounds), the Settings dialog and `watch --refresh` all reach the engine through
`monitor_settings`; the wiring (wiring/sources.py) and the GUI (ui/app.py) call it, nothing else
builds an `EngineSettings` or `AlertSettings` from user input.

Why here, in engine/: the result is the engine's own input (`EngineSettings`, and the
`AlertSettings` its alert rules run on), and this is the lowest layer that can see both the
option registry (storage/) and those types — storage/ may not import the engine, core/ may not
import storage/, and the GUI must not import commands/ or wiring/ (docs/architecture.md, pyproject's
import-linter contracts). No Qt here and no printing: a refused value comes back as a sentence
in `problems` for the caller to print (CLI) or show (GUI), and its default is used.

Pacing (docs/venues.md): `refresh_seconds` 0 or missing is each venue's own cadence; any other
accepted value can only slow an account down (`EngineSettings.period_for`), so no setting, flag
or config value makes the app ask a venue faster than its cadence and rate limit allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from adl_monitor.core.alerts.rules import AlertSettings, QuietHours
from adl_monitor.core.model.levels import Level
from adl_monitor.engine.settings import EngineSettings
from adl_monitor.storage import settings as opt


@dataclass(frozen=True, slots=True)
class MonitorSettings:
    """What the engine runs on, from the user's settings, and what was refused on the way."""

    engine: EngineSettings
    alerts: AlertSettings
    problems: tuple[str, ...] = ()
    """One sentence per refused value, naming the setting; its default is used instead."""


def monitor_settings(
    table: Mapping[str, Any] | opt.Settings, *, refresh_seconds: float | None = None
) -> MonitorSettings:
    """The engine and alert settings for the config's `[settings]` table (or a `Settings`).

    `refresh_seconds` (`watch --refresh`, already checked against the same option's range)
    replaces the table's value when given. Never raises for what a user wrote: a value of the
    wrong type, out of range, NaN or infinite is named in `problems` and reads as its default.
    """
    settings = table.copy() if isinstance(table, opt.Settings) else opt.Settings(table)
    if refresh_seconds is not None:
        settings.set(opt.REFRESH_SECONDS, refresh_seconds)  # ValueError: a caller's bug
    return MonitorSettings(
        engine=EngineSettings(refresh_seconds=settings.get(opt.REFRESH_SECONDS) or None),
        alerts=_alert_settings(settings),
        problems=settings.problems(),
    )


def _alert_settings(settings: opt.Settings) -> AlertSettings:
    quiet = None
    if settings.get(opt.QUIET_HOURS):
        quiet = QuietHours(
            _clock(settings.get(opt.QUIET_START)), _clock(settings.get(opt.QUIET_END))
        )
    return AlertSettings(
        levels=frozenset(Level.parse(name) for name in settings.get(opt.ALERT_LEVELS)),
        cooldown=timedelta(minutes=settings.get(opt.ALERT_COOLDOWN_MINUTES)),
        quiet_hours=quiet,
        red_in_quiet_hours=settings.get(opt.RED_IN_QUIET_HOURS),
    )


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))
