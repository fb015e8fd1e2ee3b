"""Filtering of the positions table by account, venue, level and text; the order is the model's.

The proxy never sorts: `PositionTableModel` keeps its rows in the chosen order with one
Python sort per refresh (a `QSortFilterProxyModel` sort calls a Python `lessThan` ~10,000
times for 1,000 rows, ~50 ms on the GUI thread each second; benchmarks/gui_load.py). A header
click reaches `sort`, which hands the column to the model. Dynamic filtering is off too:
while a filter is set, a refresh re-filters once (`_refilter`), and with none set it costs
nothing.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from adl_monitor.core.model.levels import Level
from adl_monitor.ui.position_model import PositionTableModel, Role

AnyIndex = QModelIndex | QPersistentModelIndex


class PositionFilterProxy(QSortFilterProxyModel):
    """Filters rows; sorting is forwarded to the model.

    `account` and `venue` are exact names or None for all; `minimum_level` hides rows below it;
    the find box text matches any column's display text, case-insensitively.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account: str | None = None
        self._venue: str | None = None
        self._minimum_level = Level.NONE
        self._find_text = ""
        self._active = False  # any of the above set: asked for every row after a re-sort
        self.setSortRole(Role.SORT)
        self.setFilterKeyColumn(-1)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(False)

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        previous = self.sourceModel()
        if isinstance(previous, PositionTableModel):
            previous.values_changed.disconnect(self._refilter)
        super().setSourceModel(model)
        if isinstance(model, PositionTableModel):
            model.values_changed.connect(self._refilter)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model = self.sourceModel()
        if isinstance(model, PositionTableModel):
            model.sort(column, order)
        else:
            super().sort(column, order)

    def sortColumn(self) -> int:
        model = self.sourceModel()
        return model.sort_column() if isinstance(model, PositionTableModel) else -1

    def sortOrder(self) -> Qt.SortOrder:
        model = self.sourceModel()
        if isinstance(model, PositionTableModel):
            return model.sort_order()
        return Qt.SortOrder.AscendingOrder

    def _filtering(self) -> bool:
        return (
            self._account is not None
            or self._venue is not None
            or self._minimum_level > Level.NONE
            or bool(self._find_text)
        )

    def _refilter(self) -> None:
        """Rows whose values changed may now pass or fail the filter: ask again, once per
        refresh, and only while a filter is set."""
        if self._active:
            self.beginFilterChange()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_account(self, account: str | None) -> None:
        self.beginFilterChange()
        self._account = account or None
        self._active = self._filtering()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_venue(self, venue: str | None) -> None:
        self.beginFilterChange()
        self._venue = venue or None
        self._active = self._filtering()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_minimum_level(self, level: Level) -> None:
        self.beginFilterChange()
        self._minimum_level = level
        self._active = self._filtering()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_find_text(self, text: str) -> None:
        self._find_text = text
        self._active = self._filtering()
        self.setFilterFixedString(text)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not self._active:
            return True  # the usual case, asked for every row after a re-sort
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        if self._account is not None and index.data(Role.ACCOUNT) != self._account:
            return False
        if self._venue is not None and index.data(Role.VENUE) != self._venue:
            return False
        level = index.data(Role.LEVEL)
        if self._minimum_level > Level.NONE and (level is None or level < self._minimum_level):
            return False
        return super().filterAcceptsRow(source_row, source_parent)
