"""The banner that says the numbers are not real: running on the simulated exchange."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class DemoBanner(QFrame):
    add_account_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoBanner")
        self.setStyleSheet(
            "#demoBanner { background: #f0c419; border-radius: 4px; }"
            "#demoBanner QLabel { color: #1f2329; font-weight: bold; }"
        )
        self.label = QLabel("")
        self.button = QPushButton(self.tr("Add account"))
        self.button.clicked.connect(self.add_account_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    def show_demo(self, scenario: str | None, configured: bool) -> None:
        text = self.tr("Demo: simulated exchange, scenario {scenario} — not real money.").format(
            scenario=scenario or "calm"
        )
        if not configured:
            text += " " + self.tr("No account is configured yet.")
        self.label.setText(text)
        self.show()
