"""The colours of the common tier scale (docs/architecture.md), in one place for lights, tray and
charts."""

from __future__ import annotations

from PySide6.QtGui import QColor

from adl_monitor.core.model.levels import Level, level_for_tier

LEVEL_COLOURS: dict[Level, str] = {
    Level.NONE: "#8a8f98",  # grey: not in the queue, or unknown
    Level.GREEN: "#2fb344",
    Level.YELLOW: "#f0c419",
    Level.ORANGE: "#f2711c",
    Level.RED: "#db2828",
}
STALE_COLOUR = "#a7abb2"
"""Lights of data that is too old: a grey that never passes for a live tier."""


def level_colour(level: Level) -> QColor:
    return QColor(LEVEL_COLOURS[level])


def tier_colour(tier: int | None) -> QColor:
    return level_colour(level_for_tier(tier))
