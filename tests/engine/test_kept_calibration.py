"""Saved calibration bridges a restart, but is not carried into another market
(`engine/calibration.py`): a file older than `KEPT_FOR` starts the estimator from the prior."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.position import QueueKey
from adl_monitor.engine.calibration import (
    KEPT_FOR,
    Calibrations,
    load_estimator,
    save_estimator,
)
from adl_monitor.engine.engine import Engine
from adl_monitor.engine.options import EngineOptions
from adl_monitor.sim.thread import SimExchangeThread
from tests.engine.conftest import FAST, RecordingFactory, demo_setup

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
PLANTED = 300
NOT_TIMED = replace(FAST, request_timeout=15.0)
"""The engine's settings for a test about what one cycle reads, not how fast: FAST's 3-s
timeout dropped the Bybit demo account on a machine with both cores busy."""


def _calibrated_elsewhere(queues: tuple[QueueKey, ...] = ()) -> RankEstimator:
    """An estimator that read `PLANTED` Binance tiers on a market unlike the simulator's, of
    each of `queues` (else of the venue overall)."""
    estimator = RankEstimator()
    for queue in queues or (None,):
        for i in range(PLANTED):
            score = Score((i % 50) / 100, "binance", True)
            estimator.observe("binanceusdm", score, 1 + (i % 50) // 10, queue=queue)
    return estimator


@pytest.mark.parametrize(
    ("age", "kept"),
    [
        (timedelta(minutes=10), True),
        (KEPT_FOR - timedelta(seconds=1), True),
        (KEPT_FOR + timedelta(seconds=1), False),
        (timedelta(days=2), False),
        (-timedelta(days=2), False),  # saved "in the future": the clock was wrong, or is
    ],
)
def test_saved_calibration_is_restored_only_within_its_age(
    tmp_path: Path, age: timedelta, kept: bool
) -> None:
    path = tmp_path / "calibration.json"
    save_estimator(_calibrated_elsewhere(), path, now=NOW - age)

    restored = load_estimator(path, now=NOW)

    assert restored.readings("binanceusdm") == (PLANTED if kept else 0)
    assert restored.calibrated("binanceusdm") is kept


def test_a_file_from_before_saved_at_is_dated_by_its_modification_time(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    save_estimator(_calibrated_elsewhere(), path)
    state = json.loads(path.read_text(encoding="utf-8"))
    state.pop("saved_at", None)
    path.write_text(json.dumps(state), encoding="utf-8")

    assert load_estimator(path).readings("binanceusdm") == PLANTED
    yesterday = (datetime.now(UTC) - timedelta(days=1)).timestamp()
    os.utime(path, (yesterday, yesterday))
    assert load_estimator(path).readings("binanceusdm") == 0


async def test_yesterdays_calibration_does_not_shape_todays_estimate(
    start_sim: Callable[..., SimExchangeThread], factory: RecordingFactory, tmp_path: Path
) -> None:
    """Through the engine: the Binance estimates' basis names the readings they rest on. A
    file saved ten minutes ago is kept (a restart); one saved yesterday is not."""
    sim = start_sim()
    accounts, credentials = demo_setup(sim)
    queues = tuple(
        QueueKey(place["symbol"], place["side"])
        for place in sim.truth()["venues"]["binanceusdm"]["positions"]
    )
    bases: dict[str, list[str]] = {}
    for name, age in (("restart", timedelta(minutes=10)), ("yesterday", timedelta(days=1))):
        path = tmp_path / name / "calibration.json"
        save_estimator(_calibrated_elsewhere(queues), path, now=datetime.now(UTC) - age)
        engine = Engine(
            accounts,
            credentials,
            EngineOptions(
                settings=NOT_TIMED,
                history_path=tmp_path / name / "history.sqlite3",
                calibration_path=path,
                connector_factory=factory,
            ),
        )
        snapshot = await engine.run_once()
        await engine.stop()
        bases[name] = [  # a losing account is at the back whatever the cut points: left out
            r.estimate.basis
            for r in snapshot.positions
            if r.position.exchange == "binanceusdm"
            and r.estimate is not None
            and "tied at the back" not in r.estimate.basis
        ]

    assert bases["restart"] and bases["yesterday"]
    assert all("calibrated on" in basis for basis in bases["restart"]), bases
    assert not any("calibrated on" in basis for basis in bases["yesterday"]), bases


def test_a_session_that_read_nothing_does_not_re_date_its_calibration(tmp_path: Path) -> None:
    """Saved 50 minutes ago and restored, then a session that reads nothing (the network
    down): the engine's saves leave the file as it was, so it still ages out on time."""
    path = tmp_path / "calibration.json"
    save_estimator(_calibrated_elsewhere(), path, now=datetime.now(UTC) - timedelta(minutes=50))
    written = path.read_text(encoding="utf-8")
    calibrations = Calibrations(path)
    estimator = calibrations.for_account(AccountSpec("main", "binanceusdm"))

    calibrations.save(save_estimator)
    assert path.read_text(encoding="utf-8") == written

    estimator.observe("binanceusdm", Score(0.1, "binance", True), 2)
    calibrations.save(save_estimator)
    saved_at = datetime.fromisoformat(json.loads(path.read_text(encoding="utf-8"))["saved_at"])
    assert datetime.now(UTC) - saved_at < timedelta(minutes=1)
    assert load_estimator(path).readings("binanceusdm") == PLANTED + 1
