""" "Live" means the numbers were just read (docs/liveness.md): a silent websocket, a failed
refresh and a venue that never answers must each show, in the account's status and in its rows,
for what they are — while the accounts that answered stay live."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adl_monitor.core.alerts.alert import Alert
from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.core.model.snapshot import AccountState, AccountStatus, Snapshot
from adl_monitor.engine import engine as engine_module
from adl_monitor.engine.calibration import load_estimator
from adl_monitor.engine.engine import Engine
from adl_monitor.engine.options import EngineOptions
from adl_monitor.sim.thread import SimExchangeThread
from tests.engine.conftest import FAST, RecordingFactory, bybit_behind_proxy, demo_setup, until
from tests.engine.fault_proxy import FaultProxy


class Recorder:
    """Every snapshot the engine publishes, in order."""

    def __init__(self) -> None:
        self.snapshots: list[Snapshot] = []

    def on_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshots.append(snapshot)

    def on_alert(self, alert: Alert) -> None:
        pass


def _account(snapshot: Snapshot | None, name: str) -> AccountStatus | None:
    if snapshot is None:
        return None
    return next((s for s in snapshot.accounts if s.name == name), None)


def _age(snapshot: Snapshot, status: AccountStatus) -> float:
    assert status.fetched_at is not None
    return (snapshot.generated_at - status.fetched_at).total_seconds()


class HangingServer:
    """A loopback server that accepts every connection and never answers."""

    def __init__(self) -> None:
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []
        self.connections = 0

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._hold, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def _hold(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        await reader.read()  # until the client gives up and closes

    async def close(self) -> None:
        for writer in self._writers:
            writer.close()
        if self._server is not None:
            self._server.close()


@pytest.fixture
async def hanging() -> AsyncIterator[HangingServer]:
    server = HangingServer()
    await server.start()
    yield server
    await server.close()


# -- a websocket that stays open but goes silent --------------------------------------------


async def test_a_silent_websocket_never_leaves_old_data_shown_as_live(
    start_sim: Callable[..., SimExchangeThread], factory: RecordingFactory, tmp_path: Path
) -> None:
    sim = start_sim()
    accounts, credentials = demo_setup(sim)
    streamed = [a for a in accounts if a.exchange in ("bybit", "okx")]
    period = 0.4
    # A healthy stream lets REST reconcile only once a minute.
    settings = replace(FAST, refresh_seconds=period, use_websocket=True, reconcile_seconds=60.0)
    engine = Engine(
        streamed,
        credentials,
        EngineOptions(
            settings=settings, history_path=tmp_path / "history.sqlite3", connector_factory=factory
        ),
    )
    recorder = Recorder()
    engine.add_listener(recorder)
    await engine.start()
    try:
        await until(lambda: engine.streaming("demo-bybit") and engine.streaming("demo-okx"))
        for venue in ("bybit", "okx"):
            sim.sim.dialects[venue].streams_silent = True
        silenced = datetime.now(UTC)
        bound = period * settings.stale_after_periods

        def read_after_silence(name: str) -> bool:
            status = _account(engine.latest, name)
            return (
                status is not None
                and status.state is AccountState.LIVE
                and status.fetched_at is not None
                and (status.fetched_at - silenced).total_seconds() > bound
            )

        # Silent for longer than the staleness bound, yet live: REST kept the numbers fresh.
        await until(lambda: read_after_silence("demo-bybit") and read_after_silence("demo-okx"))
        await until(lambda: not engine.streaming("demo-bybit"))
    finally:
        await engine.stop()
    for snapshot in recorder.snapshots:
        for status in snapshot.accounts:
            if status.state is AccountState.LIVE:
                assert _age(snapshot, status) <= bound, (status, snapshot.generated_at)
        for risk in snapshot.positions:
            status = _account(snapshot, risk.position.account)
            assert status is not None
            # The rows and the account agree: one age, one verdict.
            assert risk.fetched_at == status.fetched_at
            if status.state is not AccountState.LIVE:
                assert risk.stale


# -- every failure reaches the status --------------------------------------------------------


@pytest.fixture
async def slow_bybit(
    start_sim: Callable[..., SimExchangeThread], factory: RecordingFactory, tmp_path: Path
) -> AsyncIterator[tuple[Engine, FaultProxy, Recorder]]:
    """Bybit through the fault proxy at a 5 s cadence (stale only after 15 s)."""
    recorder = Recorder()
    slow = replace(FAST, refresh_seconds=5.0)
    async with bybit_behind_proxy(start_sim(), factory, tmp_path, slow, recorder) as started:
        yield (*started, recorder)


async def test_a_failed_refresh_shows_in_the_status_and_rows_at_once_not_after_15_s(
    slow_bybit: tuple[Engine, FaultProxy, Recorder],
) -> None:
    engine, proxy, recorder = slow_bybit
    proxy.fault = "html"
    served = len(proxy.hits)
    published = len(recorder.snapshots)
    engine.refresh_now()
    await until(lambda: any(fault == "html" for _, fault in proxy.hits[served:]))
    # The failure is recorded and published: the next snapshot must carry it.
    await until(lambda: len(recorder.snapshots) > published)
    await until(lambda: recorder.snapshots[-1].accounts[0].error is not None, timeout=5)
    snapshot = recorder.snapshots[-1]
    status = snapshot.accounts[0]
    assert not status.ok and status.state is AccountState.STALE
    assert status.error is not None and status.error.startswith("demo-bybit: ")
    assert snapshot.positions and all(risk.stale for risk in snapshot.positions)

    proxy.fault = None
    engine.refresh_now()
    await until(
        lambda: (s := _account(engine.latest, "demo-bybit")) is not None and s.ok and not s.error
    )


# -- a venue that never answers ---------------------------------------------------------------


async def test_one_hanging_venue_fails_alone_and_the_snapshot_ends_with_the_others_ok(
    start_sim: Callable[..., SimExchangeThread],
    factory: RecordingFactory,
    hanging: HangingServer,
    tmp_path: Path,
) -> None:
    sim = start_sim()
    accounts, credentials = demo_setup(sim)
    okx = next(a for a in accounts if a.exchange == "okx")
    silent_okx = replace(okx, name="silent-okx", api_url=await hanging.start())
    # The time-out is longer than the staleness bound (as 20 s is longer than 3 × 5 s);
    # generous, so the healthy accounts answer within it on a slow machine.
    settings = replace(FAST, refresh_seconds=0.3, request_timeout=5.0)
    engine = Engine(
        [*accounts, silent_okx],
        lambda spec: credentials(okx if spec is silent_okx else spec),
        EngineOptions(
            settings=settings, history_path=tmp_path / "history.sqlite3", connector_factory=factory
        ),
    )
    snapshot = await engine.run_once()
    await engine.stop()

    by_name = {status.name: status for status in snapshot.accounts}
    failed = by_name.pop("silent-okx")
    assert all(status.ok and status.error is None for status in by_name.values()), by_name
    assert hanging.connections >= 1
    assert not failed.ok and failed.error is not None
    assert failed.error.startswith("silent-okx: ") and "did not answer within 5 s" in failed.error
    assert {risk.position.account for risk in snapshot.positions} == set(by_name)
    assert not any(risk.stale for risk in snapshot.positions)


async def test_a_venue_hanging_after_its_markets_are_cached_fails_alone_by_the_deadline(
    start_sim: Callable[..., SimExchangeThread], factory: RecordingFactory, tmp_path: Path
) -> None:
    """The issue's case: markets come from the cache, so the hang is in the reads themselves,
    which a one-shot retries — never past the one deadline, and never at the others' cost."""
    sim = start_sim()
    accounts, credentials = demo_setup(sim)
    proxy = FaultProxy(sim.base_url)
    base = await proxy.start()
    okx = next(a for a in accounts if a.exchange == "okx")
    proxied = replace(okx, name="proxied-okx", api_url=f"{base}/okx")
    settings = replace(FAST, refresh_seconds=0.3, request_timeout=5.0)

    def engine() -> Engine:
        return Engine(
            [*accounts, proxied],
            lambda spec: credentials(okx if spec is proxied else spec),
            EngineOptions(
                settings=settings,
                history_path=tmp_path / "history.sqlite3",
                connector_factory=factory,
            ),
        )

    try:
        warm = await engine().run_once()  # caches the proxied account's markets
        assert all(status.ok for status in warm.accounts), warm.accounts
        proxy.fault = "hang"
        snapshot = await engine().run_once()
    finally:
        await proxy.close()
    by_name = {status.name: status for status in snapshot.accounts}
    failed = by_name.pop("proxied-okx")
    assert all(status.ok for status in by_name.values()), by_name
    assert not any(r.stale for r in snapshot.positions if r.position.account in by_name)
    assert failed.error is not None and "did not answer within 5 s" in failed.error
    assert failed.state is AccountState.STALE or not failed.ok


