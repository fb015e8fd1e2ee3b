"""The desktop app (default command). Qt is imported only when it actually starts."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo", action="store_true", help="run on the simulated exchange")
    parser.add_argument("--scenario", default=None, help="simulator scenario for --demo")
    parser.add_argument("--config", default=None, help="config file (default: platform dir)")


def run(args: argparse.Namespace) -> int:
    from adl_monitor.ui.app import run_app

    return run_app(args)
