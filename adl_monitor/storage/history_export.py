"""History as a file a trader can keep: position samples as CSV, or samples plus alerts and
account events as JSON. Shared by `adl-monitor history export` and the window's Export….

Only recorded figures leave: the history never holds a key, so neither does an export. The file
is written readable by the user only, like the database it comes from.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adl_monitor.core.model.position import PositionId
from adl_monitor.storage.history import History, HistoryPoint

SAMPLE_COLUMNS = (
    "time",
    "account",
    "exchange",
    "symbol",
    "side",
    "contracts",
    "notional",
    "mark_price",
    "entry_price",
    "liquidation_price",
    "pnl_pct",
    "effective_leverage",
    "score",
    "exchange_tier",
    "exchange_raw",
    "estimate_tier",
    "estimate_low",
    "estimate_high",
    "level",
    "stale",
)
EVERYTHING = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """Which samples to export; None means all."""

    since: datetime = EVERYTHING
    account: str | None = None
    symbol: str | None = None


def export_text(history: History, what: ExportFilter, form: str) -> tuple[str, int]:
    """The export document (`form` "csv" or "json") and how many samples it holds."""
    samples = history.samples(what.since, account=what.account, symbol=what.symbol)
    rows = [_sample_row(key, exchange, point) for key, exchange, point in samples]
    if form == "csv":
        return _as_csv(rows), len(rows)
    return _as_json(rows, history, what), len(rows)


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path`, readable by the user only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as file:
        file.write(text)
    os.chmod(path, 0o600)


def _sample_row(key: PositionId, exchange: str, point: HistoryPoint) -> dict[str, Any]:
    account, symbol, side = key
    return {
        "time": iso_utc(point.at),
        "account": account,
        "exchange": exchange,
        "symbol": symbol,
        "side": side,
        "contracts": point.contracts,
        "notional": point.notional,
        "mark_price": point.mark_price,
        "entry_price": point.entry_price,
        "liquidation_price": point.liquidation_price,
        "pnl_pct": point.pnl_pct,
        "effective_leverage": point.effective_leverage,
        "score": point.score,
        "exchange_tier": point.exchange_tier,
        "exchange_raw": point.exchange_raw,
        "estimate_tier": point.estimate_tier,
        "estimate_low": point.estimate_low,
        "estimate_high": point.estimate_high,
        "level": point.level.name.lower(),
        "stale": point.stale,
    }


def _as_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SAMPLE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: _csv_cell(row[name]) for name in SAMPLE_COLUMNS})
    return buffer.getvalue()


def _csv_cell(value: object) -> object:
    """Cells a spreadsheet will not run: a text that starts like a formula gets a quote
    (the raw ADL value comes from the venue, and a venue is not to be trusted that far)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _as_json(rows: list[dict[str, Any]], history: History, what: ExportFilter) -> str:
    alerts = [
        {
            "time": iso_utc(alert.at),
            "kind": alert.kind.value,
            "account": alert.account,
            "exchange": alert.exchange,
            "symbol": alert.symbol,
            "side": alert.side,
            "level": alert.level.name.lower(),
            "tier": alert.tier,
            "title": alert.title,
            "body": alert.body,
        }
        for alert in history.alerts(what.since)
        if what.account in (None, alert.account) and what.symbol in (None, alert.symbol)
    ]
    events = [
        {
            "time": iso_utc(event.at),
            "account": event.account,
            "exchange": event.exchange,
            "state": event.state.value,
            "error": event.error,
            "warning": event.warning,
        }
        for event in history.account_events(what.since, what.account)
    ]
    document = {
        "exported_at": iso_utc(datetime.now(UTC)),
        "database": str(history.path),
        "filter": {"account": what.account, "symbol": what.symbol, "since": iso_utc(what.since)},
        "samples": rows,
        "alerts": alerts,
        "account_events": events,
    }
    return json.dumps(document, indent=2) + "\n"


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, as every time in an export (and `history list`)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
