"""One account's refresh loop: REST at the venue's cadence, a websocket stream where there is
one, back-off on failures. One asyncio task per account, so one failing or hanging account never
delays or hides the others; every request has its own time-out.

Life of a worker:

1. look the credentials up (off the loop: a keyring call may block), build the connector;
2. REST-fetch at the refresh period; after the first success, start the position stream when
   the venue has one. While it delivers, REST only reconciles every `reconcile_seconds` (not
   where the stream leaves out the venue's ADL indicator, as Binance's does: REST reads it at
   the full cadence, `Connector.streams_indicator`); but the data may never grow older than
   one refresh period for want of a stream message, so a stream that goes quiet hands over to
   REST at the full cadence, and one silent for longer than the staleness bound no longer
   counts as streaming (docs/liveness.md);
3. a retryable failure (network, rate limit, venue down, bad reply) retries with exponential
   back-off and jitter, never sooner than the venue's Retry-After; a non-retryable one (bad key,
   missing permission, clock skew, incomplete setup) closes the connector and retries slowly,
   with the credentials looked up again, because the user may fix the key meanwhile;
4. `wake()` (the user's "refresh now") cuts any wait short.

`read_once` is the same cycle run once, for the `snapshot` command (`Engine.run_once`): the
same connect, read and key check, so an account fails there with the same sentence as in the
window — only a brief failure is retried a few times, never past one deadline.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.engine.account_tracker import AccountTracker, no_answer_sentence
from adl_monitor.engine.backoff import Backoff
from adl_monitor.engine.connector import Connector, ConnectorFactory
from adl_monitor.engine.settings import EngineSettings

_log = logging.getLogger(__name__)

CredentialLookup = Callable[[AccountSpec], Awaitable[Credentials | None]]
_CLOSE_TIMEOUT = 5.0


class MissingKey(VenueFailure):
    """The account needs an API key and none is stored: the sentence says where to put it."""

    def __init__(self) -> None:
        super().__init__(FailureKind.CONFIG, "no API key stored for this account")

    def sentence(self, account: str, *, will_retry: bool = True) -> str:
        return missing_key_sentence(account)


def missing_key_sentence(account: str) -> str:
    prefix = AccountSpec(account, "").env_prefix
    return (
        f"{account}: no API key found — add it with `adl-monitor accounts add` (or in "
        f"Accounts), or set {prefix}API_KEY and {prefix}SECRET."
    )


class NoAnswer(VenueFailure):
    """The venue did not answer within the engine's request time-out (it hangs)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(FailureKind.TIMEOUT, f"no answer within {seconds:g} s")
        self.seconds = seconds

    def sentence(self, account: str, *, will_retry: bool = True) -> str:
        return no_answer_sentence(account, self.seconds, will_retry=will_retry)


def as_failure(error: BaseException, timeout: float | None = None) -> VenueFailure:
    """Anything a connector raised, as a VenueFailure. A `TimeoutError` here is the engine's
    own time-out of `timeout` seconds (connectors map their own): the venue did not answer."""
    if isinstance(error, VenueFailure):
        return error
    if isinstance(error, TimeoutError):
        if timeout is not None:
            return NoAnswer(timeout)
        return VenueFailure(FailureKind.TIMEOUT, "the request timed out")
    return VenueFailure(FailureKind.UNKNOWN, type(error).__name__)


class _SessionOver(Exception):
    """A non-retryable failure ended this connector's session: reconnect after a slow wait."""


class OnChange(Protocol):
    """Told after every change of the tracker; `urgent` when the reading may raise an alert,
    so the engine publishes it without waiting to coalesce it with other accounts."""

    def __call__(self, *, urgent: bool = False) -> None: ...


