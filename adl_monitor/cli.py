"""Command line and composition root: parses arguments and hands over to one command module.

Each subcommand lives in `adl_monitor/commands/<name>.py` with `register(subparsers)`, which
adds its parser and sets `func(args) -> int`. With no subcommand the GUI starts. Heavy imports
(Qt, ccxt) happen inside the commands, so `--help` and `--version` stay instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from adl_monitor import __version__
from adl_monitor.commands import accounts, gui, history, sim_exchange, snapshot, watch

COMMANDS = (snapshot, watch, history, sim_exchange, accounts)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adl-monitor",
        description="Warns you before an exchange auto-deleverages (ADL) your winning position. "
        "Without a subcommand the desktop app starts.",
    )
    parser.add_argument("--version", action="version", version=f"adl-monitor {__version__}")
    gui.add_arguments(parser)
    parser.set_defaults(func=gui.run)
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else sys.argv[1:])
    result: int = args.func(args)
    return result
