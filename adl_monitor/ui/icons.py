"""The app icon and the tray icons, loaded from the shipped resources (top-level `resources/`).

The files come through `importlib.resources` from the package `adl_monitor.resources`, so they
are found the same way installed, editable and frozen. The tray icons are one SVG per level,
drawn for 16 px (`packaging/render_icons.py` writes them from the level colours).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter

from adl_monitor.core.model.levels import Level

APP_ID = "io.github.adlmonitor.adlmonitor"
"""The reverse-DNS id: desktop entry, AppStream component, icon name, Qt desktop file name."""
APP_ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
TRAY_SIZES = (16, 22, 24, 32, 48, 64)
TRAY_RIM = "#1f2430"
"""The tray icon's rim and bars: dark, so the icon stands out on a light panel too."""


def resource_path(name: str) -> Path:
    """A shipped file, by its path inside `resources/` (e.g. "icons/tray/tray-red.svg")."""
    return Path(str(resources.files("adl_monitor.resources").joinpath(name)))


def app_icon_path() -> Path:
    return resource_path(f"icons/hicolor/scalable/apps/{APP_ID}.svg")


def app_icon_png(size: int) -> Path:
    """The app icon as a PNG (for notification daemons that do not render SVG)."""
    return resource_path(f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png")


@cache
def app_icon() -> QIcon:
    """The scalable icon; the PNGs (rendered from it by packaging/render_icons.py) only where
    Qt has no SVG icon engine (e.g. a bundle without the plugin).

    Not both: the SVG engine decodes every PNG added to it at once, 512 px included, and that
    cost the window ~11 ms before its first paint (issue 13) for pixels it renders the same."""
    icon = QIcon(str(app_icon_path()))
    if not icon.isNull():
        return icon
    icon = QIcon()
    for size in APP_ICON_SIZES:
        icon.addFile(str(app_icon_png(size)), QSize(size, size))
    return icon


def tray_icon_path(level: Level) -> Path:
    return resource_path(f"icons/tray/tray-{level.label}.svg")


@cache
def tray_icon(level: Level) -> QIcon:
    return QIcon(str(tray_icon_path(level)))


def tray_image(level: Level, size: int) -> QImage:
    """The tray icon of `level` rendered at `size` px (what a tray host shows)."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    tray_icon(level).paint(painter, 0, 0, size, size)
    painter.end()
    return image


def tray_probe_point(size: int) -> QPointF:
    """A point inside the disc and clear of the bars: its pixel has the level's colour."""
    return QPointF(size * 0.5, size * 0.25)
