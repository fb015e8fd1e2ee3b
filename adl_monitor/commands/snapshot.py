"""`adl-monitor snapshot`: one refresh of every account, as a table or as JSON.

Exit codes (docs/interfaces.md): 0; 1 when any account failed (or nothing could be monitored);
2 when `--fail-on LEVEL` is given and a position is at or above that level — the risk is the
more urgent signal, so 2 wins over 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from adl_monitor.commands.command_line import (
    add_source_arguments,
    config_path_arg,
    friendly_errors,
    print_settings_problems,
    setup_cli_logging,
)
from adl_monitor.terminal_text import terminal_json, terminal_lines
from adl_monitor.wiring.sources import SourcesError, open_sources

EXIT_OK = 0
EXIT_ACCOUNT_FAILED = 1
EXIT_AT_RISK = 2


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "snapshot",
        help="refresh every account once and print the positions",
        description="Refresh every account once and print positions with both ADL numbers. "
        "Exit 0, 1 when an account failed, 2 when --fail-on is reached.",
    )
    add_source_arguments(parser)
    parser.add_argument(
        "--fail-on",
        choices=("yellow", "orange", "red"),
        default=None,
        help="exit 2 when a position is at or above this level",
    )
    parser.set_defaults(func=run)


@friendly_errors
def run(args: argparse.Namespace) -> int:
    setup_cli_logging(args.verbose)
    from adl_monitor.commands.snapshot_json import dumps, snapshot_to_dict
    from adl_monitor.core.model.levels import Level
    from adl_monitor.core.model.snapshot import Snapshot

    try:
        sources = open_sources(config_path_arg(args.config), args.demo, args.scenario)
    except SourcesError as error:
        print(terminal_lines(str(error)), file=sys.stderr)
        return EXIT_ACCOUNT_FAILED
    print_settings_problems(sources)
    with sources:
        engine = sources.engine()

        async def once() -> Snapshot:
            try:
                return await engine.run_once()
            finally:
                await engine.stop()

        snapshot = asyncio.run(once())
    if engine.history_notice:
        print(terminal_lines(engine.history_notice), file=sys.stderr)
    if args.json:
        print(terminal_json(dumps(snapshot_to_dict(snapshot), indent=2)))
    else:
        from adl_monitor.commands.snapshot_text import render_snapshot

        print(terminal_lines(render_snapshot(snapshot)))
    for status in snapshot.accounts:
        if not status.ok and status.error:
            print(terminal_lines(status.error), file=sys.stderr)
    if args.fail_on is not None:
        threshold = Level.parse(args.fail_on)
        if any(risk.level >= threshold for risk in snapshot.positions):
            return EXIT_AT_RISK
    if any(not status.ok for status in snapshot.accounts):
        return EXIT_ACCOUNT_FAILED
    return EXIT_OK