class AccountWorker:
    def __init__(
        self,
        tracker: AccountTracker,
        *,
        make_connector: ConnectorFactory,
        lookup_credentials: CredentialLookup,
        settings: Callable[[], EngineSettings],
        on_change: OnChange,
        rng: random.Random,
        clock: Callable[[], datetime],
    ) -> None:
        self.tracker = tracker
        self._make_connector = make_connector
        self._lookup_credentials = lookup_credentials
        self._settings = settings
        self._on_change = on_change
        self._rng = rng
        self._clock = clock
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()  # an event, not a bool: it changes across awaits
        self._connector: Connector | None = None
        self._main: asyncio.Task[None] | None = None
        self._stream: asyncio.Task[None] | None = None
        self._key_task: asyncio.Task[None] | None = None
        self.venue_period: float = 5.0
        """The venue's own position cadence, known once the connector is built."""
        self._last_rest = 0.0
        self._last_data = 0.0
        self._last_stream = 0.0
        """Loop times of the last REST reading, of the last reading of any kind, and of the
        last stream message."""
        self._stream_backoff: Backoff | None = None  # kept across sessions: reconnecting
        self._stream_trouble: str | None = None  # does not restart the back-off or the log
        """Why the stream last failed, as logged: the same reason is not logged again."""

    @property
    def spec(self) -> AccountSpec:
        return self.tracker.spec

    def start(self) -> None:
        self._main = asyncio.create_task(self._run(), name=f"account:{self.spec.name}")

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        """Close the exchange first (so in-flight requests end), then cancel the tasks."""
        self._stopping.set()
        await self._close_connector()
        tasks = [t for t in (self._key_task, self._stream, self._main) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- the loop ------------------------------------------------------------------------

    async def _run(self) -> None:
        connect_backoff = self._new_backoff()
        while not self._stopping.is_set():
            try:
                connector = await self._connect()
            except VenueFailure as connect_failure:
                self._record_failure(connect_failure)
                await self._sleep(self._delay_after(connect_failure, connect_backoff))
                continue
            connect_backoff.reset()
            try:
                await self._session(connector)
            except _SessionOver:
                failure = self.tracker.failure
                await self._close_connector()
                await self._sleep(self._slow_delay(failure.retry_after if failure else None))

    async def _connect(self) -> Connector:
        try:
            credentials = await self._lookup_credentials(self.spec)
        except Exception as error:  # the keyring said no: its message names the account
            _log.warning("%s: credential lookup failed: %s", self.spec.name, type(error).__name__)
            raise _KeyringFailure(str(error)) from None
        if self.spec.needs_key and credentials is None:
            raise MissingKey()
        try:
            connector = self._make_connector(self.spec, credentials)
        except VenueFailure:
            raise
        except Exception as error:
            _log.warning("%s: could not build the connector", self.spec.name, exc_info=True)
            raise VenueFailure(FailureKind.CONFIG, type(error).__name__) from None
        self._connector = connector
        self.venue_period = float(connector.position_interval)
        self.tracker.period = self._settings().period_for(self.venue_period)
        self.tracker.adl_period = float(connector.adl_interval)
        try:
            # Markets first: fetch and the key check must not race to restore them.
            await asyncio.wait_for(connector.open(), self._settings().request_timeout)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            await self._close_connector()
            raise as_failure(error, self._settings().request_timeout) from None
        return connector

    async def _session(self, connector: Connector) -> None:
        backoff = self._new_backoff()
        self._key_task = asyncio.create_task(self._check_key(connector))
        while not self._stopping.is_set():
            settings = self._settings()
            self.tracker.period = settings.period_for(self.venue_period)
            self.tracker.stale_after_periods = settings.stale_after_periods
            outcome = await self._fetch(connector, settings.request_timeout)
            if self._stopping.is_set():
                return
            if isinstance(outcome, VenueFailure):
                self._record_failure(outcome)
                if not outcome.retryable:
                    raise _SessionOver()
                await self._sleep(backoff.next_delay(outcome.retry_after))
                continue
            backoff.reset()
            self._last_rest = self._record_reading(outcome, by_rest=True)
            self._maybe_start_stream(connector, settings)
            await self._until_rest_is_due()

    async def read_once(self, deadline: float, attempts: int) -> None:
        """One reading of the account, for `snapshot`: the loop's own connect, read and key
        check, then the connector is closed. A retryable failure is retried, at most `attempts`
        reads in all and never past `deadline` (a loop time), by which everything has ended;
        what failed last is recorded with its sentence. The key check may use what is left of
        the time; it never fails the account."""
        loop = asyncio.get_running_loop()
        timeout = self._settings().request_timeout
        try:
            async with asyncio.timeout_at(deadline):
                connector = await self._connect()
                key_task = self._key_task = asyncio.create_task(self._check_key(connector))
                backoff = self._new_backoff()
                for attempt in range(attempts):
                    outcome = await self._fetch(connector, timeout)
                    if not isinstance(outcome, VenueFailure):
                        self._record_reading(outcome, by_rest=True)
                        break
                    delay = backoff.next_delay(outcome.retry_after)
                    last = attempt == attempts - 1
                    if last or not outcome.retryable or loop.time() + delay >= deadline:
                        raise outcome
                    await asyncio.sleep(delay)
            await asyncio.wait([key_task], timeout=max(0.0, deadline - loop.time()))
        except Exception as error:
            self._record_failure(as_failure(error, timeout), will_retry=False)
        finally:
            await self._close_connector()

    async def _fetch(self, connector: Connector, timeout: float) -> AccountReading | VenueFailure:
        """One REST read within `timeout`: the reading, or what went wrong as a VenueFailure
        (an error no connector expected leaves its traceback in the log file)."""
        try:
            return await asyncio.wait_for(connector.fetch(), timeout)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if not self._stopping.is_set() and not isinstance(error, VenueFailure | TimeoutError):
                _log.warning("%s: unexpected error", self.spec.name, exc_info=error)
            return as_failure(error, timeout)

    async def _until_rest_is_due(self) -> None:
        """Sleep until the next REST read: a period after the last one — or, while a stream
        that carries the indicator delivers, a reconcile period after it, unless the data (from
        either) is a period old."""
        while not self._stopping.is_set():
            delay = self._rest_due_in()
            if delay <= 0 or await self._sleep(delay):
                return

    def _rest_due_in(self) -> float:
        settings = self._settings()
        period = settings.period_for(self.venue_period)
        now = asyncio.get_running_loop().time()
        tracker = self.tracker
        silent_for = now - self._last_stream
        if tracker.streaming and silent_for > period * settings.stale_after_periods:
            _log.info(
                "%s: position stream silent for %.0f s; reading by REST", self.spec.name, silent_for
            )
            tracker.streaming = False
        indicator_streamed = self._connector is not None and self._connector.streams_indicator
        slow = tracker.streaming and indicator_streamed
        rest_every = max(period, settings.reconcile_seconds) if slow else period
        return min(self._last_rest + rest_every, self._last_data + period) - now

    def _record_reading(self, reading: AccountReading, *, by_rest: bool) -> float:
        """Record a reading from either source; returns its loop time."""
        self._last_data = asyncio.get_running_loop().time()
        urgent = self.tracker.record_reading(reading, complete=by_rest)
        self._on_change(urgent=urgent)
        return self._last_data

    def _maybe_start_stream(self, connector: Connector, settings: EngineSettings) -> None:
        if self._stream is not None and not self._stream.done():
            return
        if self._stream is not None or not settings.use_websocket or not connector.supports_watch:
            return
        self._stream = asyncio.create_task(self._watch(connector), name=f"stream:{self.spec.name}")

    async def _watch(self, connector: Connector) -> None:
        """Stream position updates; on any failure fall back to REST until the stream is back.

        A failure is retried with capped exponential back-off and logged once per reason; the
        recovery is logged once too (a failing Binance listenKey is not a line every few s).
        """
        if self._stream_backoff is None:
            self._stream_backoff = self._new_backoff()
        backoff = self._stream_backoff
        while not self._stopping.is_set():
            try:
                reading = await connector.watch()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if self._stopping.is_set():
                    return
                failure = as_failure(error)
                self._log_stream_failure(failure)
                if self.tracker.streaming:
                    self.tracker.streaming = False
                    self.wake()  # REST takes over at the full cadence right away
                if not failure.retryable:
                    return
                await asyncio.sleep(backoff.next_delay(failure.retry_after))
                continue
            if self._stopping.is_set():
                return
            backoff.reset()
            if self._stream_trouble is not None:
                _log.info("%s: position stream is back", self.spec.name)
                self._stream_trouble = None
            self.tracker.streaming = True
            self._last_stream = self._record_reading(reading, by_rest=False)

    def _log_stream_failure(self, failure: VenueFailure) -> None:
        reason = str(failure)
        if reason == self._stream_trouble:
            _log.debug("%s: position stream still failing: %s", self.spec.name, reason)
            return
        self._stream_trouble = reason
        _log.info(
            "%s: position stream failed: %s (reading by REST; retried with back-off, logged "
            "again when the reason changes or it is back)",
            self.spec.name,
            reason,
        )

    async def _check_key(self, connector: Connector) -> None:
        """Ask the venue once per session what the key may do; failures leave it unknown."""
        timeout = self._settings().request_timeout
        try:
            check = await asyncio.wait_for(connector.check_key(), timeout)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            _log.info("%s: key check failed: %s", self.spec.name, as_failure(error, timeout))
            return
        if not self._stopping.is_set():
            self.tracker.record_key_check(check)
            self._on_change()

    # -- helpers -------------------------------------------------------------------------

    def _record_failure(self, failure: VenueFailure, *, will_retry: bool = True) -> None:
        """`will_retry`: False in `read_once`, whose sentence must not promise another try."""
        if not isinstance(failure, MissingKey | _KeyringFailure):
            _log.warning("%s: %s", self.spec.name, failure)
        sentence = failure.sentence(self.spec.name, will_retry=will_retry)
        self.tracker.record_failure(failure, sentence, self._clock())
        self._on_change()

    def _delay_after(self, failure: VenueFailure, backoff: Backoff) -> float:
        if failure.retryable:
            return backoff.next_delay(failure.retry_after)
        return self._slow_delay(failure.retry_after)

    def _slow_delay(self, retry_after: float | None) -> float:
        delay = self._settings().slow_retry_seconds * self._rng.uniform(0.8, 1.0)
        return max(delay, retry_after or 0.0)

    def _new_backoff(self) -> Backoff:
        settings = self._settings()
        return Backoff(settings.backoff_initial, settings.backoff_max, self._rng)

    async def _sleep(self, seconds: float) -> bool:
        """Wait `seconds`, or less when `wake()` is called; True when woken."""
        self._wake.clear()
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=max(0.0, seconds))
        except TimeoutError:
            return False
        return True

    async def _close_connector(self) -> None:
        connector, self._connector = self._connector, None
        self.tracker.streaming = False
        for task in (self._stream, self._key_task):
            if task is not None and task is not asyncio.current_task():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._stream = self._key_task = None
        if connector is not None:
            try:
                await asyncio.wait_for(connector.close(), _CLOSE_TIMEOUT)
            except Exception as error:
                _log.info("%s: closing the connector failed: %s", self.spec.name, error)


class _KeyringFailure(VenueFailure):
    """The OS keyring could not be read: its own message already names the account."""

    def __init__(self, message: str) -> None:
        super().__init__(FailureKind.CONFIG, "keyring unavailable")
        self._message = message

    def sentence(self, account: str, *, will_retry: bool = True) -> str:
        text = self._message.rstrip(".")
        return f"{text}." if text.startswith(account) else f"{account}: {text}."
