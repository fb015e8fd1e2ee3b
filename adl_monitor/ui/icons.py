"""The app icon (an SVG resource) and the tray icons, drawn in each level's colour.

Tray icons are painted at run time rather than shipped as files: the colour is then always the
exact colour of the level (DESIGN.md §4), at whatever size the tray host asks for.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPen, QPixmap

from adl_monitor.core.levels import Level
from adl_monitor.ui.colours import level_colour

TRAY_SIZES = (16, 22, 24, 32, 48, 64)


def resource_path(name: str) -> Path:
    return Path(str(resources.files("adl_monitor") / "resources" / name))


@cache
def app_icon() -> QIcon:
    return QIcon(str(resource_path("adl-monitor.svg")))


def tray_image(level: Level, size: int) -> QImage:
    """A disc in the level's colour with three white bars (the ADL queue) in its lower half."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    colour = level_colour(level)
    painter.setPen(QPen(colour.darker(150), max(1.0, size / 16)))
    painter.setBrush(colour)
    margin = size * 0.06
    painter.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#ffffff"))
    bar_width = size * 0.13
    base = size * 0.74
    for i, height in enumerate((0.18, 0.28, 0.38)):
        left = size * 0.25 + i * size * 0.19
        painter.drawRoundedRect(
            QRectF(left, base - size * height, bar_width, size * height), size / 32, size / 32
        )
    painter.end()
    return image


def tray_probe_point(size: int) -> QPointF:
    """A point inside the disc and clear of the bars: its pixel has the level's colour."""
    return QPointF(size * 0.5, size * 0.2)


@cache
def tray_icon(level: Level) -> QIcon:
    icon = QIcon()
    for size in TRAY_SIZES:
        icon.addPixmap(QPixmap.fromImage(tray_image(level, size)))
    return icon
