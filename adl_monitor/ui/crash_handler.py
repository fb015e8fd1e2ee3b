"""What happens when code on the GUI thread (or any thread) raises and nothing catches it.

PySide6 prints an uncaught exception in a slot to stderr and carries on, so a trader who started
the app from a menu never learns that something broke. The handler logs the traceback (scrubbed
of credentials like every record) and shows a short dialog with the log file's location. The
dialog names only the exception's type: its message may quote a reply or a URL, and the log is
the place for that. At most one dialog shows at a time, and repeats within a minute only log.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from adl_monitor.ui.gui_relay import GuiRelay, on_gui_thread

_log = logging.getLogger(__name__)

QUIET_SECONDS = 60.0


def crash_sentence(error_type: str, log_path: Path) -> str:
    return (
        f"ADL Monitor hit an unexpected error ({error_type}) and carried on. Monitoring may be "
        f"incomplete until you restart it. The details are in {log_path} — please include "
        "that file when you report the problem."
    )


class CrashHandler(GuiRelay):
    """Installs itself as `sys.excepthook` and `threading.excepthook` until `uninstall()`."""

    crashed = Signal(str)  # the sentence shown, on the GUI thread

    def __init__(
        self,
        log_path: Path,
        parent_widget: Callable[[], QWidget | None] = lambda: None,
        *,
        show_dialog: bool = True,
    ) -> None:
        super().__init__()
        self.log_path = log_path
        self._parent_widget = parent_widget
        self._show_dialog = show_dialog
        self._last_shown = -QUIET_SECONDS
        self._dialog: QMessageBox | None = None
        self._previous = (sys.excepthook, threading.excepthook)

    def install(self) -> None:
        sys.excepthook = self._on_exception
        threading.excepthook = self._on_thread_exception

    def uninstall(self) -> None:
        sys.excepthook, threading.excepthook = self._previous

    def _on_exception(
        self,
        error_type: type[BaseException],
        error: BaseException,
        traceback: TracebackType | None,
    ) -> None:
        if issubclass(error_type, KeyboardInterrupt):
            self._previous[0](error_type, error, traceback)
            return
        _log.error("uncaught %s", error_type.__name__, exc_info=(error_type, error, traceback))
        self._show(error_type.__name__)  # from any thread; shown on the GUI thread

    def _on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self._on_exception(args.exc_type, args.exc_value, args.exc_traceback)

    @on_gui_thread
    def _show(self, error_type: str) -> None:
        sentence = crash_sentence(error_type, self.log_path)
        self.crashed.emit(sentence)
        now = time.monotonic()
        if not self._show_dialog or self._dialog is not None:
            return
        if now - self._last_shown < QUIET_SECONDS:
            return
        self._last_shown = now
        dialog = QMessageBox(
            QMessageBox.Icon.Critical,
            self.tr("ADL Monitor: unexpected error"),
            sentence,
            QMessageBox.StandardButton.Ok,
            self._parent_widget(),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._forget_dialog)
        self._dialog = dialog
        dialog.open()

    def _forget_dialog(self) -> None:
        self._dialog = None
