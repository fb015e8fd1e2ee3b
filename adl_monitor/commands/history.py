"""`adl-monitor history list|export`: what the history database holds, and a copy of it.

A trader reviewing an incident (or their broker, or a spreadsheet) needs the recorded refreshes
as a file: `export` writes position samples as CSV (one row per refresh) or JSON (the same rows,
plus the alerts and account events of the period); `storage/history_export.py` renders both.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adl_monitor.commands.command_line import friendly_errors, setup_cli_logging
from adl_monitor.commands.snapshot_text import table
from adl_monitor.storage.history_export import iso_utc

if TYPE_CHECKING:
    from adl_monitor.storage.history import History

_RELATIVE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$")
_UNIT = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "history",
        help="list or export the recorded position history",
        description="List the positions in the history database, or export their samples.",
    )
    commands = parser.add_subparsers(title="history commands", metavar="ACTION", required=True)

    listing = commands.add_parser("list", help="the positions the history holds")
    _add_database_arguments(listing)
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(func=run_list)

    export = commands.add_parser("export", help="write position samples as CSV or JSON")
    _add_database_arguments(export)
    export.add_argument("--account", default=None, help="only this account")
    export.add_argument("--symbol", default=None, help="only this symbol, e.g. BTC/USDT:USDT")
    export.add_argument(
        "--since",
        type=parse_since,
        default=None,
        help="from this time: ISO 8601 (2026-12-01 or 2026-12-01T08:00Z) or an age "
        "such as 30m, 12h, 7d (default: everything kept)",
    )
    form = export.add_mutually_exclusive_group(required=True)
    form.add_argument("--csv", action="store_true", help="one row per refresh")
    form.add_argument("--json", action="store_true", help="samples, alerts and account events")
    export.add_argument("--out", type=Path, default=None, help="file to write (default: stdout)")
    export.set_defaults(func=run_export)


def _add_database_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo", action="store_true", help="the latest demo run's history instead")
    parser.add_argument("--verbose", action="store_true", help="more detail in the log file")


def parse_since(text: str) -> datetime:
    """An ISO 8601 moment (UTC unless it says otherwise) or an age like `12h` before now."""
    relative = _RELATIVE.match(text)
    if relative:
        amount, unit = float(relative.group(1)), relative.group(2)
        return datetime.now(UTC) - timedelta(**{_UNIT[unit]: amount})
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither an ISO 8601 time (2026-12-01T08:00Z) nor an age (30m, 12h, 7d)"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _database(args: argparse.Namespace) -> Path | None:
    """The user's history, or with --demo the latest demo run's (one file per run)."""
    from adl_monitor.storage import demo_history, paths

    return demo_history.latest_run_path() if args.demo else paths.default_history_path()


def _open(args: argparse.Namespace) -> History | None:
    """The history at its usual place, or None (and a sentence) when there is none yet:
    reading must not create an empty database where the user expects theirs."""
    from adl_monitor.storage import demo_history
    from adl_monitor.storage.history import History

    path = _database(args)
    if path is None or not path.exists():
        where = demo_history.demo_history_dir() if args.demo else path
        print(
            f"No history yet at {where}: ADL Monitor records one row per refresh while it runs.",
            file=sys.stderr,
        )
        return None
    history = History(path)
    if history.notice:
        print(history.notice, file=sys.stderr)
    return history


@friendly_errors
def run_list(args: argparse.Namespace) -> int:
    setup_cli_logging(args.verbose)
    history = _open(args)
    if history is None:
        return 1
    try:
        recorded = history.recorded_positions()
    finally:
        history.close()
    if args.json:
        rows = [
            {
                "account": r.account,
                "exchange": r.exchange,
                "symbol": r.symbol,
                "side": r.side,
                "first": iso_utc(r.first),
                "last": iso_utc(r.last),
                "samples": r.samples,
            }
            for r in recorded
        ]
        print(json.dumps({"database": str(history.path), "positions": rows}, indent=2))
        return 0
    if not recorded:
        print(f"The history at {history.path} holds no positions yet.")
        return 0
    header = ("ACCOUNT", "EXCHANGE", "SYMBOL", "SIDE", "FIRST", "LAST", "SAMPLES")
    cells = [
        (r.account, r.exchange, r.symbol, r.side, _short(r.first), _short(r.last), str(r.samples))
        for r in recorded
    ]
    print(table(cells, header))
    return 0


@friendly_errors
def run_export(args: argparse.Namespace) -> int:
    setup_cli_logging(args.verbose)
    history = _open(args)
    if history is None:
        return 1
    from adl_monitor.storage.history_export import (
        EVERYTHING,
        ExportFilter,
        export_text,
        write_private,
    )

    what = ExportFilter(args.since or EVERYTHING, args.account, args.symbol)
    try:
        text, count = export_text(history, what, "csv" if args.csv else "json")
    finally:
        history.close()
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        write_private(args.out, text)
    except OSError as error:
        print(f"Could not write {args.out}: {error.strerror or error}.", file=sys.stderr)
        return 1
    rows = "sample" if count == 1 else "samples"
    print(f"Wrote {count} {rows} to {args.out}.", file=sys.stderr)
    return 0


def _short(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
