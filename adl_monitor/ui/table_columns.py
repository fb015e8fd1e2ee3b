"""The position table's columns: which show by default, how wide, and the header menu that
shows or hides them.

At the default window size (about 1,470 px on a 1,600 px screen) fifteen columns do not fit,
and what was cut off was the one that says what to do. So the default layout keeps the
Suggestion column visible: the lights are as wide as five lights need, the four figures a trader
rarely reads in the table (size in contracts, entry and mark price, uPnL in quote currency: all
in the detail panel, and the PnL % beside them is what the ranking reads) start hidden, every
shown column is at least as wide as its header title (a cut title such as "Leverage (e…" reads
as a fault), and Suggestion takes the rest of the width (its full text is in the tooltip and
the detail panel). A right click on the header brings any column back.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from adl_monitor.ui.position_model import Column

DEFAULT_WIDTHS: dict[Column, int] = {
    Column.ACCOUNT: 138,
    Column.SYMBOL: 115,
    Column.SIDE: 48,
    Column.EXCHANGE_TIER: 104,
    Column.ESTIMATED_TIER: 104,
    Column.VENUE_RISK: 66,
    Column.PNL_PCT: 66,
    Column.LEVERAGE: 96,
    Column.SIZE: 80,
    Column.NOTIONAL: 118,
    Column.ENTRY: 80,
    Column.MARK: 80,
    Column.UPNL: 80,
    Column.LIQUIDATION: 84,
    Column.UPDATED: 70,
}
HIDDEN_BY_DEFAULT = frozenset({Column.SIZE, Column.ENTRY, Column.MARK, Column.UPNL})
ALWAYS_SHOWN = frozenset({Column.SYMBOL, Column.SUGGESTION})
"""Columns the header menu will not hide: without them a row means nothing."""
MIN_SUGGESTION_WIDTH = 280


def apply_default_layout(table: QTableView) -> None:
    header = table.horizontalHeader()
    for column in Column:
        header.moveSection(header.visualIndex(column), column)
        header.setSectionHidden(column, column in HIDDEN_BY_DEFAULT)
    for column, width in DEFAULT_WIDTHS.items():
        table.setColumnWidth(column, max(width, header.sectionSizeHint(column)))
    header.setStretchLastSection(True)
    header.setMinimumSectionSize(40)


class ColumnMenu:
    """A right click on the header: a checkable entry per column."""

    def __init__(self, table: QTableView) -> None:
        self._table = table
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.popup)

    def build(self) -> QMenu:
        header: QHeaderView = self._table.horizontalHeader()
        model = self._table.model()
        menu = QMenu(self._table)
        for column in Column:
            title = model.headerData(column, Qt.Orientation.Horizontal)
            action = QAction(str(title), menu)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column not in ALWAYS_SHOWN)
            action.toggled.connect(lambda shown, c=column: header.setSectionHidden(c, not shown))
            menu.addAction(action)
        menu.addSeparator()
        reset = QAction(menu.tr("Reset columns"), menu)
        reset.triggered.connect(lambda: apply_default_layout(self._table))
        menu.addAction(reset)
        return menu

    def popup(self, position: QPoint) -> None:
        menu = self.build()
        menu.popup(self._table.horizontalHeader().mapToGlobal(position))
