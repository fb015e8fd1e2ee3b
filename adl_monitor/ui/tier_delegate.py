"""Draws a tier as five lights (docs/architecture.md): lit up to the tier in the tier's colour.

Unknown tiers are five grey lights with a question mark; stale tiers keep their count but lose
their colour and carry their age ("stale 2 min"), so an old red never looks like a current one.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPointF, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from adl_monitor.core.model.levels import MAX_TIER, Level
from adl_monitor.ui.colours import LEVEL_COLOURS, STALE_COLOUR, tier_colour
from adl_monitor.ui.position_model import Role, TierCell

AnyIndex = QModelIndex | QPersistentModelIndex

DIAMETER = 11
GAP = 4
PADDING = 6


def light_centres(rect: QRect) -> list[QPointF]:
    """Where the five lights sit inside a cell (also what tests sample)."""
    y = rect.top() + rect.height() / 2
    x0 = rect.left() + PADDING + DIAMETER / 2
    return [QPointF(x0 + i * (DIAMETER + GAP), y) for i in range(MAX_TIER)]


def lights_width() -> int:
    return 2 * PADDING + MAX_TIER * DIAMETER + (MAX_TIER - 1) * GAP


_LIGHTS: dict[tuple[int | None, bool, int, int, float], QPixmap] = {}
"""The five lights as a picture per (tier, stale, cell height, outline colour, pixel ratio):
two columns of ~30 visible rows repaint every second, and five antialiased circles each cost
more than the rest of the row (benchmarks/gui_load.py)."""


def _draw_lights(painter: QPainter, rect: QRect, cell: TierCell, outline: QColor) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    if cell.tier is None:
        lit_colour = QColor(LEVEL_COLOURS[Level.NONE])
        lit = MAX_TIER
    else:
        lit_colour = QColor(STALE_COLOUR) if cell.stale else tier_colour(cell.tier)
        lit = cell.tier
    for number, centre in enumerate(light_centres(rect), start=1):
        if number <= lit:
            painter.setPen(QPen(lit_colour.darker(130), 1))
            painter.setBrush(lit_colour)
        else:
            painter.setPen(QPen(outline, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(centre, DIAMETER / 2, DIAMETER / 2)


def _lights(cell: TierCell, height: int, outline: QColor, ratio: float) -> QPixmap:
    key = (cell.tier, cell.stale, height, outline.rgba(), ratio)
    pixmap = _LIGHTS.get(key)
    if pixmap is None:
        if len(_LIGHTS) > 64:  # a theme or screen change: start again
            _LIGHTS.clear()
        pixmap = QPixmap(QSize(lights_width(), height) * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        _draw_lights(painter, QRect(0, 0, lights_width(), height), cell, outline)
        painter.end()
        pixmap = _LIGHTS[key] = pixmap
    return pixmap


def paint_lights(painter: QPainter, rect: QRect, cell: TierCell, palette: QPalette) -> None:
    """Paint five lights for `cell` into `rect` (the cell's rectangle)."""
    painter.save()
    outline = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Mid)
    ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
    painter.drawPixmap(rect.topLeft(), _lights(cell, rect.height(), outline, ratio))
    note = "?" if cell.tier is None else ""
    if cell.stale:
        note = QApplication.translate("TierLightsDelegate", "stale {age}").format(age=cell.age)
    if note:
        text_rect = QRect(rect)
        text_rect.setLeft(rect.left() + lights_width() - PADDING // 2)
        font = painter.font()
        if cell.stale:
            font.setPointSizeF(font.pointSizeF() * 0.85)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        elided = painter.fontMetrics().elidedText(
            note, Qt.TextElideMode.ElideRight, text_rect.width()
        )
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter), elided)
    painter.restore()


class TierLightsDelegate(QStyledItemDelegate):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        cell = index.data(Role.TIER)
        if not isinstance(cell, TierCell):
            super().paint(painter, option, index)
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.text = ""
        style = item.widget.style() if item.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, item.widget)
        paint_lights(painter, option.rect, cell, option.palette)

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        base = super().sizeHint(option, index)
        cell = index.data(Role.TIER)
        extra = (
            option.fontMetrics.horizontalAdvance("stale 59 min ")
            if (isinstance(cell, TierCell) and cell.stale)
            else 12
        )
        return QSize(lights_width() + extra, max(base.height(), DIAMETER + 8))
