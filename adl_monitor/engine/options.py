"""`EngineOptions`: everything an engine is built with besides its accounts and their keys.

One frozen record, so the engine, its runner thread (engine/runner.py) and the wiring that
chooses the files and settings (wiring/sources.py) pass one value along instead of each
repeating the same seven keyword arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from adl_monitor.core.alerts.rules import AlertSettings
from adl_monitor.engine.connector import ConnectorFactory
from adl_monitor.engine.settings import EngineSettings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """`history_path` None uses the platform default (`settings.record_history` False records
    none); `calibration_path` None keeps calibration in memory only; `sim_calibration_path`
    keeps simulator accounts' apart (None: with the others; engine/calibration.py);
    `cache_dir` holds the venues' market lists; `connector_factory` None uses the real venue
    connectors; `clock` is the engine's notion of now (tests drive it)."""

    settings: EngineSettings = field(default_factory=EngineSettings)
    alert_settings: AlertSettings = field(default_factory=AlertSettings)
    history_path: Path | None = None
    calibration_path: Path | None = None
    sim_calibration_path: Path | None = None
    cache_dir: Path | None = None
    connector_factory: ConnectorFactory | None = None
    clock: Callable[[], datetime] = utc_now
