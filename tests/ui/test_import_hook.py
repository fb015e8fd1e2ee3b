"""Importing the UI leaves Python's own import function in place, so a module imported later
(ccxt's thousand, on the engine thread) is not read into `linecache` by shiboken's hook."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_modules_imported_after_the_ui_are_not_read_into_linecache() -> None:
    probe = textwrap.dedent(
        """
        import builtins, linecache
        import adl_monitor.ui.app  # PySide6, pyqtgraph and the whole window
        assert getattr(builtins.__import__, "__name__", "") == "__import__", builtins.__import__
        before = len(linecache.cache)
        import ccxt.async_support  # what the engine thread imports after the first paint
        print(len(linecache.cache) - before)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    # With shiboken's hook: ~600 entries, one per ccxt module; without it, only the few that
    # attrs and dataclasses register for their generated methods.
    assert int(result.stdout.strip()) < 100
