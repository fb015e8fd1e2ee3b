"""Before its first paint the window loads only what a window needs: the engine's libraries
(ccxt, aiohttp, asyncio, the keyring, the notification library, the history database) and the
other subcommands load afterwards, on the engine thread or when a dialog opens (issue 13). Nor
does Python's collector sweep the freshly imported modules again and again on the way.

A real `adl-monitor --demo` start in a child process, stopped at the window's first paint.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

NOT_BEFORE_FIRST_PAINT = (
    "ccxt",
    "aiohttp",
    "asyncio",
    "keyring",
    "desktop_notifier",
    "sqlite3",
    "adl_monitor.exchanges",
    "adl_monitor.engine.runner",
    "adl_monitor.sim.server",
    "adl_monitor.storage.history",
    "adl_monitor.storage.secrets",
    "adl_monitor.wiring.sources",
    "adl_monitor.commands.snapshot",
    "adl_monitor.commands.sim_exchange",
    "adl_monitor.ui.accounts_dialog",
    "adl_monitor.ui.export_dialog",
    "adl_monitor.ui.settings_dialog",
)

PROBE = textwrap.dedent(
    """
    import gc, os, sys
    import adl_monitor.ui.timing_report as timing

    def full_collections():
        return gc.get_stats()[2]["collections"]

    def at_milestone(event):
        if event == "first-paint":
            print("MODULES", " ".join(sorted(sys.modules)), flush=True)
            print("FULL_COLLECTIONS", full_collections() - before, flush=True)
            os._exit(0)

    timing.report_once = at_milestone  # before the window's module takes its reference
    from adl_monitor.cli import main
    before = full_collections()
    main(["--demo"])
    os._exit(3)  # the app ended without painting
    """
)


def _at_first_paint() -> tuple[set[str], int]:
    """The modules loaded and the full garbage collections run from `main()` to the paint."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=180, env=env
    )
    said = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert result.returncode == 0 and "MODULES" in said, result.stderr[-2000:]
    return set(said["MODULES"].split()), int(said["FULL_COLLECTIONS"])


def _loaded(modules: set[str], name: str) -> bool:
    return name in modules or any(m.startswith(name + ".") for m in modules)


def test_the_window_paints_before_the_engine_libraries_load() -> None:
    modules, _ = _at_first_paint()  # in this test's own directories (tests/conftest.py)
    # The probe ran the real window up to its paint, so the absences below mean something.
    assert {"adl_monitor.ui.main_window", "PySide6.QtWidgets", "pyqtgraph"} <= modules
    early = [name for name in NOT_BEFORE_FIRST_PAINT if _loaded(modules, name)]
    assert early == [], f"loaded before the first paint: {early}"


def test_no_full_garbage_collection_runs_before_the_first_paint() -> None:
    """Start-up builds only long-lived objects (modules, classes, widgets): a full collection
    over them finds nothing and costs the first paint tens of milliseconds."""
    _, full_collections = _at_first_paint()
    assert full_collections == 0
