"""Turns every account's latest state into one `Snapshot`, riskiest position first.

Each new reading is assessed exactly once: `core.assess` also feeds the estimator's
calibration, and a snapshot rebuilt only because another account updated (or because time
passed) must not count the same exchange tier twice. Rebuilds reuse the assessed rows and only
re-mark their staleness against the current time.

A row is stale exactly when its account is not live (`AccountTracker.is_stale`: one age, one
verdict for the status bar and the rows), or when the venue's ADL indicator is older than its
own, slower bound.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from adl_monitor.core.assess import assess, sort_riskiest_first
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.core.model.snapshot import PositionRisk, Snapshot
from adl_monitor.engine.account_tracker import AccountTracker


@dataclass(frozen=True, slots=True)
class _Assessed:
    reading: AccountReading
    spec: AccountSpec
    rows: tuple[PositionRisk, ...]


def _older_than(at: datetime, now: datetime, seconds: float) -> bool:
    return (now - at).total_seconds() > seconds


def restale(
    risk: PositionRisk, now: datetime, account_stale: bool, adl_stale_after: float
) -> PositionRisk:
    """`risk` with `stale` recomputed for `now`: its account's data is not live, or the
    venue's ADL indicator is older than `adl_stale_after` (its own, slower cadence)."""
    adl = risk.exchange_adl
    stale = account_stale or (
        adl is not None and adl.known and _older_than(adl.updated_at, now, adl_stale_after)
    )
    return risk if stale == risk.stale else replace(risk, stale=stale)


def with_venue_risk(
    reading: AccountReading, rows: Sequence[PositionRisk]
) -> tuple[PositionRisk, ...]:
    """Each row with its venue's contract-wide ADL risk (core/model/venue_risk.py), when there is
    one.

    A row whose venue publishes none is kept as it is: `dataclasses.replace` on every row
    was a visible part of a refresh at a thousand positions."""
    if not reading.venue_risk:
        return tuple(rows)
    return tuple(
        risk if venue_risk is risk.venue_risk else replace(risk, venue_risk=venue_risk)
        for risk in rows
        for venue_risk in (reading.venue_risk.get(risk.position.symbol),)
    )


class SnapshotBuilder:
    def __init__(self, estimator_for: Callable[[AccountSpec], RankEstimator]) -> None:
        """`estimator_for`: the estimator an account's positions calibrate and are estimated
        with (`engine.calibration.Calibrations.for_account`)."""
        self._estimator_for = estimator_for
        self._assessed: dict[str, _Assessed] = {}

    def build(self, trackers: Sequence[AccountTracker], now: datetime) -> Snapshot:
        statuses = tuple(tracker.status(now) for tracker in trackers)
        rows: list[PositionRisk] = []
        for tracker in trackers:
            rows.extend(self._rows(tracker, now))
        names = {tracker.spec.name for tracker in trackers}
        for gone in set(self._assessed) - names:
            del self._assessed[gone]
        return Snapshot(
            generated_at=now, accounts=statuses, positions=tuple(sort_riskiest_first(rows))
        )

    def _rows(self, tracker: AccountTracker, now: datetime) -> tuple[PositionRisk, ...]:
        reading = tracker.reading
        if reading is None:
            return ()
        account_stale = tracker.is_stale(now)
        adl_stale_after = tracker.adl_stale_after.total_seconds()
        previous = self._assessed.get(tracker.spec.name)
        if previous is None or previous.reading is not reading or previous.spec != tracker.spec:
            # assess() judges the indicator's freshness (and so whether it calibrates the
            # estimator) by one threshold: give it the indicator's own; rows are re-marked below.
            rows = with_venue_risk(
                reading,
                assess(
                    reading,
                    tracker.spec,
                    self._estimator_for(tracker.spec),
                    now=now,
                    stale_after=adl_stale_after,
                ),
            )
            previous = _Assessed(reading, tracker.spec, rows)
            self._assessed[tracker.spec.name] = previous
        return tuple(restale(risk, now, account_stale, adl_stale_after) for risk in previous.rows)
