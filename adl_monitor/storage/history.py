"""Position history in one SQLite file: what the charts draw and what an incident review reads.

* One row per position per refresh (only positions whose data is new since the last write, so a
  snapshot rebuilt for staleness or another account's update does not duplicate rows), one row
  per change of an account's state, one row per alert. Each snapshot is one transaction.
* The schema is versioned with `PRAGMA user_version`; `_MIGRATIONS[n]` upgrades n-1 → n.
* WAL journal, so a chart query never waits for a write and a crash loses at most the last
  snapshot.
* Bounded growth: rows older than the retention are deleted; rows older than a day are thinned
  to the riskiest sample per position per minute.
* A damaged file is renamed aside (never deleted: the user may want it) and a fresh one started;
  `notice` then says so in one sentence. Nothing here raises to the caller on a database error.

Not thread-safe by design: the engine gives the `History` to one dedicated thread.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from adl_monitor.core.alerts.alert import Alert, AlertKind
from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.position import PositionId
from adl_monitor.core.model.snapshot import AccountState, AccountStatus, PositionRisk, Snapshot
from adl_monitor.core.security.private_files import create_private, private_dir, tighten
from adl_monitor.storage.paths import default_history_path

_log = logging.getLogger(__name__)

_MIGRATIONS: dict[int, str] = {
    1: """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE position_sample (
            id INTEGER PRIMARY KEY,
            t REAL NOT NULL,
            account TEXT NOT NULL,
            exchange TEXT NOT NULL,
            symbol TEXT NOT NULL,
            side TEXT NOT NULL,
            contracts REAL,
            notional REAL,
            mark REAL,
            entry REAL,
            liq REAL,
            pnl_pct REAL,
            effective_leverage REAL,
            score REAL,
            exchange_tier INTEGER,
            exchange_raw TEXT,
            estimate_tier INTEGER,
            estimate_low INTEGER,
            estimate_high INTEGER,
            level INTEGER NOT NULL,
            stale INTEGER NOT NULL
        );
        CREATE INDEX position_sample_key ON position_sample (account, symbol, side, t);
        CREATE INDEX position_sample_t ON position_sample (t);
        CREATE TABLE account_event (
            id INTEGER PRIMARY KEY,
            t REAL NOT NULL,
            account TEXT NOT NULL,
            exchange TEXT NOT NULL,
            state TEXT NOT NULL,
            error TEXT,
            warning TEXT
        );
        CREATE INDEX account_event_t ON account_event (t);
        CREATE TABLE alert (
            id INTEGER PRIMARY KEY,
            t REAL NOT NULL,
            kind TEXT NOT NULL,
            account TEXT NOT NULL,
            exchange TEXT NOT NULL,
            symbol TEXT NOT NULL,
            side TEXT NOT NULL,
            level INTEGER NOT NULL,
            tier INTEGER,
            title TEXT NOT NULL,
            body TEXT NOT NULL
        );
        CREATE INDEX alert_t ON alert (t);
    """,
}
SCHEMA_VERSION = max(_MIGRATIONS)
_INSERT_SAMPLE = (
    "INSERT INTO position_sample (t, account, exchange, symbol, side, contracts, notional, mark,"
    " entry, liq, pnl_pct, effective_leverage, score, exchange_tier, exchange_raw, estimate_tier,"
    " estimate_low, estimate_high, level, stale) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_INSERT_EVENT = (
    "INSERT INTO account_event (t, account, exchange, state, error, warning) VALUES (?,?,?,?,?,?)"
)
_INSERT_ALERT = (
    "INSERT INTO alert (t, kind, account, exchange, symbol, side, level, tier, title, body)"
    " VALUES (?,?,?,?,?,?,?,?,?,?)"
)
COARSER_TIERS: tuple[tuple[timedelta, int], ...] = (
    (timedelta(days=7), 15 * 60),
    (timedelta(days=30), 60 * 60),
)
"""(age, bucket seconds): rows older than `age` keep one sample per position per bucket."""


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One recorded refresh of one position: what a chart plots at `at`."""

    at: datetime
    contracts: float | None
    notional: float | None
    mark_price: float | None
    entry_price: float | None
    liquidation_price: float | None
    pnl_pct: float | None
    effective_leverage: float | None
    score: float | None
    exchange_tier: int | None
    exchange_raw: str | None
    estimate_tier: int | None
    estimate_low: int | None
    estimate_high: int | None
    level: Level
    stale: bool


