"""The desktop app (default command). Qt is imported only when it actually starts.

The root's side of the GUI: it builds the engine sessions (adl_monitor/wiring/desktop.py) and
hands them to the window, which opens no sources itself."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from adl_monitor.sim.scenarios import SCENARIOS

NO_DISPLAY = (
    "adl-monitor: no graphical display found (DISPLAY and WAYLAND_DISPLAY are not set). "
    "On a server use `adl-monitor watch` or `adl-monitor snapshot` instead."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo", action="store_true", help="run on the simulated exchange")
    parser.add_argument(
        "--scenario", default=None, choices=sorted(SCENARIOS), help="simulator scenario for --demo"
    )
    parser.add_argument("--config", default=None, help="config file (default: platform dir)")


def has_display() -> bool:
    """On Linux/BSD Qt aborts the process without a display; say so in words instead."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return True
    if os.environ.get("QT_QPA_PLATFORM"):
        return True  # the user chose a platform plugin (offscreen, vnc, eglfs…)
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args: argparse.Namespace) -> int:
    if not has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    # The app collects garbage itself, on the GUI thread (ui/gui_thread_gc.py). Until its
    # collector starts, none at all: the imports and the window build only long-lived objects,
    # and full collections over them cost the first paint tens of milliseconds (issue 13).
    collecting = gc.isenabled()
    gc.disable()
    try:
        from adl_monitor.ui.app import run_app
        from adl_monitor.wiring.desktop import desktop_wiring

        config_path = Path(args.config).expanduser() if args.config else None
        return run_app(desktop_wiring(config_path, args.demo, args.scenario))
    finally:
        if collecting:
            gc.enable()
