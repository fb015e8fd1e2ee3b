"""Hand-built snapshots (the real core dataclasses) for model, delegate and tray tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adl_monitor.core.account_spec import AccountSpec
from adl_monitor.core.advice import Action, ActionKind, Advice
from adl_monitor.core.estimate import Estimate
from adl_monitor.core.position import MarginMode, Position, Side
from adl_monitor.core.reading import AdlReading
from adl_monitor.core.snapshot import AccountState, AccountStatus, PositionRisk, Snapshot

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
        else AdlReading(
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
