"""The chart's in-memory history: bounded however many positions tick, newest kept."""

from __future__ import annotations

from datetime import timedelta

from adl_monitor.ui.position_history import PositionHistory
from tests.ui.conftest import NOW, make_risk, make_snapshot


def _tick(history: PositionHistory, accounts: list[str], seconds: int) -> None:
    for second in range(seconds):
        at = NOW + timedelta(seconds=second)
        history.add_snapshot(make_snapshot(*(make_risk(a, fetched_at=at) for a in accounts), at=at))


def test_many_positions_share_a_bounded_memory_and_keep_their_newest_points() -> None:
    history = PositionHistory(max_samples=10_000, max_total=2_000)
    accounts = [f"acct{i}" for i in range(10)]
    _tick(history, accounts, 400)
    keys = [make_risk(a).key for a in accounts]
    assert sum(len(history.samples(k)) for k in keys) <= 2_000
    newest = (NOW + timedelta(seconds=399)).timestamp()
    assert all(history.samples(k)[-1].at == newest for k in keys)


def test_one_position_keeps_its_full_allowance() -> None:
    history = PositionHistory(max_samples=300, max_total=2_000)
    _tick(history, ["solo"], 400)
    assert len(history.samples(make_risk("solo").key)) == 300