async def test_an_account_that_has_not_answered_within_the_time_out_is_a_failure(
    start_sim: Callable[..., SimExchangeThread], factory: RecordingFactory, tmp_path: Path
) -> None:
    sim = start_sim()
    accounts, credentials = demo_setup(sim)
    bybit = next(a for a in accounts if a.exchange == "bybit")
    keyring_answers = threading.Event()

    def stuck_keyring(spec: AccountSpec) -> Credentials | None:
        keyring_answers.wait(30)  # a keyring blocked on D-Bus
        return credentials(spec)

    engine = Engine(
        [bybit],
        stuck_keyring,
        EngineOptions(
            settings=replace(FAST, request_timeout=1.0),
            history_path=tmp_path / "history.sqlite3",
            connector_factory=factory,
        ),
    )
    await engine.start()
    try:
        await until(
            lambda: (
                (s := _account(engine.latest, "demo-bybit")) is not None
                and s.state is AccountState.ERROR
            )
        )
        status = _account(engine.latest, "demo-bybit")
        assert status is not None and status.error is not None
        assert status.error.startswith("demo-bybit: ") and "1 s" in status.error
        keyring_answers.set()
        await until(lambda: (s := _account(engine.latest, "demo-bybit")) is not None and s.ok)
    finally:
        keyring_answers.set()
        await engine.stop()


