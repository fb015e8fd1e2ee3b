"""The SQLite history: a real file, written per snapshot, read back for charts, bounded, and
never a crash when the file is damaged."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adl_monitor.core.alerts.alert import Alert, AlertKind
from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.position import Side
from adl_monitor.core.model.snapshot import AccountState, AccountStatus, Snapshot
from adl_monitor.storage.history import SCHEMA_VERSION, History
from adl_monitor.storage.paths import default_history_path
from tests.core.risks import position_risk

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
KEY = ("main", "BTC/USDT:USDT", "long")


def _snapshot(
    at: datetime,
    *risks_at: datetime,
    state: AccountState = AccountState.LIVE,
    mark: float = 101_000.0,
) -> Snapshot:
    status = AccountStatus("main", "bybit", state, fetched_at=at)
    risks = tuple(position_risk(t, mark=mark) for t in (risks_at or (at,)))
    return Snapshot(generated_at=at, accounts=(status,), positions=risks)


def test_a_series_written_per_refresh_reads_back_in_order(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    history = History(path)
    for i in range(5):
        at = T0 + timedelta(seconds=10 * i)
        history.record(_snapshot(at, mark=100_000.0 + 500 * i))
    history.close()

    reopened = History(path)
    points = reopened.series(KEY, since=T0 + timedelta(seconds=15))
    assert [p.at for p in points] == [T0 + timedelta(seconds=s) for s in (20, 30, 40)]
    assert [p.mark_price for p in points] == [101_000.0, 101_500.0, 102_000.0]
    first = points[0]
    assert first.exchange_tier == 3 and first.exchange_raw == "3"
    assert (first.estimate_tier, first.estimate_low, first.estimate_high) == (3, 2, 3)
    assert first.level is Level.YELLOW and first.stale is False
    assert first.entry_price == 100_000.0 and first.liquidation_price == 91_000.0
    assert first.effective_leverage == 9.5
    assert reopened.position_keys(T0) == [KEY]
    assert reopened.series(("main", "ETH/USDT:USDT", "long"), since=T0) == []


def test_the_default_file_lives_in_the_data_dir_with_wal_and_a_schema_version() -> None:
    history = History()
    history.record(_snapshot(T0))
    history.close()
    path = default_history_path()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_snapshot_rebuilt_without_new_data_adds_no_rows(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    assert history.record(_snapshot(T0, T0)) > 0
    # Same reading (fetched_at unchanged), same account state: nothing new to store.
    assert history.record(_snapshot(T0 + timedelta(seconds=5), T0)) == 0
    assert len(history.series(KEY, since=T0)) == 1


def test_account_state_changes_and_alerts_are_kept(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    alert = Alert(
        AlertKind.LEVEL,
        T0,
        "main",
        "bybit",
        "BTC/USDT:USDT",
        "long",
        Level.RED,
        5,
        "Bybit BTC long → red",
        "PnL +12 %",
    )
    history.record(_snapshot(T0), [alert])
    history.record(_snapshot(T0 + timedelta(seconds=10)))
    history.record(
        _snapshot(T0 + timedelta(seconds=40), T0 + timedelta(seconds=10), state=AccountState.STALE)
    )
    events = history.account_events(T0)
    assert [e.state for e in events] == [AccountState.LIVE, AccountState.STALE]
    assert history.alerts(T0) == [alert]


def test_a_damaged_file_is_set_aside_and_a_fresh_history_starts(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"this is not an SQLite database, it is a damaged file" * 100)
    history = History(path)
    assert history.notice is not None
    assert str(path) in history.notice and "damaged" in history.notice
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("history.sqlite3.damaged-")]
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
    history.record(_snapshot(T0))
    assert len(history.series(KEY, since=T0)) == 1


def test_a_file_corrupted_while_in_use_is_recovered_on_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    history = History(path)
    history.record(_snapshot(T0))
    history.close()
    with path.open("r+b") as handle:  # smash the header and the first pages
        handle.write(b"\x00garbage" * 2048)
    reopened = History(path)
    assert reopened.notice is not None
    reopened.record(_snapshot(T0 + timedelta(seconds=10)))
    assert [p.at for p in reopened.series(KEY, since=T0)] == [T0 + timedelta(seconds=10)]


def test_a_file_from_a_newer_version_is_kept_aside_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    history = History(path)
    assert history.notice is not None and "newer" in history.notice
    assert history.available
    assert any(p.name.startswith("history.sqlite3.damaged-") for p in tmp_path.iterdir())


def test_retention_deletes_old_rows_and_old_samples_are_thinned_to_the_riskiest(
    tmp_path: Path,
) -> None:
    history = History(tmp_path / "h.sqlite3", retention_days=30, bucket_seconds=60)
    old = T0 - timedelta(days=40)
    history.record(_snapshot(old))
    day_ago = T0 - timedelta(days=2)
    # Six samples within one minute two days ago; one of them red (tier 5).
    for i in range(6):
        at = day_ago + timedelta(seconds=5 * i)
        status = AccountStatus("main", "bybit", AccountState.LIVE, fetched_at=at)
        tier = 5 if i == 3 else 2
        risk = position_risk(at, tier=tier, raw=tier, side=Side.LONG)
        history.record(Snapshot(generated_at=at, accounts=(status,), positions=(risk,)))
    recent = T0 - timedelta(minutes=5)
    history.record(_snapshot(recent))
    history.record(_snapshot(recent + timedelta(seconds=5)))

    deleted = history.prune(now=T0)

    assert deleted >= 6
    points = history.series(KEY, since=T0 - timedelta(days=365))
    assert [p.at for p in points] == [
        day_ago + timedelta(seconds=15),  # the red one survives the thinning
        recent,
        recent + timedelta(seconds=5),
    ]
    assert points[0].exchange_tier == 5


def _record_every(history: History, start: datetime, seconds: int, count: int) -> None:
    for i in range(count):
        at = start + timedelta(seconds=seconds * i)
        status = AccountStatus("main", "bybit", AccountState.LIVE, fetched_at=at)
        tier = 5 if i == count // 2 else 2
        risk = position_risk(at, tier=tier, raw=tier, side=Side.LONG)
        history.record(Snapshot(generated_at=at, accounts=(status,), positions=(risk,)))


def test_older_rows_are_thinned_in_coarser_tiers_and_keep_their_red_moment(
    tmp_path: Path,
) -> None:
    history = History(tmp_path / "h.sqlite3", retention_days=90)
    month_ago = T0 - timedelta(days=40)
    _record_every(history, month_ago, 60, 180)  # three hours, one a minute

    history.prune(now=T0)

    points = history.series(KEY, since=T0 - timedelta(days=60))
    assert len(points) == 3  # one per hour past 30 days (storage.history.COARSER_TIERS)
    assert any(p.exchange_tier == 5 for p in points)


def test_a_long_chart_is_read_in_buckets_that_keep_the_riskiest_sample(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    start = T0 - timedelta(hours=2)
    _record_every(history, start, 10, 600)  # 100 minutes, every 10 s

    everything = history.series(KEY, since=start, until=T0)
    bucketed = history.series(KEY, since=start, until=T0, max_points=50)

    assert len(everything) == 600
    assert 0 < len(bucketed) <= 50
    assert [p.at for p in bucketed] == sorted(p.at for p in bucketed)
    assert any(p.exchange_tier == 5 for p in bucketed)  # a red moment is never averaged away
