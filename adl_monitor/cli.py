"""Command line and composition root: parses arguments and hands over to one command module.

Each subcommand lives in `adl_monitor/commands/<name>.py` with `register(subparsers)`, which
adds its parser and sets `func(args) -> int`. With no subcommand the GUI starts. Heavy imports
(Qt, ccxt) happen inside the commands, so `--help` and `--version` stay instant.

Plain `adl-monitor [--demo] [--scenario NAME] [--config PATH]`, the desktop app, is parsed
without loading the subcommand modules at all: they bring in the simulator's aiohttp server and
the engine's sources, which the window does not need before its first paint (issue 13). Any
other command line — a subcommand, `--help`, `--version`, a typo — goes to the full parser, so
its answer and its errors are the same as ever.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from adl_monitor import __version__
from adl_monitor.commands import gui

COMMANDS = ("snapshot", "watch", "history", "sim_exchange", "accounts")
"""Modules under adl_monitor/commands/, imported only when the full parser is built."""


def _top_level(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    gui.add_arguments(parser)
    parser.set_defaults(func=gui.run)
    return parser


def _command_modules() -> list[ModuleType]:
    return [importlib.import_module(f"adl_monitor.commands.{name}") for name in COMMANDS]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="adl-monitor",
        description="Warns you before an exchange auto-deleverages (ADL) your winning position. "
        "Without a subcommand the desktop app starts.",
    )
    parser.add_argument("--version", action="version", version=f"adl-monitor {__version__}")
    _top_level(parser)
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for command in _command_modules():
        command.register(subparsers)
    return parser


def _desktop_only(argv: list[str]) -> argparse.Namespace | None:
    """The GUI's arguments when `argv` holds nothing else, else None (use the full parser).

    The GUI's options are a subset of the full parser's top level, parsed the same way, so
    whenever this parser takes every word the full one would give the same answer."""
    parser = _top_level(argparse.ArgumentParser(add_help=False, exit_on_error=False))
    try:
        args, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None
    return None if rest else args


def main(argv: Sequence[str] | None = None) -> int:
    words = list(argv) if argv is not None else sys.argv[1:]
    args = _desktop_only(words) or build_parser().parse_args(words)
    result: int = args.func(args)
    return result
