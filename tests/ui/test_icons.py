"""The shipped icons: every size the desktop asks for, and tray icons a trader can read at 16 px
on a light panel and on a dark one."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QColor, QImage, QPainter

from adl_monitor.core.model.levels import Level
from adl_monitor.ui.colours import LEVEL_COLOURS
from adl_monitor.ui.icons import (
    APP_ICON_SIZES,
    app_icon,
    app_icon_png,
    tray_icon_path,
    tray_image,
    tray_probe_point,
)

LIGHT_PANEL = QColor("#f2f2f2")
DARK_PANEL = QColor("#262626")
MIN_CONTRAST = 3.0
"""WCAG's contrast ratio for graphical objects: what tells the icon apart from the panel."""


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def _contrast(a: QColor, b: QColor) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _on_panel(level: Level, panel: QColor, size: int = 16) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(panel)
    painter = QPainter(image)
    painter.drawImage(0, 0, tray_image(level, size))
    painter.end()
    return image


@pytest.mark.parametrize("size", APP_ICON_SIZES)
def test_app_icon_png_at_every_size(qapp, size: int) -> None:  # type: ignore[no-untyped-def]
    image = QImage(str(app_icon_png(size)))
    assert (image.width(), image.height()) == (size, size)
    assert not app_icon().pixmap(size, size).isNull()


def test_app_icon_without_an_svg_engine_comes_from_the_pngs(qapp, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A bundle without Qt's SVG icon plugin cannot read the scalable icon: the PNGs stand in."""
    from adl_monitor.ui import icons

    unreadable = tmp_path / "icon.scalable"  # a suffix no icon engine of this Qt claims
    unreadable.write_bytes(b"")
    monkeypatch.setattr(icons, "app_icon_path", lambda: unreadable)
    icon = icons.app_icon.__wrapped__()
    assert sorted(size.width() for size in icon.availableSizes()) == sorted(APP_ICON_SIZES)
    assert all(not icon.pixmap(size, size).isNull() for size in APP_ICON_SIZES)


@pytest.mark.parametrize("level", list(Level), ids=lambda level: level.label)
def test_tray_svg_uses_the_level_colour(level: Level) -> None:
    """The files are generated from `LEVEL_COLOURS`: regenerate them when a colour changes."""
    svg = tray_icon_path(level).read_text(encoding="utf-8")
    fill = re.search(r'<circle[^>]*fill="(#[0-9a-f]{6})"', svg)
    assert fill is not None and fill.group(1) == LEVEL_COLOURS[level], (
        "run packaging/render_icons.py"
    )


@pytest.mark.parametrize("level", list(Level), ids=lambda level: level.label)
@pytest.mark.parametrize("panel", [LIGHT_PANEL, DARK_PANEL], ids=["light", "dark"])
def test_tray_icon_is_legible_at_16_px(qapp, level: Level, panel: QColor) -> None:  # type: ignore[no-untyped-def]
    image = _on_panel(level, panel)
    standing_out = sum(
        _contrast(image.pixelColor(x, y), panel) >= MIN_CONTRAST
        for x in range(16)
        for y in range(16)
    )
    # A ring or a disc of at least ~40 px against the panel: the icon's outline reads.
    assert standing_out >= 40, f"only {standing_out} of 256 px stand out on {panel.name()}"
    probe = tray_probe_point(16).toPoint()
    assert image.pixelColor(probe).name() == LEVEL_COLOURS[level]


def test_levels_are_told_apart_at_16_px(qapp) -> None:  # type: ignore[no-untyped-def]
    probe = tray_probe_point(16).toPoint()
    colours = {tray_image(level, 16).pixelColor(probe).name() for level in Level}
    assert len(colours) == len(Level)
