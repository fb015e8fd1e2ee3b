"""Five lights per tier, in docs/architecture.md's colours; unknown and stale never look live."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QTableView

from adl_monitor.core.model.levels import Level
from adl_monitor.ui.colours import LEVEL_COLOURS, STALE_COLOUR
from adl_monitor.ui.position_model import Column, PositionTableModel, TierCell
from adl_monitor.ui.tier_delegate import TierLightsDelegate, light_centres, paint_lights
from tests.ui.conftest import make_risk, make_snapshot

CELL = QRect(0, 0, 160, 24)


def _paint(cell: TierCell) -> QImage:
    image = QImage(CELL.size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    paint_lights(painter, CELL, cell, QApplication.palette())
    painter.end()
    return image


def _centre_colours(image: QImage) -> list[str]:
    return [image.pixelColor(p.toPoint()).name() for p in light_centres(CELL)]


@pytest.mark.parametrize(
    ("tier", "level"),
    [(1, Level.GREEN), (2, Level.GREEN), (3, Level.YELLOW), (4, Level.ORANGE), (5, Level.RED)],
)
def test_lights_up_to_the_tier_in_its_colour(qapp, tier: int, level: Level) -> None:  # type: ignore[no-untyped-def]
    colours = _centre_colours(_paint(TierCell(tier, stale=False)))
    assert colours[:tier] == [LEVEL_COLOURS[level]] * tier
    assert colours[tier:] == ["#ffffff"] * (5 - tier)  # unlit: only an outline


def test_tier_zero_lights_nothing(qapp) -> None:  # type: ignore[no-untyped-def]
    assert _centre_colours(_paint(TierCell(0, stale=False))) == ["#ffffff"] * 5


def test_unknown_tier_is_five_grey_lights(qapp) -> None:  # type: ignore[no-untyped-def]
    assert _centre_colours(_paint(TierCell(None, stale=False))) == [LEVEL_COLOURS[Level.NONE]] * 5


def test_stale_red_is_not_red(qapp) -> None:  # type: ignore[no-untyped-def]
    image = _paint(TierCell(5, stale=True, age="2 min"))
    colours = _centre_colours(image)
    assert colours == [STALE_COLOUR] * 5
    assert LEVEL_COLOURS[Level.RED] not in colours
    # The age is written beside the lights: some dark text pixels right of the fifth light.
    right = int(light_centres(CELL)[-1].x()) + 12
    text_pixels = [
        (x, y)
        for x in range(right, CELL.width())
        for y in range(CELL.height())
        if image.pixelColor(x, y).lightness() < 200
    ]
    assert text_pixels


def test_delegate_paints_the_table_cell(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = PositionTableModel()
    model.set_snapshot(make_snapshot(make_risk(exchange_tier=4, estimated_tier=2)))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    delegate = TierLightsDelegate(view)
    view.setItemDelegateForColumn(Column.EXCHANGE_TIER, delegate)
    view.setColumnWidth(Column.EXCHANGE_TIER, 160)
    view.resize(2600, 200)
    view.show()
    qtbot.waitExposed(view)
    rect = view.visualRect(model.index(0, Column.EXCHANGE_TIER))
    image = view.viewport().grab().toImage()
    colours = [image.pixelColor(p.toPoint()).name() for p in light_centres(rect)]
    assert colours[:4] == [LEVEL_COLOURS[Level.ORANGE]] * 4
    assert colours[4] != LEVEL_COLOURS[Level.ORANGE]
    assert view.model().index(0, Column.EXCHANGE_TIER).data(Qt.ItemDataRole.DisplayRole) == "4/5"
