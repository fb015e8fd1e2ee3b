"""How the engine paces itself: refresh cadence, time-outs, back-off, staleness, history.

Frozen, so a settings change is a new object handed to `Engine.update_settings`; every worker
reads the current one at each step, which makes a change take effect on the next refresh without
restarting anything. The user's settings become one of these in `engine/user_settings.py` only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_PERIOD = 0.05
"""Floor under any period, even a venue's own (a connector declaring 0 must not spin)."""
MAX_REFRESH_SECONDS = 3600.0
"""Above this a "refresh" is no monitoring at all, and asyncio's timers overflow near 1e15 s."""


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """`refresh_seconds` None (or 0) keeps each venue's own cadence (`position_interval`); a
    number slows every account down to it (the user's "refresh every N s" setting) but never
    speeds one up past its venue's cadence — the venue's rate limit is not ours to spend.

    A value that is not a number of seconds in (0, MAX_REFRESH_SECONDS] is a programming error
    (ValueError): user input is checked, with a sentence, before it gets here."""

    refresh_seconds: float | None = None
    stale_after_periods: float = 3.0
    """Data older than this many refresh periods is stale, never current (docs/liveness.md)."""
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

    def __post_init__(self) -> None:
        refresh = self.refresh_seconds
        if refresh is None:
            return
        if (
            isinstance(refresh, bool)
            or not isinstance(refresh, int | float)
            or not math.isfinite(refresh)
            or not 0 <= refresh <= MAX_REFRESH_SECONDS
        ):
            raise ValueError(
                f"refresh_seconds must be None or from 0 to {MAX_REFRESH_SECONDS:g} s, "
                f"not {refresh!r}"
            )
        if refresh == 0:  # "0 = each venue's own pace", as in the Settings dialog
            object.__setattr__(self, "refresh_seconds", None)
        else:
            object.__setattr__(self, "refresh_seconds", float(refresh))

    def period_for(self, venue_interval: float) -> float:
        """The refresh period of an account whose venue publishes every `venue_interval`
        seconds: the venue's own cadence, or the user's slower one — never faster."""
        venue = float(venue_interval)
        if not math.isfinite(venue):
            venue = MAX_REFRESH_SECONDS
        venue = max(MIN_PERIOD, venue)
        if self.refresh_seconds is None:
            return venue
        return max(venue, self.refresh_seconds)