@dataclass(frozen=True, slots=True)
class AccountEvent:
    """An account changed state (went live, stale, into error, got a warning)."""

    at: datetime
    account: str
    exchange: str
    state: AccountState
    error: str | None
    warning: str | None


@dataclass(frozen=True, slots=True)
class RecordedPosition:
    """A position that has rows in the history: when it was first and last seen, how often."""

    account: str
    exchange: str
    symbol: str
    side: str
    first: datetime
    last: datetime
    samples: int


def _point(row: Sequence[Any]) -> HistoryPoint:
    """A `HistoryPoint` from the columns t, contracts, … , level, stale of `position_sample`."""
    t, contracts, notional, mark, entry, liq, pnl, lev, score, tier, raw, est, low, high = row[:14]
    return HistoryPoint(
        at=_dt(float(t)),
        contracts=contracts,
        notional=notional,
        mark_price=mark,
        entry_price=entry,
        liquidation_price=liq,
        pnl_pct=pnl,
        effective_leverage=lev,
        score=score,
        exchange_tier=tier,
        exchange_raw=raw,
        estimate_tier=est,
        estimate_low=low,
        estimate_high=high,
        level=Level(row[14]),
        stale=bool(row[15]),
    )


class HistoryCorrupt(Exception):
    pass


def _ts(moment: datetime) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _dt(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _raw_text(raw: object) -> str | None:
    if raw is None:
        return None
    text = raw if isinstance(raw, str) else repr(raw)
    return text[:500]


class History:
    """The history database at `path` (default: the platform data dir)."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        retention_days: float = 30.0,
        downsample_after: timedelta = timedelta(days=1),
        bucket_seconds: int = 60,
    ) -> None:
        self.path = path or default_history_path()
        self.retention = timedelta(days=retention_days)
        self.downsample_after = downsample_after
        self.bucket_seconds = bucket_seconds
        self.notice: str | None = None
        """One sentence for the user when the file had to be set aside, else None."""
        self._last_fetched: dict[str, datetime] = {}
        self._last_status: dict[str, tuple[str, str | None, str | None]] = {}
        self._conn: sqlite3.Connection | None = None
        self._conn = self._open_or_recover()

    # -- opening, migrating, recovering -------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        private_dir(self.path.parent, tighten_existing=False)
        # SQLite gives the -wal and -shm files the database file's mode, so a 0600 database
        # keeps all three private; older 0644 ones are fixed here (core/security/private_files.py).
        create_private(self.path)
        for suffix in ("-wal", "-shm"):
            tighten(self.path.with_name(self.path.name + suffix))
        conn = sqlite3.connect(self.path, timeout=5.0, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout = 5000")
            result = conn.execute("PRAGMA quick_check").fetchone()
            if result is None or result[0] != "ok":
                raise HistoryCorrupt(str(result[0] if result else "no answer to quick_check"))
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise HistoryCorrupt(
                f"it was written by a newer ADL Monitor (schema {version} > {SCHEMA_VERSION})"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            try:
                conn.executescript(
                    f"BEGIN; {_MIGRATIONS[target]}; PRAGMA user_version = {target}; COMMIT;"
                )
            except BaseException:
                if conn.in_transaction:
                    conn.rollback()
                raise

    def _open_or_recover(self) -> sqlite3.Connection | None:
        try:
            return self._connect()
        except (sqlite3.DatabaseError, HistoryCorrupt) as error:
            return self._set_aside_and_restart(error)
        except OSError as error:
            self.notice = (
                f"The history file {self.path} cannot be opened ({error}) — check the disk; "
                "history is not being recorded."
            )
            _log.warning("%s", self.notice)
            return None

    def _set_aside_and_restart(self, error: BaseException) -> sqlite3.Connection | None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        try:
            self.path.replace(aside)
            for suffix in ("-wal", "-shm"):
                extra = self.path.with_name(self.path.name + suffix)
                if extra.exists():
                    extra.replace(aside.with_name(aside.name + suffix))
        except OSError as move_error:
            self.notice = (
                f"The history file {self.path} is damaged ({error}) and could not be moved "
                f"aside ({move_error}) — move or delete it; history is not being recorded."
            )
            _log.warning("%s", self.notice)
            return None
        self.notice = (
            f"The history file {self.path} was damaged ({error}); it was kept as {aside.name} "
            "and a new history was started."
        )
        _log.warning("%s", self.notice)
        self._last_fetched.clear()
        self._last_status.clear()
        try:
            return self._connect()
        except (sqlite3.DatabaseError, HistoryCorrupt, OSError) as second:
            self.notice += f" The new file could not be created either ({second})."
            _log.warning("%s", self.notice)
            return None

    def _on_db_error(self, error: sqlite3.Error, doing: str) -> None:
        """A failed write or read: recover a damaged file, otherwise log and carry on."""
        _log.warning("history %s failed: %s", doing, error)
        if isinstance(error, sqlite3.DatabaseError) and _looks_corrupt(error):
            if self._conn is not None:
                self._conn.close()
            self._conn = self._set_aside_and_restart(error)

    @property
    def available(self) -> bool:
        return self._conn is not None

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    # -- writing ---------------------------------------------------------------------------

    def record(self, snapshot: Snapshot, alerts: Sequence[Alert] = ()) -> int:
        """Write what is new in `snapshot` plus `alerts` in one transaction; rows written."""
        if self._conn is None:
            return 0
        stamps: dict[datetime, float] = {}  # one fetch time per account reading: converted once
        samples = [
            self._sample_row(risk, stamps) for risk in snapshot.positions if self._is_new(risk)
        ]
        events = [
            self._event_row(snapshot.generated_at, status)
            for status in snapshot.accounts
            if self._status_changed(status)
        ]
        alert_rows = [self._alert_row(alert) for alert in alerts]
        if not (samples or events or alert_rows):
            return 0
        try:
            with self._conn:
                # A statement with no rows is not run: most refreshes change no account's
                # state and raise no alert.
                for statement, rows in (
                    (_INSERT_SAMPLE, samples),
                    (_INSERT_EVENT, events),
                    (_INSERT_ALERT, alert_rows),
                ):
                    if rows:
                        self._conn.executemany(statement, rows)
        except sqlite3.Error as error:
            self._on_db_error(error, "write")
            return 0
        newest: dict[str, datetime] = {}
        for risk in snapshot.positions:
            account, fetched_at = risk.position.account, risk.fetched_at
            seen = newest.get(account)
            if seen is None or fetched_at > seen:
                newest[account] = fetched_at
        for account, fetched_at in newest.items():
            last = self._last_fetched.get(account)
            if last is None or fetched_at > last:
                self._last_fetched[account] = fetched_at
        for status in snapshot.accounts:
            self._last_status[status.name] = (status.state.value, status.error, status.warning)
        return len(samples) + len(events) + len(alert_rows)

    def _is_new(self, risk: PositionRisk) -> bool:
        last = self._last_fetched.get(risk.position.account)
        return last is None or risk.fetched_at > last

    def _status_changed(self, status: AccountStatus) -> bool:
        current = (status.state.value, status.error, status.warning)
        return self._last_status.get(status.name) != current

    @staticmethod
    def _sample_row(
        risk: PositionRisk, stamps: dict[datetime, float] | None = None
    ) -> tuple[object, ...]:
        position, adl, estimate = risk.position, risk.exchange_adl, risk.estimate
        fetched_at = risk.fetched_at
        stamp = stamps.get(fetched_at) if stamps is not None else None
        if stamp is None:
            stamp = _ts(fetched_at)
            if stamps is not None:
                stamps[fetched_at] = stamp
        return (
            stamp,
            position.account,
            position.exchange,
            position.symbol,
            position.side.value,
            position.contracts,
            position.notional,
            position.mark_price,
            position.entry_price,
            position.liquidation_price,
            risk.pnl_pct,
            risk.effective_leverage,
            estimate.score if estimate else None,
            adl.tier if adl else None,
            _raw_text(adl.raw) if adl else None,
            estimate.tier if estimate else None,
            estimate.low if estimate else None,
            estimate.high if estimate else None,
            int(risk.level),
            int(risk.stale),
        )

    @staticmethod
    def _event_row(at: datetime, status: AccountStatus) -> tuple[object, ...]:
        return (
            _ts(at),
            status.name,
            status.exchange,
            status.state.value,
            status.error,
            status.warning,
        )

    @staticmethod
    def _alert_row(alert: Alert) -> tuple[object, ...]:
        return (
            _ts(alert.at),
            alert.kind.value,
            alert.account,
            alert.exchange,
            alert.symbol,
            alert.side,
            int(alert.level),
            alert.tier,
            alert.title,
            alert.body,
        )

    def prune(self, now: datetime | None = None) -> int:
        """Delete rows past the retention; thin old samples. Returns rows deleted.

        Thinning keeps the riskiest (then latest) sample per position per bucket, in tiers: one
        a minute after `downsample_after` (a day), then one per `COARSER_TIERS` bucket as rows
        age further. A chart of a year then reads tens of thousands of rows, not half a million,
        and a position-year costs a few MB instead of ~80.
        """
        if self._conn is None:
            return 0
        now = now or datetime.now(UTC)
        expired = _ts(now - self.retention)
        tiers = ((self.downsample_after, self.bucket_seconds), *COARSER_TIERS)
        try:
            with self._conn:
                deleted = 0
                for table in ("position_sample", "account_event", "alert"):
                    cursor = self._conn.execute(f"DELETE FROM {table} WHERE t < ?", (expired,))
                    deleted += cursor.rowcount
                for age, bucket in tiers:
                    deleted += self._thin(_ts(now - age), int(bucket), expired)
            return deleted
        except sqlite3.Error as error:
            self._on_db_error(error, "prune")
            return 0

    def _thin(self, before: float, bucket: int, expired: float) -> int:
        """One sample per position per `bucket` seconds for rows older than `before`; only the
        rows not yet thinned to this bucket are visited (`meta` remembers how far it got)."""
        assert self._conn is not None
        marker = "thinned_until" if bucket == self.bucket_seconds else f"thinned_until_{bucket}"
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (marker,)).fetchone()
        thinned_until = float(row[0]) if row else 0.0
        cursor = self._conn.execute(
            "DELETE FROM position_sample WHERE t >= :lo AND t < :hi AND id NOT IN ("
            " SELECT id FROM (SELECT id, MAX(level * 1e12 + t) FROM position_sample"
            "  WHERE t >= :lo AND t < :hi"
            "  GROUP BY account, symbol, side, CAST(t / :bucket AS INTEGER)))",
            {"lo": max(thinned_until - bucket, expired), "hi": before, "bucket": bucket},
        )
        self._conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (marker, str(before))
        )
        return cursor.rowcount

    # -- reading ---------------------------------------------------------------------------

    def series(
        self,
        key: PositionId,
        since: datetime,
        until: datetime | None = None,
        *,
        max_points: int | None = None,
    ) -> list[HistoryPoint]:
        """The recorded points of the position `key` from `since` (to `until`), oldest first.

        With `max_points` (what a chart can draw), a long range is read as at most that many
        time buckets, each the riskiest (then latest) sample in it — the same rule as thinning,
        so a red moment is never averaged away — and SQLite does the bucketing: a year of one
        position is a few thousand rows to build, not tens of thousands.
        """
        if self._conn is None:
            return []
        account, symbol, side = key
        start = _ts(since)
        end = _ts(until) if until is not None else float("inf")
        columns = (
            "t, contracts, notional, mark, entry, liq, pnl_pct, effective_leverage, score,"
            " exchange_tier, exchange_raw, estimate_tier, estimate_low, estimate_high, level,"
            " stale"
        )
        where = "WHERE account = ? AND symbol = ? AND side = ? AND t >= ? AND t <= ?"
        params: tuple[object, ...] = (account, symbol, side, start, end)
        buckets = self._buckets(where, params, max_points) if max_points else None
        if buckets is not None:
            origin, width = buckets
            query = (
                f"SELECT {columns} FROM (SELECT {columns}, MAX(level * 1e12 + t)"
                f" FROM position_sample {where} GROUP BY CAST((t - ?) / ? AS INTEGER)) ORDER BY t"
            )
            params += (origin, width)
        else:
            query = f"SELECT {columns} FROM position_sample {where} ORDER BY t"
        try:
            rows = self._conn.execute(query, params).fetchall()
        except sqlite3.Error as error:
            self._on_db_error(error, "read")
            return []
        return [_point(row) for row in rows]

    def _buckets(
        self, where: str, params: tuple[object, ...], max_points: int
    ) -> tuple[float, float] | None:
        """(origin, width) of the time buckets that split the recorded span — not the asked
        one: "since 2000" must not squeeze a day of data into one point — into at most
        `max_points`; None when the rows fit as they are."""
        assert self._conn is not None
        count, first, last = self._conn.execute(
            f"SELECT COUNT(*), MIN(t), MAX(t) FROM position_sample {where}", params
        ).fetchone()
        if count <= max_points or first is None or last is None or max_points < 2:
            return None
        return float(first), (float(last) - float(first)) / (max_points - 1)

    def samples(
        self,
        since: datetime,
        *,
        account: str | None = None,
        symbol: str | None = None,
    ) -> list[tuple[PositionId, str, HistoryPoint]]:
        """Every recorded point since `since`, optionally of one account and/or one symbol,
        as (position key, exchange, point), in time order: what `history export` writes."""
        if self._conn is None:
            return []
        query = (
            "SELECT account, symbol, side, exchange, t, contracts, notional, mark, entry, liq,"
            " pnl_pct, effective_leverage, score, exchange_tier, exchange_raw, estimate_tier,"
            " estimate_low, estimate_high, level, stale FROM position_sample WHERE t >= ?"
        )
        params: tuple[object, ...] = (_ts(since),)
        if account is not None:
            query += " AND account = ?"
            params += (account,)
        if symbol is not None:
            query += " AND symbol = ?"
            params += (symbol,)
        try:
            rows = self._conn.execute(query + " ORDER BY t, id", params).fetchall()
        except sqlite3.Error as error:
            self._on_db_error(error, "read")
            return []
        return [
            (PositionId(str(r[0]), str(r[1]), str(r[2])), str(r[3]), _point(r[4:])) for r in rows
        ]

    def recorded_positions(self) -> list[RecordedPosition]:
        """One line per position ever recorded (within the retention): what `history list`
        shows, so a user knows what `--account` and `--symbol` can name."""
        if self._conn is None:
            return []
        try:
            rows = self._conn.execute(
                "SELECT account, exchange, symbol, side, MIN(t), MAX(t), COUNT(*)"
                " FROM position_sample GROUP BY account, exchange, symbol, side"
                " ORDER BY account, symbol, side"
            ).fetchall()
        except sqlite3.Error as error:
            self._on_db_error(error, "read")
            return []
        return [
            RecordedPosition(str(a), str(e), str(s), str(d), _dt(first), _dt(last), int(n))
            for a, e, s, d, first, last, n in rows
        ]

    def position_keys(self, since: datetime) -> list[PositionId]:
        """Positions with any sample since `since` (for a "past positions" list)."""
        if self._conn is None:
            return []
        try:
            rows = self._conn.execute(
                "SELECT DISTINCT account, symbol, side FROM position_sample WHERE t >= ?"
                " ORDER BY account, symbol, side",
                (_ts(since),),
            ).fetchall()
        except sqlite3.Error as error:
            self._on_db_error(error, "read")
            return []
        return [PositionId(str(a), str(s), str(d)) for a, s, d in rows]

    def account_events(self, since: datetime, account: str | None = None) -> list[AccountEvent]:
        if self._conn is None:
            return []
        query = "SELECT t, account, exchange, state, error, warning FROM account_event WHERE t >= ?"
        params: tuple[object, ...] = (_ts(since),)
        if account is not None:
            query += " AND account = ?"
            params += (account,)
        try:
            rows = self._conn.execute(query + " ORDER BY t, id", params).fetchall()
        except sqlite3.Error as error:
            self._on_db_error(error, "read")
            return []
        return [
            AccountEvent(_dt(t), name, exchange, AccountState(state), error, warning)
            for t, name, exchange, state, error, warning in rows
        ]

    def alerts(self, since: datetime) -> list[Alert]:
        if self._conn is None:
            return []
        try:
            rows = self._conn.execute(
                "SELECT t, kind, account, exchange, symbol, side, level, tier, title, body"
                " FROM alert WHERE t >= ? ORDER BY t, id",
                (_ts(since),),
            ).fetchall()
        except sqlite3.Error as error:
            self._on_db_error(error, "read")
            return []
        return [
            Alert(
                kind=AlertKind(kind),
                at=_dt(t),
                account=account,
                exchange=exchange,
                symbol=symbol,
                side=side,
                level=Level(level),
                tier=tier,
                title=title,
                body=body,
            )
            for t, kind, account, exchange, symbol, side, level, tier, title, body in rows
        ]


def _looks_corrupt(error: sqlite3.DatabaseError) -> bool:
    text = str(error).lower()
    return any(word in text for word in ("malformed", "not a database", "corrupt", "encrypted"))
