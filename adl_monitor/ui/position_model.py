"""The positions table: one row per open position, both ADL numbers side by side.

Rows keep their place across refreshes (updated in place, appended, removed) so the view's
selection and scroll position survive a snapshot; ordering is the proxy's job
(`position_filter.PositionFilterProxy`). Every value is formatted here, never computed: tiers,
scores, levels and advice come from the engine.
"""

from __future__ import annotations

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
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from adl_monitor.core.scales import applied_raw, scale_description
from adl_monitor.core.snapshot import PositionRisk, Snapshot
from adl_monitor.core.venue_names import venue_display_name
from adl_monitor.ui import formatting as fmt
from adl_monitor.ui.venue_risk_text import (
    venue_risk_colour,
    venue_risk_tooltip,
    venue_risk_word,
)

PositionKey = tuple[str, str, str]
_MISSING = object()
AnyIndex = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("PositionTableModel", text)


class Column(IntEnum):
    """Display order: who and what, then both ADL numbers, then the figures behind them."""

    ACCOUNT = 0
    SYMBOL = 1
    SIDE = 2
    EXCHANGE_TIER = 3
    ESTIMATED_TIER = 4
    VENUE_RISK = 5
    PNL_PCT = 6
    LEVERAGE = 7
    SIZE = 8
    NOTIONAL = 9
    ENTRY = 10
    MARK = 11
    UPNL = 12
    LIQUIDATION = 13
    UPDATED = 14
    SUGGESTION = 15


_COLUMN_COUNT = len(Column)  # asked ~100,000 times by a re-sort: not an enum's __len__ each


class Role(IntEnum):
    SORT = Qt.ItemDataRole.UserRole + 1  # a Python value the proxy compares
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


def _header_tip(column: Column) -> str | None:
    tr = _tr
    return {
        Column.EXCHANGE_TIER: tr(
            "The ADL indicator the exchange itself reports, on the common 5-light scale"
        ),
        Column.ESTIMATED_TIER: tr(
            "ADL Monitor's own estimate from the venue's ranking formula, with a range"
        ),
        Column.VENUE_RISK: tr(
            "How likely ADL is on the whole contract (the venue's own rating: insurance fund, "
            "book), beside this position's place in the queue"
        ),
        Column.LEVERAGE: tr("Nominal leverage / effective leverage (notional ÷ equity at risk)"),
        Column.UPDATED: tr("Age of the data; stale rows are greyed and never shown as current"),
    }.get(column)


def _venue_scale(risk: PositionRisk) -> str:
    if risk.exchange_adl is not None and risk.exchange_adl.scale:
        return risk.exchange_adl.scale
    try:
        return str(scale_description(risk.position.exchange))
    except (KeyError, ValueError):
        return ""


def risk_order(risk: PositionRisk) -> tuple[float, ...]:
    """Riskiest first when sorted descending: level, then fresh before stale, then exchange
    tier, estimate, score. A stale red stays near the top: it may still be red."""
    exchange_tier = risk.exchange_adl.tier if risk.exchange_adl is not None else None
    estimate = risk.estimate
    return (
        float(risk.level),
        0.0 if risk.stale else 1.0,
        float(exchange_tier if exchange_tier is not None else -1),
        float(estimate.tier if estimate is not None else -1),
        float(estimate.score if estimate is not None else float("-inf")),
    )


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Ascending row numbers as (first, last) runs of consecutive rows: one `dataChanged` per
    run, so a snapshot that changes a few of 1,000 rows repaints only those (benchmarks/)."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


