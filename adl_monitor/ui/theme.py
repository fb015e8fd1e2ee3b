"""Light and dark follow the system: Fusion style with a palette for the current colour scheme."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


def dark_palette() -> QPalette:
    palette = QPalette()
    role = QPalette.ColorRole
    window, base, text = QColor("#1f2329"), QColor("#16191d"), QColor("#e6e8eb")
    palette.setColor(role.Window, window)
    palette.setColor(role.WindowText, text)
    palette.setColor(role.Base, base)
    palette.setColor(role.AlternateBase, QColor("#23272e"))
    palette.setColor(role.ToolTipBase, QColor("#2b3038"))
    palette.setColor(role.ToolTipText, text)
    palette.setColor(role.PlaceholderText, QColor("#8a8f98"))
    palette.setColor(role.Text, text)
    palette.setColor(role.Button, QColor("#2a2f36"))
    palette.setColor(role.ButtonText, text)
    palette.setColor(role.BrightText, QColor("#ff6b6b"))
    palette.setColor(role.Link, QColor("#6ea8fe"))
    palette.setColor(role.Highlight, QColor("#2f6fd6"))
    palette.setColor(role.HighlightedText, QColor("#ffffff"))
    palette.setColor(role.Mid, QColor("#5a606a"))
    palette.setColor(role.Dark, QColor("#121417"))
    palette.setColor(role.Light, QColor("#3a4049"))
    disabled = QPalette.ColorGroup.Disabled
    for item in (role.Text, role.WindowText, role.ButtonText):
        palette.setColor(disabled, item, QColor("#6c717a"))
    return palette


def is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication) -> None:
    """Fusion everywhere (consistent lights and tables); palette by the system's scheme."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if is_dark() else app.style().standardPalette())


def follow_system_theme(app: QApplication) -> None:
    apply_theme(app)
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_theme(app))