# -- the maintenance loop survives its failures -----------------------------------------------


async def test_the_maintenance_loop_logs_a_failure_and_keeps_saving(
    start_sim: Callable[..., SimExchangeThread],
    factory: RecordingFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim = start_sim()
    accounts, credentials = demo_setup(sim)
    calibration = tmp_path / "calibration.json"
    monkeypatch.setattr(engine_module, "CALIBRATION_SAVE_SECONDS", 0.05)
    monkeypatch.setattr(engine_module, "PRUNE_SECONDS", 0.0)
    real_save = engine_module.save_estimator
    calls: list[str] = []

    def flaky_save(*args: object) -> None:
        calls.append("save")
        if len(calls) == 1:
            raise RuntimeError("dictionary changed size during iteration")
        real_save(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(engine_module, "save_estimator", flaky_save)
    engine = Engine(
        accounts,
        credentials,
        EngineOptions(
            settings=FAST,
            history_path=tmp_path / "history.sqlite3",
            calibration_path=calibration,
            connector_factory=factory,
        ),
    )
    with caplog.at_level(logging.WARNING, logger="adl_monitor.engine.engine"):
        await engine.start()
        try:
            # Saved after the failure, with what the accounts taught the estimator since.
            await until(
                lambda: (
                    len(calls) >= 2
                    and calibration.exists()
                    and bool(load_estimator(calibration).to_dict()["venues"])
                )
            )
        finally:
            await engine.stop()
    assert any("maintenance" in record.getMessage() for record in caplog.records)
