"""The estimator's calibration on disk: a small JSON file, written atomically.

Kept apart from the history database on purpose: history may be turned off or set aside when
damaged, and the calibration (what score each venue puts in which tier) is worth keeping
regardless. A missing or unreadable file starts from the prior — never a failed start-up.

**Kept for a restart, not for a new market.** The cut points a venue's tiers put on scores
move with the market (how far it ran since the queue's positions were opened). Calibration
saved within `KEPT_FOR` bridges a restart — an update, a crash, a reboot. Older calibration
was fitted on another market: restored, it outvoted the fresh readings for up to the window's
length (a queue's 200 readings: hours, at one a minute for one position), and between
Binance's tiers, 30 s apart, the estimate followed the score across its cut points (a
squeeze's calibration kept into a calm market cost Binance up to 6 points of within one in
the accuracy benchmark's runs). Such a file starts from the prior instead, which the
venue's first tiers fit at the first refresh.
A file without `saved_at` (written before it was added) is dated by its modification time.

**Simulator accounts calibrate apart** (`Calibrations`): the simulator's queues carry the real
venues' names (`binanceusdm`, `BTC/USDT:USDT`), so its synthetic traders' tiers would otherwise
shape the cut points of a real account on the same venue, in the same config or a later one.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.model.account_spec import AccountSpec

KEPT_FOR = timedelta(hours=1)
"""How old saved calibration may be and still be restored (see the module docstring)."""

_log = logging.getLogger(__name__)


def load_estimator(path: Path | None, *, now: datetime | None = None) -> RankEstimator:
    """The estimator saved at `path`, or a fresh one (from the prior) when there is none, it
    cannot be read, or it was saved more than `KEPT_FOR` before `now` (default: the clock)."""
    if path is None:
        return RankEstimator()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except FileNotFoundError:
        return RankEstimator()
    except (OSError, ValueError) as error:
        _log.warning("calibration file %s unreadable (%s); starting from the prior", path, error)
        return RankEstimator()
    if not isinstance(data, dict):
        return RankEstimator()
    saved_at = _saved_at(data) or modified
    age = (now or datetime.now(UTC)) - saved_at
    if not timedelta(0) - KEPT_FOR <= age <= KEPT_FOR:
        _log.info(
            "calibration in %s was saved at %s, not within %d minutes of now (another "
            "market); starting from the prior",
            path,
            saved_at.isoformat(timespec="seconds"),
            KEPT_FOR.total_seconds() // 60,
        )
        return RankEstimator()
    return RankEstimator.from_dict(data)


def save_estimator(
    estimator: RankEstimator, path: Path | None, *, now: datetime | None = None
) -> None:
    if path is None:
        return
    state = {**estimator.to_dict(), "saved_at": (now or datetime.now(UTC)).isoformat()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".calibration-", suffix=".json", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(state, handle)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as error:
        _log.warning("could not save calibration to %s: %s", path, error)


class Calibrations:
    """The engine's estimators: one for real accounts (`path`) and, with `sim_path`, one for
    accounts marked `simulator = true` (without it they share the real one: the demo, whose
    accounts are all the simulator's, keeps its own file anyway).

    Each is loaded when the first account of its kind asks for it, so a config of simulator
    accounts never reads, nor rewrites, the real accounts' file. `save` writes only an
    estimator that took a reading since it was loaded or last saved: a session that read
    nothing (a network down for hours) does not re-date old calibration as fresh. Not
    thread-safe beyond `save`, which the engine's saving thread may call while its loop asks
    for estimators.
    """

    def __init__(self, path: Path | None, sim_path: Path | None = None) -> None:
        self._paths = {False: path, True: sim_path}
        self._loaded: dict[bool, RankEstimator] = {}
        self._saved: dict[bool, int] = {}
        """Per kind, `readings_taken` when last loaded or saved."""

    def for_account(self, spec: AccountSpec) -> RankEstimator:
        simulator = spec.simulator and self._paths[True] is not None
        estimator = self._loaded.get(simulator)
        if estimator is None:
            estimator = load_estimator(self._paths[simulator])
            self._saved[simulator] = estimator.readings_taken
            self._loaded[simulator] = estimator
        return estimator

    def save(self, save: Callable[[RankEstimator, Path | None], None]) -> None:
        """Save each estimator with readings not yet saved to its file, by `save`
        (`save_estimator`); one whose save raises is tried again at the next call."""
        for kind, estimator in list(self._loaded.items()):
            taken = estimator.readings_taken
            if taken != self._saved.get(kind):
                save(estimator, self._paths[kind])
                self._saved[kind] = taken


def _saved_at(data: dict[str, object]) -> datetime | None:
    """The file's `saved_at` as an aware datetime; None when absent or not a time."""
    value = data.get("saved_at")
    if not isinstance(value, str):
        return None
    try:
        saved_at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return saved_at if saved_at.tzinfo is not None else saved_at.replace(tzinfo=UTC)
