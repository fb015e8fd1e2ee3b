"""The positions table: one row per open position, both ADL numbers side by side.

Rows are updated in place, appended and removed, and the table keeps itself in the order the
user chose (`sort`, one Python sort per refresh and only when the order moved,
`position_order`); every move goes through `layoutChanged` with the persistent indexes
updated, so the view's selection and scroll position survive a snapshot. A refresh signals
`dataChanged` only for rows whose shown values changed, in runs of consecutive rows. Each
row's display strings and colours are formatted once, when first painted after a change:
1,000 positions changing every second must not cost the GUI thread (benchmarks/gui_load.py).
Every value is formatted here, never computed: tiers, scores, levels and advice come from the
engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from adl_monitor.core.model.position import PositionId
from adl_monitor.core.model.snapshot import PositionRisk, Snapshot
from adl_monitor.core.venues.display_names import venue_display_name
from adl_monitor.ui import formatting as fmt
from adl_monitor.ui.position_column import Column
from adl_monitor.ui.position_order import SORT_VALUES, sorted_rows
from adl_monitor.ui.position_tooltips import cell_tooltip, header_tooltip
from adl_monitor.ui.venue_risk_text import venue_risk_colour, venue_risk_word

__all__ = ["Column", "PositionTableModel", "Role", "TierCell"]

AnyIndex = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("PositionTableModel", text)


_COLUMN_COUNT = len(Column)


class Role(IntEnum):
    SORT = Qt.ItemDataRole.UserRole + 1  # a Python value the sort compares
    TIER = Qt.ItemDataRole.UserRole + 2  # TierCell for the lights delegate
    KEY = Qt.ItemDataRole.UserRole + 3  # (account, symbol, side)
    ACCOUNT = Qt.ItemDataRole.UserRole + 4
    VENUE = Qt.ItemDataRole.UserRole + 5
    LEVEL = Qt.ItemDataRole.UserRole + 6  # int(Level)
    RISK = Qt.ItemDataRole.UserRole + 7  # the PositionRisk itself


@dataclass(frozen=True, slots=True)
class TierCell:
    """What the lights delegate draws: a tier (None = unknown), and whether it is too old."""

    tier: int | None
    stale: bool
    age: str = ""


_NUMERIC = {
    Column.SIZE,
    Column.NOTIONAL,
    Column.ENTRY,
    Column.MARK,
    Column.UPNL,
    Column.PNL_PCT,
    Column.LEVERAGE,
    Column.LIQUIDATION,
}
_ALIGNMENT = tuple(
    int(
        (Qt.AlignmentFlag.AlignRight if column in _NUMERIC else Qt.AlignmentFlag.AlignLeft)
        | Qt.AlignmentFlag.AlignVCenter
    )
    for column in Column
)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_UPDATED = int(Column.UPDATED)
_GAIN = QColor("#2fb344")
_LOSS = QColor("#db2828")


@dataclass(frozen=True, slots=True)
class _Cells:
    """One row as painted: display text and foreground colour per column (UPDATED's text is
    not kept: it is an age, computed at paint time)."""

    display: tuple[str | None, ...]
    foreground: tuple[QColor | None, ...]


def _header(column: Column) -> str:
    tr = _tr
    return {
        Column.ACCOUNT: tr("Account"),
        Column.SYMBOL: tr("Symbol"),
        Column.SIDE: tr("Side"),
        Column.SIZE: tr("Size"),
        Column.NOTIONAL: tr("Notional"),
        Column.ENTRY: tr("Entry"),
        Column.MARK: tr("Mark"),
        Column.UPNL: tr("uPnL"),
        Column.PNL_PCT: tr("PnL %"),
        Column.LEVERAGE: tr("Leverage (eff.)"),
        Column.LIQUIDATION: tr("Liq. price"),
        Column.EXCHANGE_TIER: tr("Exchange tier"),
        Column.ESTIMATED_TIER: tr("Estimated tier"),
        Column.VENUE_RISK: tr("Venue risk"),
        Column.UPDATED: tr("Updated"),
        Column.SUGGESTION: tr("Suggestion"),
    }[column]


def _shown(risk: PositionRisk) -> tuple[Any, ...]:
    """What the row's cells show (times aside: ages move with `tick`). Two readings with the
    same values here paint the same row, so a refresh that only re-read it signals nothing."""
    reading, estimate, venue = risk.exchange_adl, risk.estimate, risk.venue_risk
    return (
        risk.position,
        reading.tier if reading is not None else None,
        (estimate.tier, estimate.score) if estimate is not None else None,
        venue.level if venue is not None else None,
        risk.advice.text if risk.advice is not None else None,
        risk.effective_leverage,
        risk.pnl_pct,
        risk.stale,
        risk.adl_hit,
        risk.adl_evidence,
        risk.closed_unconfirmed,
    )


def _runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Ascending row numbers as (first, last) runs of consecutive rows: one signal per run, so
    a snapshot that changes a few of 1,000 rows repaints only those (benchmarks/)."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


class PositionTableModel(QAbstractTableModel):
    """Rows of `PositionRisk`, keyed by (account, symbol, side), in the chosen order."""

    values_changed = Signal()  # once per snapshot that changed some row's shown values

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # One entry per row in each list, in display order.
        self._rows: list[PositionRisk] = []
        self._keys: list[PositionId] = []
        self._shown: list[tuple[Any, ...]] = []  # `_shown(row)`, to tell what a refresh changed
        self._cells: list[_Cells | None] = []  # formatted when first painted
        self._row_of: dict[PositionId, int] = {}
        self._now = datetime.now(UTC)
        self._sort_column = int(Column.EXCHANGE_TIER)
        self._sort_order = Qt.SortOrder.DescendingOrder
        self.defer_sort = False
        """True (the window): a refresh that only changed values re-sorts in the event loop's
        next pass, so the new values and the new order are not one long stall."""
        self._sort_soon = QTimer(self)
        self._sort_soon.setSingleShot(True)
        self._sort_soon.setInterval(0)
        self._sort_soon.timeout.connect(self._resort)

    # -- updates -------------------------------------------------------------------------
    def set_snapshot(self, snapshot: Snapshot) -> None:
        """Update rows in place, drop closed positions, append new ones, then re-sort once
        (only if the order moved)."""
        self._now = max(self._now, snapshot.generated_at)
        incoming = {risk.position.key: risk for risk in snapshot.positions}
        gone = [row for row, key in enumerate(self._keys) if key not in incoming]
        for first, last in reversed(_runs(gone)):
            self.beginRemoveRows(QModelIndex(), first, last)
            for column in (self._rows, self._keys, self._shown, self._cells):
                del column[first : last + 1]
            self.endRemoveRows()
        changed: list[int] = []
        shown = self._shown
        for row, key in enumerate(self._keys):
            new = incoming.pop(key)
            if new is not self._rows[row]:
                self._rows[row] = new
                now_shown = _shown(new)
                if now_shown != shown[row]:
                    shown[row] = now_shown
                    self._cells[row] = None
                    changed.append(row)
        for first, last in _runs(changed):
            self.dataChanged.emit(self.index(first, 0), self.index(last, _COLUMN_COUNT - 1))
        if incoming:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(incoming) - 1)
            self._rows.extend(incoming.values())
            self._keys.extend(incoming)
            self._shown.extend(_shown(risk) for risk in incoming.values())
            self._cells.extend([None] * len(incoming))
            self.endInsertRows()
        if gone or incoming:
            self._index_keys()
        if self.defer_sort and not (gone or incoming):
            self._sort_soon.start()
        else:
            self._resort()
        if changed:
            self.values_changed.emit()

    def tick(self, now: datetime | None = None) -> None:
        """Let ages move on between snapshots (called by a one-second timer): the "Updated"
        column, and the tier lights of stale rows (their age is drawn beside the lights)."""
        self._now = now or datetime.now(UTC)
        if not self._rows:
            return
        last = len(self._rows) - 1
        self.dataChanged.emit(
            self.index(0, Column.UPDATED),
            self.index(last, Column.UPDATED),
            [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole],
        )
        stale = [row for row, risk in enumerate(self._rows) if risk.stale]
        for first, last in _runs(stale):
            self.dataChanged.emit(
                self.index(first, Column.EXCHANGE_TIER),
                self.index(last, Column.ESTIMATED_TIER),
                [Role.TIER],
            )

    # -- order ---------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by `column` (-1: keep them as they are) from now on."""
        self._sort_column, self._sort_order = column, order
        self._resort()

    def sort_column(self) -> int:
        return self._sort_column

    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    def _resort(self) -> None:
        """Move the rows into the chosen order, as one layout change with the persistent
        indexes (the selection, the current row) following their rows."""
        self._sort_soon.stop()
        if self._sort_column < 0 or len(self._rows) < 2:
            return
        order = sorted_rows(self._rows, self._keys, self._sort_column, self._sort_order)
        if all(new == old for new, old in enumerate(order)):
            return
        self.layoutAboutToBeChanged.emit()
        new_row = [0] * len(order)
        for new, old in enumerate(order):
            new_row[old] = new
        self._rows = [self._rows[old] for old in order]
        self._keys = [self._keys[old] for old in order]
        self._shown = [self._shown[old] for old in order]
        self._cells = [self._cells[old] for old in order]
        self._index_keys()
        before = self.persistentIndexList()
        after = [self.index(new_row[index.row()], index.column()) for index in before]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _index_keys(self) -> None:
        self._row_of = {key: row for row, key in enumerate(self._keys)}

    # -- lookups -------------------------------------------------------------------------
    def risk_at(self, row: int) -> PositionRisk:
        return self._rows[row]

    def row_of(self, key: PositionId) -> int | None:
        return self._row_of.get(key)

    def risks(self) -> tuple[PositionRisk, ...]:
        return tuple(self._rows)

    # -- Qt model API --------------------------------------------------------------------
    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        """One Python call per index (Qt's own asks `rowCount` and `columnCount` each time,
        thousands of times per re-sort)."""
        if parent.isValid() or not (0 <= row < len(self._rows) and 0 <= column < _COLUMN_COUNT):
            return QModelIndex()
        return self.createIndex(row, column)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMN_COUNT

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < _COLUMN_COUNT:
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return _header(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return header_tooltip(column)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()  # -1 for an invalid index
        if not 0 <= row < len(self._rows):
            return None
        column = index.column()
        if role == _DISPLAY:
            if column == _UPDATED:
                return self._updated_text(self._rows[row])
            return self._cells_at(row).display[column]
        if role == _ALIGN:
            return _ALIGNMENT[column]
        if role == _FOREGROUND:
            return self._cells_at(row).foreground[column]
        if role < Role.SORT and role != _TOOLTIP:
            return None  # the many roles a view asks of every cell and we leave to the style
        risk = self._rows[row]
        if role == _TOOLTIP:
            return cell_tooltip(risk, Column(column), self._now)
        if role == Role.SORT:
            return SORT_VALUES[Column(column)](risk)
        if role == Role.TIER:
            return self._tier_cell(risk, Column(column))
        if role == Role.KEY:
            return risk.key
        if role == Role.ACCOUNT:
            return risk.position.account
        if role == Role.VENUE:
            return risk.position.exchange
        if role == Role.LEVEL:
            return int(risk.level)
        if role == Role.RISK:
            return risk
        return None

    def _cells_at(self, row: int) -> _Cells:
        cells = self._cells[row]
        if cells is None:
            risk = self._rows[row]
            cells = self._cells[row] = _Cells(
                tuple(
                    None if column is Column.UPDATED else self._display(risk, column)
                    for column in Column
                ),
                tuple(self._foreground(risk, column) for column in Column),
            )
        return cells

    # -- cell contents -------------------------------------------------------------------
    def _age(self, moment: datetime | None) -> float | None:
        return fmt.age_seconds(moment, self._now)

    def _updated_text(self, risk: PositionRisk) -> str:
        seconds = self._age(risk.fetched_at)
        if risk.stale:
            return self.tr("stale {age}").format(age=fmt.age(seconds))
        return self.tr("{age} ago").format(age=fmt.age(seconds))

    def _display(self, risk: PositionRisk, column: Column) -> str | None:
        p = risk.position
        if column is Column.ACCOUNT:
            return f"{p.account} · {venue_display_name(p.exchange)}"
        if column is Column.SYMBOL:
            return p.symbol
        if column is Column.SIDE:
            return self.tr("Long") if p.side.value == "long" else self.tr("Short")
        if column is Column.SIZE:
            return fmt.size(p.contracts)
        if column is Column.NOTIONAL:
            return f"{fmt.amount(p.notional)} {p.settle}"
        if column is Column.ENTRY:
            return fmt.price(p.entry_price)
        if column is Column.MARK:
            return fmt.price(p.mark_price)
        if column is Column.UPNL:
            return fmt.signed_amount(p.unrealized_pnl)
        if column is Column.PNL_PCT:
            return fmt.percent(risk.pnl_pct)
        if column is Column.LEVERAGE:
            return f"{fmt.leverage(p.leverage)} ({fmt.leverage(risk.effective_leverage)})"
        if column is Column.LIQUIDATION:
            return fmt.price(p.liquidation_price)
        if column is Column.EXCHANGE_TIER:
            tier = risk.exchange_adl.tier if risk.exchange_adl is not None else None
            return self.tr("unknown") if tier is None else f"{tier}/5"
        if column is Column.ESTIMATED_TIER:
            estimate = risk.estimate
            if estimate is not None and estimate.tier == 0:
                return self.tr("not in queue")  # Hyperliquid queues only profitable positions
            return self.tr("unknown") if estimate is None else f"{estimate.tier}/5"
        if column is Column.VENUE_RISK:
            return venue_risk_word(risk.venue_risk)
        if column is Column.UPDATED:
            return self._updated_text(risk)
        return self._suggestion_text(risk)

    def _suggestion_text(self, risk: PositionRisk) -> str:
        """A position the venue auto-deleveraged (or that vanished unexplained) says so here,
        for the one reading it is kept (docs/adl-evidence.md)."""
        venue = venue_display_name(risk.position.exchange)
        if risk.adl_hit:
            evidence = risk.adl_evidence or venue
            return self.tr("Auto-deleveraged ({evidence})").format(evidence=evidence)
        if risk.closed_unconfirmed:
            return self.tr("Closed — possibly auto-deleveraged, not confirmed by {venue}").format(
                venue=venue
            )
        return risk.advice.text if risk.advice is not None else ""

    def _foreground(self, risk: PositionRisk, column: Column) -> QColor | None:
        palette = QGuiApplication.palette()
        if risk.stale:
            return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if column is Column.VENUE_RISK:
            return venue_risk_colour(risk.venue_risk)
        if column in (Column.UPNL, Column.PNL_PCT):
            pnl = risk.position.unrealized_pnl
            if pnl > 0:
                return _GAIN
            if pnl < 0:
                return _LOSS
        return None

    def _tier_cell(self, risk: PositionRisk, column: Column) -> TierCell | None:
        age = fmt.age(self._age(risk.fetched_at))
        if column is Column.EXCHANGE_TIER:
            tier = risk.exchange_adl.tier if risk.exchange_adl is not None else None
            return TierCell(tier, risk.stale, age)
        if column is Column.ESTIMATED_TIER:
            return TierCell(risk.estimate.tier if risk.estimate else None, risk.stale, age)
        return None
