"""Refuse to run on a Qt binding that leaks references to None, True and False.

PySide6 6.12.0 hands back the `None` (or `True`/`False`) of a C++ call without taking a new
reference. On Python 3.11 those objects are ordinary, reference-counted objects, so every
`processEvents()`, `setText()` or `resize()` lowers their count by one; in the app that is several
hundred a second, and after two or three minutes the interpreter aborts with
`Fatal Python error: none_dealloc` — losing the window at the moment a trader relies on it.
Python 3.12 made these objects immortal, which hides the bug there.

`pyproject.toml` keeps 6.12 off Python 3.11, but a binding installed some other way (a distro
package, a hand-upgraded venv) would still crash later. `leaking_singletons` measures the
binding in a fraction of a millisecond at start-up, so the app can say what is wrong in one
sentence instead.
"""

from __future__ import annotations

import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication

PROBE_CALLS = 200
"""Qt calls returning None made by the probe; a leaking binding loses one reference each."""
_TOLERANCE = PROBE_CALLS // 4
_qt_call_returning_none = QCoreApplication.processEvents


def leaking_singletons(calls: int = PROBE_CALLS) -> bool:
    """Whether a Qt call returning None drops None's reference count (needs a Q*Application)."""
    if sys.version_info >= (3, 12):
        return False  # None and the bools are immortal: the count cannot reach zero
    before = sys.getrefcount(None)
    for _ in range(calls):
        _qt_call_returning_none()
    return before - sys.getrefcount(None) > _TOLERANCE


def leak_sentence() -> str:
    major, minor = sys.version_info[:2]
    return (
        f"adl-monitor: PySide6 {pyside_version} on Python {major}.{minor} has a reference-count "
        "bug that crashes the app after a few minutes — install a working version with "
        "`pip install 'PySide6-Essentials>=6.8,<6.12'` (or use Python 3.12 or newer)."
    )
