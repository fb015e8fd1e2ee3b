"""The engine's memory of one account: its latest reading, its latest failure, its key check.

A worker writes into it; the snapshot builder reads from it. It is the one place that decides
how old an account's data is and whether it is live (docs/liveness.md), for the status bar, the
rows, the CLI and the JSON alike:

* the **age** of the account's data, and of every one of its rows, is the time since the last
  reading that arrived — by REST or by websocket, whichever came last;
* the data is **live** while that age is within `stale_after_periods` of the venue's own
  position cadence (or the user's refresh setting) *and* the latest attempt to read the account
  did not fail. A websocket changes nothing here: a stream that says nothing for that long
  leaves the data exactly as old as a REST poll that did not happen;
* otherwise it is **stale** (with its age and, after a failure, the failure's sentence), or an
  **error** when nothing could be read at all or the failure needs the user (a bad key);
* an account that has not answered within the request time-out is an error too, never a
  silent "connecting".

The venue's ADL indicator has its own cadence (Binance re-computes it every 30 s): a row's tier
may be up to that old while the account is live, and is stale only after as many of *its own*
periods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from adl_monitor.core.alerts.urgency import may_raise_alert
from adl_monitor.core.model.account_reading import AccountReading, carry_deleveraged
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.core.model.failure import FailureKind, VenueFailure, what_next
from adl_monitor.core.model.snapshot import AccountState, AccountStatus
from adl_monitor.core.security.key_verdict import KeyCheck, KeyVerdict


@dataclass(slots=True)
class AccountTracker:
    """Mutable, owned by the engine's event loop thread; never shared across threads."""

    spec: AccountSpec
    period: float
    """The venue's own position cadence in seconds (or the user's refresh setting) — never
    the slower REST reconcile period used while a websocket delivers."""
    stale_after_periods: float = 3.0
    adl_period: float = 0.0
    """How often the venue recomputes its ADL indicator (Binance: 30 s, slower than positions):
    a value read is the venue's latest until three of those have passed unread."""
    reading: AccountReading | None = None
    failure: VenueFailure | None = None
    failure_sentence: str | None = None
    failed_at: datetime | None = None
    key_check: KeyCheck | None = None
    streaming: bool = False
    started_at: datetime | None = None
    answer_within: float | None = None
    """With `started_at`: seconds after which an account that has neither answered nor failed
    is shown as a failure (the request time-out), so no one waits on "connecting" for ever."""
    waited_for_others: float = 0.0
    """How long a one-shot snapshot's run took before the snapshot was built: data read during
    the run is that run's data, however long the slowest account kept it waiting."""
    _reported_state: AccountState | None = field(default=None)
    _shown: bool = field(default=True)
    """Whether a published snapshot showed `reading` (its ADL marks must not be lost)."""

    # -- updates from the worker ----------------------------------------------------------

    def record_reading(self, reading: AccountReading, *, complete: bool = True) -> bool:
        """A new reading. Only a `complete` one (REST: positions, indicators, balances) ends a
        failure; a stream update refreshes the positions, but while REST fails the balances
        and indicators it merges with are not being read, so the account stays stale.

        Returns whether the reading may raise an alert (core/alerts/urgency.py): the engine
        then publishes it at once instead of coalescing it with other accounts' readings."""
        urgent = may_raise_alert(self.reading, reading)
        self.reading = carry_deleveraged(self.reading, reading, previous_shown=self._shown)
        self._shown = False
        if complete:
            self.failure = None
            self.failure_sentence = None
            self.failed_at = None
        return urgent

    def record_failure(self, failure: VenueFailure, sentence: str, at: datetime) -> None:
        self.failure = failure
        self.failure_sentence = sentence
        self.failed_at = at

    def record_key_check(self, check: KeyCheck) -> None:
        self.key_check = check

    # -- what the snapshot shows ----------------------------------------------------------

    @property
    def stale_after(self) -> timedelta:
        return timedelta(seconds=self.period * self.stale_after_periods + self.waited_for_others)

    @property
    def adl_stale_after(self) -> timedelta:
        """The indicator is stale after as many of *its own* refresh periods."""
        period = max(self.period, self.adl_period)
        return timedelta(seconds=period * self.stale_after_periods + self.waited_for_others)

    def age(self, now: datetime) -> float | None:
        """Seconds since the latest reading arrived (REST or stream): the account's data age,
        and the age of each of its rows."""
        if self.reading is None:
            return None
        return max(0.0, (now - self.reading.fetched_at).total_seconds())

    def is_stale(self, now: datetime) -> bool:
        """True when the data is not live: too old, or the latest attempt to refresh it failed.
        The rows of the account share this verdict (a row can only add its tier's own age)."""
        age = self.age(now)
        if age is None:
            return False
        return self.failure is not None or age > self.stale_after.total_seconds()

    def state_changed(self, now: datetime) -> bool:
        """True when the account's state moved (data went stale, an answer is overdue) since
        the last published snapshot — time alone can do that, with no new event."""
        return self._state(now)[0] is not self._reported_state

    def mark_reported(self, now: datetime) -> None:
        self._reported_state = self._state(now)[0]
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
            overdue = self._overdue(now)
            if overdue is not None:
                return AccountState.ERROR, overdue
            return AccountState.CONNECTING, None
        if self.failure is not None and not self.failure.retryable:
            return AccountState.ERROR, self.failure_sentence
        if self.is_stale(now):
            # No age in the sentence: it would freeze in a window that ticks. The status's
            # `fetched_at` gives the age to whoever shows it (docs/liveness.md).
            reason = self.failure_sentence or (
                f"{self.spec.name}: no new data from the exchange — retrying."
            )
            return AccountState.STALE, reason
        return AccountState.LIVE, None

    def _overdue(self, now: datetime) -> str | None:
        if self.started_at is None or self.answer_within is None:
            return None
        if (now - self.started_at).total_seconds() <= self.answer_within:
            return None
        return no_answer_sentence(self.spec.name, self.answer_within)


def no_answer_sentence(account: str, seconds: float, *, will_retry: bool = True) -> str:
    """The sentence for an account that gave no answer in time (a venue that hangs);
    `will_retry` as in `VenueFailure.sentence`."""
    return (
        f"{account}: the exchange did not answer within {seconds:g} s — it may be down or "
        f"unreachable; {what_next(FailureKind.TIMEOUT, will_retry)}."
    )
