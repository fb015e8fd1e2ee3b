"""EngineRunner: the engine on its own thread, as the GUI and `watch` drive it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adl_monitor.core.alerts.alert import Alert
from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.core.model.snapshot import AccountState, Snapshot
from adl_monitor.core.security.key_verdict import KeyVerdict
from adl_monitor.engine.options import EngineOptions
from adl_monitor.engine.runner import EngineRunner
from adl_monitor.sim.demo import DEMO_SECRET, DEMO_TRADE_KEY
from adl_monitor.sim.thread import SimExchangeThread
from tests.engine.conftest import FAST, RecordingFactory, demo_setup


class Recorder:
    def __init__(self) -> None:
        self.snapshots: list[Snapshot] = []
        self.alerts: list[Alert] = []
        self.threads: set[str] = set()
        self.changed = threading.Condition()

    def on_snapshot(self, snapshot: Snapshot) -> None:
        with self.changed:
            self.threads.add(threading.current_thread().name)
            self.snapshots.append(snapshot)
            self.changed.notify_all()

    def on_alert(self, alert: Alert) -> None:
        self.alerts.append(alert)

    def wait_for(self, predicate: Callable[[Snapshot], bool], timeout: float = 10.0) -> Snapshot:
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for snapshot in reversed(self.snapshots):
                    if predicate(snapshot):
                        return snapshot
                left = deadline - time.monotonic()
                assert left > 0, "no matching snapshot in time"
                self.changed.wait(left)


def _all_live(snapshot: Snapshot) -> bool:
    return bool(snapshot.accounts) and all(s.state is AccountState.LIVE for s in snapshot.accounts)


def test_the_runner_works_on_its_own_thread_and_stops_cleanly(
    start_sim: Callable[..., SimExchangeThread], factory: RecordingFactory, tmp_path: Path
) -> None:
    sim = start_sim(speed=10.0)
    accounts, credentials = demo_setup(sim)
    lookups: set[str] = set()

    def credentials_seen(spec: AccountSpec) -> Credentials | None:
        lookups.add(threading.current_thread().name)
        return credentials(spec)

    recorder = Recorder()
    runner = EngineRunner(
        accounts,
        credentials_seen,
        EngineOptions(
            history_path=tmp_path / "history.sqlite3",
            calibration_path=tmp_path / "calibration.json",
            settings=FAST,
            connector_factory=factory,
        ),
    )
    runner.add_listener(recorder)
    runner.start()
    try:
        live = recorder.wait_for(_all_live)
        assert {p.position.exchange for p in live.positions} == {
            "bybit",
            "binanceusdm",
            "okx",
            "hyperliquid",
        }
        caller = threading.current_thread().name
        assert caller not in recorder.threads and caller not in lookups
        assert recorder.threads == {"adlmon-engine"}

        bybit = next(a for a in accounts if a.exchange == "bybit")
        check = runner.verify_key(bybit, Credentials(DEMO_TRADE_KEY, DEMO_SECRET)).result(10)
        assert check.verdict is KeyVerdict.CAN_TRADE and check.permissions

        count = len(recorder.snapshots)
        runner.refresh_now()
        recorder.wait_for(lambda s: len(recorder.snapshots) > count)

        key = live.positions[0].key
        points = runner.history_for(key, datetime.now(UTC) - timedelta(minutes=5)).result(10)
        assert points and points[-1].at <= datetime.now(UTC)

        runner.snooze(datetime.now(UTC) + timedelta(minutes=15))
        runner.pause_alerts(True)
        runner.set_accounts([bybit])
        only_bybit = recorder.wait_for(lambda s: [a.name for a in s.accounts] == [bybit.name])
        assert {p.position.account for p in only_bybit.positions} <= {bybit.name}
    finally:
        runner.stop()
    assert not runner.running
    assert not any(t.name == "adlmon-engine" for t in threading.enumerate())
    runner.stop()  # idempotent
    assert (tmp_path / "calibration.json").exists()
