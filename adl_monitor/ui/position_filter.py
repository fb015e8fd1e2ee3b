"""Sorting and filtering of the positions table: riskiest first, by account, venue, level, text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from adl_monitor.core.levels import Level
from adl_monitor.ui.position_model import Column, PositionTableModel, Role

AnyIndex = QModelIndex | QPersistentModelIndex


def _comparable(value: Any) -> tuple[int, Any]:
    """None sorts below everything, whatever the type of the other values."""
    return (0, 0) if value is None else (1, value)


class PositionFilterProxy(QSortFilterProxyModel):
    """Compares the model's Python sort values (tuples included) and filters rows.

    `account` and `venue` are exact names or None for all; `minimum_level` hides rows below it;
    the find box text matches any column's display text, case-insensitively.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account: str | None = None
        self._venue: str | None = None
        self._minimum_level = Level.NONE
        self.setSortRole(Role.SORT)
        self.setFilterKeyColumn(-1)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(True)
        self.sort(Column.EXCHANGE_TIER, Qt.SortOrder.DescendingOrder)

    def set_account(self, account: str | None) -> None:
        self.beginFilterChange()
        self._account = account or None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_venue(self, venue: str | None) -> None:
        self.beginFilterChange()
        self._venue = venue or None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_minimum_level(self, level: Level) -> None:
        self.beginFilterChange()
        self._minimum_level = level
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_find_text(self, text: str) -> None:
        self.setFilterFixedString(text)

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, PositionTableModel):
            return bool(super().lessThan(left, right))
        # Straight to the model's cached sort values: no trip through Qt per comparison.
        a = _comparable(model.sort_value(left.row(), left.column()))
        b = _comparable(model.sort_value(right.row(), right.column()))
        if a != b:
            return bool(a < b)
        # Ties keep a stable, meaningful order: by account, then symbol.
        key_a = model.risk_at(left.row()).key
        key_b = model.risk_at(right.row()).key
        if self.sortOrder() == Qt.SortOrder.DescendingOrder:
            return bool(key_a > key_b)
        return bool(key_a < key_b)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        unfiltered = self._account is None and self._venue is None
        if (
            unfiltered
            and self._minimum_level == Level.NONE
            and not self.filterRegularExpression().pattern()
        ):
            return True  # the usual case, asked for every changed row: no trip through Qt
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
