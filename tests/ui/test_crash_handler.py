"""An uncaught error is logged (scrubbed) and told in a short dialog naming the log file."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from adl_monitor.logging_setup import remember_secret, setup_logging
from adl_monitor.ui.crash_handler import CrashHandler


@pytest.mark.qt_log_ignore("propagateSizeHints")  # offscreen's limits
def test_an_uncaught_error_is_logged_and_shown_without_its_secret(  # type: ignore[no-untyped-def]
    qtbot, capsys
) -> None:
    log_path = setup_logging()
    marker = "SECRETMARKER-7f3a9c"
    remember_secret(marker)
    handler = CrashHandler(log_path)
    handler.install()
    try:

        def boom() -> None:
            raise ValueError(f"venue said apiKey={marker} and more: {marker}")

        with qtbot.waitSignal(handler.crashed, timeout=10_000) as crashed:
            thread = threading.Thread(target=boom)
            thread.start()
            thread.join()
        sentence = crashed.args[0]
        assert "ValueError" in sentence and str(log_path) in sentence
        assert marker not in sentence

        qtbot.waitUntil(
            lambda: any(
                isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()
            )
        )
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
        assert all(marker not in d.text() for d in dialogs)
        assert any(str(log_path) in d.text() for d in dialogs)

        terminal = capsys.readouterr().err
        assert "uncaught ValueError" in terminal and "Traceback" not in terminal

        text = log_path.read_text(encoding="utf-8")
        assert "Traceback" in text and "ValueError" in text
        assert marker not in text

        # A second error within the quiet minute logs but opens no second dialog.
        for d in dialogs:
            d.done(0)
        with qtbot.waitSignal(handler.crashed, timeout=10_000):
            handler._on_exception(RuntimeError, RuntimeError("again"), None)
        qtbot.wait(100)
        assert not any(
            isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()
        )
    finally:
        handler.uninstall()
