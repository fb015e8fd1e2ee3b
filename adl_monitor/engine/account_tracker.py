"""The engine's memory of one account: its latest reading, its latest failure, its key check.

A worker writes into it; the snapshot builder reads from it. It turns "when did we last hear
from this venue, and what went wrong since" into the account's status — live, stale with its
age, or an error sentence naming the account and what to do — so a stale tier is never
presented as current.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from adl_monitor.core.account_reading import AccountReading, carry_deleveraged
from adl_monitor.core.account_spec import AccountSpec
from adl_monitor.core.age import describe_age
from adl_monitor.core.failure import VenueFailure
from adl_monitor.core.key_check import KeyCheck, KeyVerdict
from adl_monitor.core.snapshot import AccountState, AccountStatus


@dataclass(slots=True)
class AccountTracker:
    """Mutable, owned by the engine's event loop thread; never shared across threads."""

    spec: AccountSpec
    period: float
    """Seconds between fresh data as the engine currently expects it (REST cadence in use)."""
    stale_after_periods: float = 3.0
    adl_period: float = 0.0
    """How often the venue's ADL indicator is re-read (Binance: 30 s, slower than positions)."""
    reading: AccountReading | None = None
    failure: VenueFailure | None = None
    failure_sentence: str | None = None
    failed_at: datetime | None = None
    key_check: KeyCheck | None = None
    streaming: bool = False
    version: int = 0
    """Bumped on every change, so the publisher knows something is new."""
    _reported_stale: bool = field(default=False)
    _shown: bool = field(default=True)
    """Whether a published snapshot showed `reading` (its ADL marks must not be lost)."""

    # -- updates from the worker ----------------------------------------------------------

    def record_reading(self, reading: AccountReading) -> None:
        self.reading = carry_deleveraged(self.reading, reading, previous_shown=self._shown)
        self._shown = False
        self.failure = None
        self.failure_sentence = None
        self.failed_at = None
        self.version += 1

    def record_failure(self, failure: VenueFailure, sentence: str, at: datetime) -> None:
        self.failure = failure
        self.failure_sentence = sentence
        self.failed_at = at
        self.version += 1

    def record_key_check(self, check: KeyCheck) -> None:
        self.key_check = check
        self.version += 1

    # -- what the snapshot shows ----------------------------------------------------------

    @property
    def stale_after(self) -> timedelta:
        return timedelta(seconds=self.period * self.stale_after_periods)

    @property
    def adl_stale_after(self) -> timedelta:
        """The indicator is stale after as many of *its own* refresh periods."""
        period = max(self.period, self.adl_period)
        return timedelta(seconds=period * self.stale_after_periods)

    def age(self, now: datetime) -> float | None:
        if self.reading is None:
            return None
        return max(0.0, (now - self.reading.fetched_at).total_seconds())

    def is_stale(self, now: datetime) -> bool:
        age = self.age(now)
        return age is not None and age > self.stale_after.total_seconds()

    def staleness_changed(self, now: datetime) -> bool:
        """True once when the data crosses the staleness line (either way) unseen by a snapshot."""
        stale = self.is_stale(now)
        changed = stale != self._reported_stale
        return changed

    def mark_reported(self, now: datetime) -> None:
        self._reported_stale = self.is_stale(now)
        self._shown = True

    def warning(self) -> str | None:
        """A permanent warning about the key, shown wherever the account is shown."""
        name = self.spec.name
        verdict = self.key_check.verdict if self.key_check else None
        if verdict is KeyVerdict.CAN_WITHDRAW:
            return f"{name}: this API key can withdraw funds — replace it with a read-only key."
        if verdict is KeyVerdict.CAN_TRADE or self.spec.allow_trading_key:
            return (
                f"{name}: this API key can trade — ADL Monitor only reads, but a read-only key "
                "is safer; replace it when you can."
            )
        return None

    def status(self, now: datetime) -> AccountStatus:
        state, error = self._state(now)
        return AccountStatus(
            name=self.spec.name,
            exchange=self.spec.exchange,
            state=state,
            fetched_at=self.reading.fetched_at if self.reading else None,
            error=error,
            key_read_only=self.key_check.read_only if self.key_check else None,
            warning=self.warning(),
            api_url=self.spec.api_url,
        )

    def _state(self, now: datetime) -> tuple[AccountState, str | None]:
        if self.reading is None:
            if self.failure_sentence is not None:
                return AccountState.ERROR, self.failure_sentence
            return AccountState.CONNECTING, None
        if self.failure is not None and not self.failure.retryable:
            return AccountState.ERROR, self.failure_sentence
        if self.is_stale(now):
            age = describe_age(self.age(now) or 0.0)
            reason = self.failure_sentence or (
                f"{self.spec.name}: no new data from the exchange — retrying."
            )
            return AccountState.STALE, f"{reason} The data shown is {age} old."
        return AccountState.LIVE, None
