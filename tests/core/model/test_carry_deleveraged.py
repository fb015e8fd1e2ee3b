"""A position closed completely by ADL is kept for one reading, so its hit can be told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adl_monitor.core.alerts.alert import AlertKind
from adl_monitor.core.alerts.rules import AlertRules
from adl_monitor.core.assess import assess
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.model.account_reading import AccountReading, carry_deleveraged
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.core.model.position import MarginMode, Position, Side
from adl_monitor.core.model.snapshot import AccountState, AccountStatus, Snapshot

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _position(account: str, side: Side, contracts: float) -> Position:
    return Position(
        account=account,
        exchange="bybit" if account == "a" else "binanceusdm",
        symbol="BTC/USDT:USDT",
        side=side,
        contracts=contracts,
        contract_size=1.0,
        entry_price=100_000.0,
        mark_price=90_000.0,
        notional=contracts * 90_000.0,
        unrealized_pnl=(90_000.0 - 100_000.0) * contracts * side.sign,
        margin_mode=MarginMode.CROSS,
        leverage=5.0,
    )


def _snapshot(readings: dict[str, AccountReading], now: datetime) -> Snapshot:
    estimator = RankEstimator()
    risks = tuple(
        risk
        for name, reading in readings.items()
        for risk in assess(
            reading,
            AccountSpec(name, reading.positions[0].exchange if reading.positions else "bybit"),
            estimator,
            now=now,
            stale_after=60,
        )
    )
    accounts = tuple(AccountStatus(n, "bybit", AccountState.LIVE, now) for n in readings)
    return Snapshot(now, accounts, risks)


def test_vanished_hit_is_carried_with_zero_size_then_dropped() -> None:
    short = _position("a", Side.SHORT, 1.0)
    before = AccountReading(T0, (short,))
    hit = AccountReading(T0 + timedelta(seconds=5), (), adl_hits=frozenset({short.key[1:]}))
    carried = carry_deleveraged(before, hit)
    assert [(p.symbol, p.side, p.contracts) for p in carried.positions] == [
        ("BTC/USDT:USDT", Side.SHORT, 0.0)
    ]
    after = AccountReading(T0 + timedelta(seconds=10), ())
    assert carry_deleveraged(carried, after).positions == ()


def test_full_adl_close_raises_adl_hit_and_hedge_broken() -> None:
    """The hedge-leg case: the short on one venue is closed by ADL, the long is left naked."""
    short = _position("a", Side.SHORT, 1.0)
    long = _position("b", Side.LONG, 1.0)
    rules = AlertRules()
    first = {"a": AccountReading(T0, (short,)), "b": AccountReading(T0, (long,))}
    rules.feed(_snapshot(first, T0), T0)  # whatever level alerts the legs raise themselves
    now = T0 + timedelta(seconds=5)
    hit = AccountReading(now, (), adl_hits=frozenset({short.key[1:]}))
    second = {"a": carry_deleveraged(first["a"], hit), "b": AccountReading(now, (long,))}
    kinds = {(alert.kind, alert.account) for alert in rules.feed(_snapshot(second, now), now)}
    assert (AlertKind.ADL_HIT, "a") in kinds
    assert (AlertKind.HEDGE_BROKEN, "b") in kinds
