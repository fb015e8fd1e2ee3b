"""How the engine paces itself: refresh cadence, time-outs, back-off, staleness, history.

Frozen, so a settings change is a new object handed to `Engine.update_settings`; every worker
reads the current one at each step, which makes a change take effect on the next refresh without
restarting anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """`refresh_seconds` None keeps each venue's own cadence (`position_interval`); a number
    overrides it for every account (the user's "refresh every N s" setting)."""

    refresh_seconds: float | None = None
    stale_after_periods: float = 3.0
    """Data older than this many refresh periods is stale (DESIGN: never shown as current)."""
    request_timeout: float = 20.0
    """A single fetch that takes longer counts as a network failure; others keep going."""
    use_websocket: bool = True
    reconcile_seconds: float = 60.0
    """While a websocket stream is healthy, REST still runs this often to reconcile."""
    backoff_initial: float = 1.0
    backoff_max: float = 120.0
    slow_retry_seconds: float = 300.0
    """Non-retryable failures (bad key, missing permission) are retried this rarely."""
    coalesce_seconds: float = 0.05
    """Updates arriving within this window make one snapshot, not a burst of them."""
    record_history: bool = True
    history_retention_days: float = 30.0
    jitter_seed: int | None = None
    """Seed for back-off jitter; fixed in tests and benchmarks so runs repeat exactly."""

    def period_for(self, venue_interval: float) -> float:
        """The refresh period of an account whose venue asks for `venue_interval` seconds."""
        if self.refresh_seconds is not None:
            return max(0.05, float(self.refresh_seconds))
        return max(0.05, float(venue_interval))

    @classmethod
    def from_config(cls, settings: Mapping[str, Any]) -> EngineSettings:
        """Engine settings from the config's `[settings]` table.

        `refresh_seconds` overrides the venues' cadence only when the user set it; its bounds
        and type come from the settings registry (an invalid value reads as the default).
        """
        from adl_monitor.storage.settings import REFRESH_SECONDS, Settings

        if REFRESH_SECONDS.name not in settings:
            return cls()
        return cls(refresh_seconds=float(Settings(settings).get(REFRESH_SECONDS)))