class PositionTableModel(QAbstractTableModel):
    """Rows of `PositionRisk`, keyed by (account, symbol, side)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[PositionRisk] = []
        self._now = datetime.now(UTC)
        self._sort_cache: dict[tuple[int, int], Any] = {}

    # -- updates -------------------------------------------------------------------------
    def set_snapshot(self, snapshot: Snapshot) -> None:
        """Update rows in place, drop closed positions, append new ones."""
        self._now = max(self._now, snapshot.generated_at)
        self._sort_cache.clear()
        incoming = {risk.key: risk for risk in snapshot.positions}
        for row in reversed(range(len(self._rows))):
            if self._rows[row].key not in incoming:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
        changed: list[int] = []
        for row, old in enumerate(self._rows):
            new = incoming.pop(old.key)
            if new is not old and new != old:
                changed.append(row)
            self._rows[row] = new
        for first, last in _runs(changed):
            self._emit_changed(first, last)
        if incoming:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(incoming) - 1)
            self._rows.extend(incoming.values())
            self.endInsertRows()

    def tick(self, now: datetime | None = None) -> None:
        """Let ages move on between snapshots (called by a one-second timer).

        Only the "Updated" column is signalled. The ages inside the tier lights repaint with
        the view (`MainWindow` updates its viewport each tick): signalling the tier columns
        would make the proxy re-sort every row by them each second, though no tier moved.
        """
        self._now = now or datetime.now(UTC)
        if self._rows:
            last = len(self._rows) - 1
            self.dataChanged.emit(
                self.index(0, Column.UPDATED),
                self.index(last, Column.UPDATED),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole],
            )

    def _emit_changed(self, first: int, last: int) -> None:
        self.dataChanged.emit(self.index(first, 0), self.index(last, len(Column) - 1))

    def sort_value(self, row: int, column: int) -> Any:
        """`Role.SORT` without a trip through Qt, computed once per snapshot: the proxy's
        re-sort of 1,000 changed rows compares ~50,000 pairs (benchmarks/gui_load.py)."""
        cached = self._sort_cache.get((row, column), _MISSING)
        if cached is _MISSING:
            cached = self._sort_cache[(row, column)] = self._sort_value(
                self._rows[row], Column(column)
            )
        return cached

    def risk_at(self, row: int) -> PositionRisk:
        return self._rows[row]

    def row_of(self, key: PositionKey) -> int | None:
        return next((i for i, risk in enumerate(self._rows) if risk.key == key), None)

    def risks(self) -> tuple[PositionRisk, ...]:
        return tuple(self._rows)

    # -- Qt model API --------------------------------------------------------------------
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
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return _header(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _header_tip(column)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        risk = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(risk, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(risk, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in _NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(risk, column)
        if role == Role.SORT:
            return self._sort_value(risk, column)
        if role == Role.TIER:
            return self._tier_cell(risk, column)
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
                return QColor("#2fb344")
            if pnl < 0:
                return QColor("#db2828")
        return None

    def _sort_value(self, risk: PositionRisk, column: Column) -> Any:
        p = risk.position
        values: dict[Column, Any] = {
            Column.ACCOUNT: (p.account.lower(), p.exchange),
            Column.SYMBOL: p.symbol,
            Column.SIDE: p.side.value,
            Column.SIZE: abs(p.contracts),
            Column.NOTIONAL: p.notional,
            Column.ENTRY: p.entry_price,
            Column.MARK: p.mark_price,
            Column.UPNL: p.unrealized_pnl,
            Column.PNL_PCT: risk.pnl_pct,
            Column.LEVERAGE: risk.effective_leverage,
            Column.LIQUIDATION: p.liquidation_price,
            Column.EXCHANGE_TIER: risk_order(risk),
            Column.ESTIMATED_TIER: (
                (risk.estimate.tier, risk.estimate.score) if risk.estimate else (-1, float("-inf"))
            ),
            Column.VENUE_RISK: int(risk.venue_risk.level) if risk.venue_risk else -1,
            Column.UPDATED: risk.fetched_at.timestamp(),
            Column.SUGGESTION: risk.advice.text if risk.advice else "",
        }
        return values[column]

    def _tier_cell(self, risk: PositionRisk, column: Column) -> TierCell | None:
        age = fmt.age(self._age(risk.fetched_at))
        if column is Column.EXCHANGE_TIER:
            tier = risk.exchange_adl.tier if risk.exchange_adl is not None else None
            return TierCell(tier, risk.stale, age)
        if column is Column.ESTIMATED_TIER:
            return TierCell(risk.estimate.tier if risk.estimate else None, risk.stale, age)
        return None

    def _tooltip(self, risk: PositionRisk, column: Column) -> str | None:
        if column is Column.EXCHANGE_TIER:
            return self._exchange_tip(risk)
        if column is Column.ESTIMATED_TIER:
            return self._estimate_tip(risk)
        if column is Column.VENUE_RISK:
            venue = venue_display_name(risk.position.exchange)
            return venue_risk_tooltip(risk.venue_risk, venue, self._now)
        if column is Column.UPDATED:
            return self.tr("Fetched at {time}").format(time=fmt.local_time(risk.fetched_at))
        if column is Column.SUGGESTION and risk.advice is not None:
            return risk.advice.text
        if column is Column.LEVERAGE and risk.position.leverage is None:
            return self.tr(
                "{venue} reported no nominal leverage for this position (shown as —); the "
                "effective leverage in brackets is computed from its size and margin"
            ).format(venue=venue_display_name(risk.position.exchange))
        if column is Column.LIQUIDATION and risk.position.liquidation_price is None:
            return self.tr("The exchange reports no liquidation price for this position")
        return None

    def _stale_line(self, risk: PositionRisk) -> list[str]:
        if not risk.stale:
            return []
        return [
            self.tr("STALE: the last data is {age} old and may no longer be true").format(
                age=fmt.age(self._age(risk.fetched_at))
            )
        ]

    def _exchange_tip(self, risk: PositionRisk) -> str:
        reading = risk.exchange_adl
        scale = _venue_scale(risk)
        if reading is None:
            lines = [
                self.tr("{venue} reports no ADL indicator for this position").format(
                    venue=risk.position.exchange
                )
            ]
        else:
            if reading.tier is None:
                head = self.tr("Exchange tier: unknown")
            else:
                head = self.tr("Exchange tier: {tier} of 5 ({level})").format(
                    tier=reading.tier, level=fmt.level_word(risk.level)
                )
            position = risk.position
            applied = applied_raw(position.exchange, reading.raw, position.side.value)
            if applied is None:
                lines = [head, self.tr("Raw value: {raw}").format(raw=reading.raw)]
            else:
                lines = [
                    head,
                    self.tr("Raw value: {applied}").format(applied=applied),
                    self.tr("The venue's whole object: {raw}").format(raw=reading.raw),
                ]
            if reading.reason:
                lines.append(reading.reason)
            lines.append(
                self.tr("Reported at {time} ({age} ago)").format(
                    time=fmt.local_time(reading.updated_at),
                    age=fmt.age(self._age(reading.updated_at)),
                )
            )
            if not risk.stale and _seconds_between(reading.updated_at, risk.fetched_at) >= 1.0:
                # Binance re-computes its indicator every 30 s: an older tier is still current.
                lines.append(
                    self.tr(
                        "The exchange updates this indicator less often than positions; this is "
                        "its latest value, and it is current."
                    )
                )
        if scale:
            lines.append(self.tr("Venue's scale: {scale}").format(scale=scale))
        return "\n".join(lines + self._stale_line(risk))

    def _estimate_tip(self, risk: PositionRisk) -> str:
        estimate = risk.estimate
        if estimate is None:
            return "\n".join([self.tr("No estimate for this position"), *self._stale_line(risk)])
        lines = [
            self.tr("Estimated tier: {tier} of 5 (range {low}–{high})").format(
                tier=estimate.tier, low=estimate.low, high=estimate.high
            ),
            self.tr("Score: {score:.4g}").format(score=estimate.score),
            self.tr("Based on: {basis}").format(basis=estimate.basis),
            self.tr("Computed {age} ago").format(age=fmt.age(self._age(risk.fetched_at))),
        ]
        return "\n".join(lines + self._stale_line(risk))


def _seconds_between(earlier: datetime, later: datetime) -> float:
    return (later - earlier).total_seconds()
