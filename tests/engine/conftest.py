"""Fixtures for engine tests: the simulated exchange on loopback with its clock frozen (tests
move sim time with `advance`), the real connector factory with every client it built kept so
a test can assert it points at 127.0.0.1, and settings fast enough for a test to watch an
account go stale and recover in well under a second of real time."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from adl_monitor.core.alerts.alert import Alert, AlertKind
from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.core.model.snapshot import AccountState, PositionRisk, Snapshot
from adl_monitor.engine.connector import Connector, venue_connector_factory
from adl_monitor.engine.engine import Engine, EngineListener
from adl_monitor.engine.options import EngineOptions
from adl_monitor.engine.settings import EngineSettings
from adl_monitor.sim.thread import SimExchangeThread
from tests.engine.fault_proxy import FaultProxy
from tests.helpers import assert_loopback_client

VENUE_CADENCE = 0.2
"""The simulated venues in these tests publish positions every 0.2 s (their connectors are told
so): a setting can only slow an account down from its venue's cadence, never speed it up."""

FAST = EngineSettings(
    refresh_seconds=0.2,
    request_timeout=3.0,
    use_websocket=False,  # the simulator speaks REST only
    backoff_initial=0.05,
    backoff_max=0.3,
    slow_retry_seconds=0.5,
    coalesce_seconds=0.01,
    jitter_seed=7,
)


@pytest.fixture
def start_sim() -> Iterator[Callable[..., SimExchangeThread]]:
    started: list[SimExchangeThread] = []

    def start(scenario: str = "calm", speed: float = 0.0) -> SimExchangeThread:
        sim = SimExchangeThread(scenario=scenario, seed=3, speed=speed, traders_per_side=40)
        sim.start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


class RecordingFactory:
    """The real connector factory; keeps each connector's ccxt client for loopback checks."""

    def __init__(self, cache_dir: Path | None) -> None:
        self._make = venue_connector_factory(cache_dir)
        self.clients: list[Any] = []

    def __call__(self, spec: AccountSpec, credentials: Credentials | None) -> Connector:
        connector = self._make(spec, credentials)
        connector.position_interval = VENUE_CADENCE  # type: ignore[misc]
        real_fetch = connector.fetch

        async def fetch() -> AccountReading:
            reading = await real_fetch()
            client = connector.client  # type: ignore[attr-defined]
            assert_loopback_client(client)
            self.clients.append(client)
            return reading

        connector.fetch = fetch  # type: ignore[method-assign]
        return connector


@pytest.fixture
def factory(tmp_path: Path) -> RecordingFactory:
    return RecordingFactory(tmp_path / "markets")


def demo_setup(
    sim: SimExchangeThread,
) -> tuple[list[AccountSpec], Callable[[AccountSpec], Credentials | None]]:
    accounts = sim.sim.demo_accounts()
    by_name = {account.name: account.credentials() for account in accounts}
    return [account.spec() for account in accounts], lambda spec: by_name.get(spec.name)


async def until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll `predicate` on the running loop until it holds (fails the test after `timeout`)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def bybit_behind_proxy(
    sim: SimExchangeThread,
    factory: RecordingFactory,
    tmp_path: Path,
    settings: EngineSettings = FAST,
    listener: EngineListener | None = None,
) -> AsyncIterator[tuple[Engine, FaultProxy]]:
    """The demo Bybit account through a `FaultProxy`, its engine started and live (key checked)."""
    accounts, credentials = demo_setup(sim)
    proxy = FaultProxy(sim.base_url)
    base = await proxy.start()
    bybit = next(a for a in accounts if a.exchange == "bybit")
    engine = Engine(
        [replace(bybit, api_url=f"{base}/bybit")],
        lambda s: credentials(bybit),
        EngineOptions(
            settings=settings, history_path=tmp_path / "history.sqlite3", connector_factory=factory
        ),
    )
    if listener is not None:
        engine.add_listener(listener)
    await engine.start()
    try:
        await until(
            lambda: (
                engine.latest is not None
                and bool(engine.latest.accounts)
                and engine.latest.accounts[0].state is AccountState.LIVE
                and engine.latest.accounts[0].key_read_only is not None
            )
        )
        yield engine, proxy
    finally:
        await engine.stop()
        await proxy.close()


class Recorder:
    """An engine listener that keeps every snapshot and alert, for tests to look back on."""

    def __init__(self) -> None:
        self.snapshots: list[Snapshot] = []
        self.alerts: list[Alert] = []

    def on_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshots.append(snapshot)

    def on_alert(self, alert: Alert) -> None:
        self.alerts.append(alert)

    def rows(self, key: tuple[str, str, str]) -> list[PositionRisk]:
        return [r for s in self.snapshots for r in s.positions if r.key == key]

    def alerts_for(self, key: tuple[str, str, str], kind: AlertKind) -> list[Alert]:
        return [a for a in self.alerts if (a.account, a.symbol, a.side) == key and a.kind is kind]


@pytest.fixture
def squeeze() -> Iterator[SimExchangeThread]:
    """The `squeeze` scenario on seed 1 (the demo's population), its clock stepped by the test."""
    sim = SimExchangeThread(scenario="squeeze", seed=1, speed=0.0)  # the demo's population
    sim.start()
    yield sim
    sim.stop()


def recorded_bybit_engine(
    sim: SimExchangeThread, tmp_path: Path, settings: EngineSettings
) -> tuple[Engine, Recorder]:
    """An engine on the simulator's demo Bybit account alone, with a `Recorder` listening."""
    accounts, credentials = demo_setup(sim)
    engine = Engine(
        [a for a in accounts if a.exchange == "bybit"],
        credentials,
        EngineOptions(
            settings=settings,
            history_path=tmp_path / "history.sqlite3",
            calibration_path=tmp_path / "calibration.json",
            connector_factory=RecordingFactory(tmp_path / "markets"),
        ),
    )
    recorder = Recorder()
    engine.add_listener(recorder)
    return engine, recorder
