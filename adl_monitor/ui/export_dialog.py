"""File → Export history…: the recorded samples as CSV or JSON, as `history export` writes them.

The user picks an account, a symbol, a period and a format, then a file. Reading the database
and writing the file happen in a background job (a year of history is a few hundred thousand
rows); the result comes back on the GUI thread as one sentence through `finished_export`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from adl_monitor.storage.history_export import EVERYTHING, ExportFilter
from adl_monitor.ui.background_jobs import BackgroundJobs

_log = logging.getLogger(__name__)

ALL = ""
PERIODS: tuple[tuple[str, timedelta | None], ...] = (
    ("Everything kept", None),
    ("Last 24 hours", timedelta(hours=24)),
    ("Last 7 days", timedelta(days=7)),
    ("Last 30 days", timedelta(days=30)),
)


def export_history(history_path: Path, what: ExportFilter, form: str, out: Path) -> str:
    """Write the export and say what happened, in one sentence (also on failure)."""
    from adl_monitor.storage.history import History
    from adl_monitor.storage.history_export import export_text, write_private

    if not history_path.exists():
        return f"Nothing to export: there is no history at {history_path} yet."
    history = History(history_path)
    try:
        text, count = export_text(history, what, form)
    finally:
        history.close()
    try:
        write_private(out, text)
    except OSError as error:
        return f"Could not write {out}: {error.strerror or error}."
    return f"Exported {count} sample{'s' if count != 1 else ''} to {out}."


class ExportDialog(QDialog):
    """Choose what to export; `finished_export(sentence)` follows once the file is written."""

    finished_export = Signal(str)

    def __init__(
        self,
        history_path: Path,
        positions: list[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        """`positions`: (account, symbol) pairs to offer, e.g. those in the table."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export history"))
        self.history_path = history_path
        self.account = QComboBox()
        self.account.addItem(self.tr("All accounts"), ALL)
        for name in sorted({account for account, _ in positions}):
            self.account.addItem(name, name)
        self.symbol = QComboBox()
        self.symbol.addItem(self.tr("All symbols"), ALL)
        for symbol in sorted({symbol for _, symbol in positions}):
            self.symbol.addItem(symbol, symbol)
        self.period = QComboBox()
        for label, age in PERIODS:
            self.period.addItem(self.tr(label), age)
        self.form = QComboBox()
        self.form.addItem(self.tr("CSV (one row per refresh)"), "csv")
        self.form.addItem(self.tr("JSON (samples, alerts, account events)"), "json")

        fields = QFormLayout()
        fields.addRow(self.tr("Account"), self.account)
        fields.addRow(self.tr("Symbol"), self.symbol)
        fields.addRow(self.tr("Period"), self.period)
        fields.addRow(self.tr("Format"), self.form)
        note = QLabel(
            self.tr("The file holds figures only, never a key. It is readable by you only.")
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._choose_file)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(fields)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self._jobs = BackgroundJobs("export", self)

    def selection(self) -> tuple[ExportFilter, str]:
        age = self.period.currentData()
        since = datetime.now(UTC) - age if isinstance(age, timedelta) else EVERYTHING
        account = self.account.currentData() or None
        symbol = self.symbol.currentData() or None
        return ExportFilter(since, account, symbol), str(self.form.currentData())

    def _choose_file(self) -> None:
        _, form = self.selection()
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
        suggested = str(Path.home() / f"adl-monitor-history-{stamp}.{form}")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export history to"), suggested, f"{form.upper()} (*.{form})"
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, out: Path) -> None:
        """Export the current selection to `out` off the GUI thread."""
        what, form = self.selection()
        self.setEnabled(False)

        self._jobs.run(
            lambda: export_history(self.history_path, what, form, out),
            self._exported,
            self._export_failed,
        )

    def _exported(self, sentence: str) -> None:
        self.finished_export.emit(sentence)
        self.accept()

    def _export_failed(self, error: BaseException) -> None:
        """Never a dead dialog: say it, and log the rest."""
        _log.warning("export failed", exc_info=error)
        self._exported(f"The export failed ({type(error).__name__}) — see the log file.")
