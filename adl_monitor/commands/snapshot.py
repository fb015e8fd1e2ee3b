"""`adl-monitor snapshot` (not built yet)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("snapshot", help="(not built yet)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print("adl-monitor snapshot: not built yet", file=sys.stderr)
    return 1
