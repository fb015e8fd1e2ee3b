"""Hand-built snapshots (the real core dataclasses) for model, delegate and tray tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adl_monitor.core.advice.suggestion import Action, ActionKind, Advice
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.core.model.adl_indicator import AdlIndicator
from adl_monitor.core.model.estimate import Estimate
from adl_monitor.core.model.position import MarginMode, Position, Side
from adl_monitor.core.model.snapshot import AccountState, AccountStatus, PositionRisk, Snapshot

NOW = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


def make_risk(
    account: str = "main",
    symbol: str = "BTC/USDT:USDT",
    side: Side = Side.LONG,
    *,
    exchange: str = "bybit",
    exchange_tier: int | None = 2,
    estimated_tier: int | None = 2,
    score: float = 1.0,
    stale: bool = False,
    fetched_at: datetime = NOW,
    advice: str | None = None,
    no_reading: bool = False,
) -> PositionRisk:
    position = Position(
        account=account,
        exchange=exchange,
        symbol=symbol,
        side=side,
        contracts=0.5,
        contract_size=1.0,
        entry_price=60_000.0,
        mark_price=66_000.0,
        notional=33_000.0,
        unrealized_pnl=3_000.0,
        margin_mode=MarginMode.ISOLATED,
        leverage=10.0,
        liquidation_price=54_500.0,
    )
    reading = (
        None
        if no_reading
        else AdlIndicator(
            raw=exchange_tier if exchange_tier is not None else "weird",
            tier=exchange_tier,
            updated_at=fetched_at,
            scale="adlRankIndicator 1–5, 5 = front of the queue",
            reason=None if exchange_tier is not None else "unrecognised value",
        )
    )
    estimate = (
        Estimate(
            score=score,
            tier=estimated_tier,
            low=max(0, estimated_tier - 1),
            high=min(5, estimated_tier + 1),
            basis="PnL % × effective leverage (classic formula)",
        )
        if estimated_tier is not None
        else None
    )
    return PositionRisk(
        position=position,
        exchange_adl=reading,
        estimate=estimate,
        fetched_at=fetched_at,
        advice=Advice(advice, (Action(ActionKind.REDUCE, 25.0, "%", 3),)) if advice else None,
        effective_leverage=7.5,
        pnl_pct=0.1,
        stale=stale,
    )


def make_snapshot(*risks: PositionRisk, at: datetime = NOW) -> Snapshot:
    accounts = {}
    for risk in risks:
        p = risk.position
        accounts[p.account] = AccountStatus(
            name=p.account,
            exchange=p.exchange,
            state=AccountState.STALE if risk.stale else AccountState.LIVE,
            fetched_at=risk.fetched_at,
            key_read_only=True,
        )
    return Snapshot(generated_at=at, accounts=tuple(accounts.values()), positions=tuple(risks))


def spec(name: str = "main", exchange: str = "bybit") -> AccountSpec:
    return AccountSpec(name=name, exchange=exchange)


def minutes_ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


# -- the real engine against the simulated exchange, through the bridge ----------------------

import contextlib  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from adl_monitor.core.model.account_spec import Credentials  # noqa: E402
from adl_monitor.engine.connector import Connector, venue_connector_factory  # noqa: E402
from adl_monitor.engine.options import EngineOptions  # noqa: E402
from adl_monitor.engine.runner import EngineRunner  # noqa: E402
from adl_monitor.engine.settings import EngineSettings  # noqa: E402
from adl_monitor.sim.thread import SimExchangeThread  # noqa: E402
from adl_monitor.storage.secrets import SecretStore  # noqa: E402
from adl_monitor.ui.bridge import EngineBridge, EngineSession  # noqa: E402
from tests.helpers import assert_loopback_client  # noqa: E402

VENUE_CADENCE = 0.3
"""The simulated venues in these tests publish positions every 0.3 s (their connectors are told
so): a setting can only slow an account down from its venue's cadence, never speed it up."""

FAST = EngineSettings(
    refresh_seconds=0.3,
    request_timeout=3.0,
    use_websocket=False,
    backoff_initial=0.05,
    backoff_max=0.3,
    coalesce_seconds=0.01,
    jitter_seed=7,
)


class LoopbackCheckingFactory:
    """The real connector factory; every ccxt client it opens must point at 127.0.0.1."""

    def __init__(self, cache_dir: Path) -> None:
        self._make = venue_connector_factory(cache_dir)
        self.checked: list[str] = []

    def __call__(self, spec: AccountSpec, credentials: Credentials | None) -> Connector:
        connector = self._make(spec, credentials)
        connector.position_interval = VENUE_CADENCE  # type: ignore[misc]
        for name in ("fetch", "check_key"):
            real = getattr(connector, name)

            async def checked(real: Any = real, name: str = name) -> Any:
                result = await real()
                assert_loopback_client(connector.client)  # type: ignore[attr-defined]
                self.checked.append(f"{spec.name}:{name}")
                return result

            setattr(connector, name, checked)
        return connector


@pytest.fixture
def sim() -> Iterator[SimExchangeThread]:
    thread = SimExchangeThread(scenario="calm", seed=3, speed=0.0, traders_per_side=40)
    thread.start()
    yield thread
    thread.stop()


@pytest.fixture
def loopback_factory(tmp_path: Path) -> LoopbackCheckingFactory:
    return LoopbackCheckingFactory(tmp_path / "markets")


@pytest.fixture
def engine_bridge(
    qtbot: Any, sim: SimExchangeThread, loopback_factory: LoopbackCheckingFactory, tmp_path: Path
) -> Iterator[EngineBridge]:
    """A started bridge whose engine monitors the simulator's demo Bybit account."""
    demo = {a.name: a for a in sim.sim.demo_accounts()}
    store = SecretStore()

    def credentials(spec: AccountSpec) -> Credentials | None:
        account = demo.get(spec.name)
        return account.credentials() if account is not None else store.get(spec)

    def start() -> EngineSession:
        runner = EngineRunner(
            [demo["demo-bybit"].spec()],
            credentials,
            EngineOptions(
                history_path=tmp_path / "history.sqlite3",
                cache_dir=tmp_path / "markets",
                settings=FAST,
                connector_factory=loopback_factory,
            ),
        )
        return EngineSession(
            runner=runner,
            demo=True,
            scenario="calm",
            accounts=(demo["demo-bybit"].spec(),),
            secrets=store,
        )

    bridge = EngineBridge(start)
    with qtbot.waitSignal(bridge.started, timeout=15_000):
        bridge.start()
    yield bridge
    with contextlib.suppress(Exception):
        bridge.stop()
