"""Python's garbage collector runs on the GUI thread only.

The automatic collector runs on whichever thread happens to allocate when a threshold is
crossed — often the engine's or the simulator's. If the garbage it finds holds a Qt object (a
closed dialog's wrapper in a reference cycle with its lambdas, say), that object is destroyed on
a thread that does not own it, and Qt crashes the process (a segfault "while
garbage-collecting" on the engine thread, seen in CI). So the app turns automatic collection off
and collects from a timer on the GUI thread, generation by generation as the thresholds say —
the approach qutebrowser takes for the same reason. Reference counting, which frees almost
everything, is untouched: only cycles wait for the timer.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1_000


class GuiThreadGarbageCollector(QObject):
    """Owns collection while it lives; `stop()` gives it back to Python."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._was_enabled = gc.isenabled()

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()

    @staticmethod
    def collect_due() -> int:
        """Collect the oldest generation whose count passed its threshold (what the automatic
        collector would have done), here, on the GUI thread. Returns objects collected."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        due = [g for g in range(3) if counts[g] > thresholds[g]]
        return gc.collect(max(due)) if due else 0
