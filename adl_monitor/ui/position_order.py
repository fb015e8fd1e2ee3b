"""The order of the positions table: each column's sort value and one Python sort per refresh.

The table sorts itself (`PositionTableModel.sort`) instead of letting `QSortFilterProxyModel`
compare rows: the proxy calls a Python `lessThan` ~10,000 times to order 1,000 rows, about
50 ms each refresh; a `sorted()` over one precomputed value per row takes about 1 ms
(benchmarks/gui_load.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt

from adl_monitor.core.model.snapshot import PositionRisk
from adl_monitor.ui.position_column import Column


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


SORT_VALUES: dict[Column, Callable[[PositionRisk], Any]] = {
    Column.ACCOUNT: lambda r: (r.position.account.lower(), r.position.exchange),
    Column.SYMBOL: lambda r: r.position.symbol,
    Column.SIDE: lambda r: r.position.side.value,
    Column.SIZE: lambda r: abs(r.position.contracts),
    Column.NOTIONAL: lambda r: r.position.notional,
    Column.ENTRY: lambda r: r.position.entry_price,
    Column.MARK: lambda r: r.position.mark_price,
    Column.UPNL: lambda r: r.position.unrealized_pnl,
    Column.PNL_PCT: lambda r: r.pnl_pct,
    Column.LEVERAGE: lambda r: r.effective_leverage,
    Column.LIQUIDATION: lambda r: r.position.liquidation_price,
    Column.EXCHANGE_TIER: risk_order,
    Column.ESTIMATED_TIER: lambda r: (
        (r.estimate.tier, r.estimate.score) if r.estimate else (-1, float("-inf"))
    ),
    Column.VENUE_RISK: lambda r: int(r.venue_risk.level) if r.venue_risk else -1,
    Column.UPDATED: lambda r: r.fetched_at.timestamp(),
    Column.SUGGESTION: lambda r: r.advice.text if r.advice else "",
}


def _comparable(value: Any) -> tuple[int, Any]:
    """None sorts below everything, whatever the type of the other values."""
    return (0, 0) if value is None else (1, value)


def sorted_rows(
    rows: Sequence[PositionRisk],
    keys: Sequence[tuple[str, str, str]],
    column: int,
    order: Qt.SortOrder,
) -> list[int]:
    """Row numbers in display order (`keys[i]` is `rows[i].key`). Ties keep a stable,
    meaningful order in both directions: by account, then symbol, then side (a stable sort by
    key first, then by the value)."""
    by_key = sorted(range(len(rows)), key=keys.__getitem__)
    if column not in SORT_VALUES:
        return by_key
    value = SORT_VALUES[Column(column)]
    values = [_comparable(value(risk)) for risk in rows]
    descending = order == Qt.SortOrder.DescendingOrder
    return sorted(by_key, key=values.__getitem__, reverse=descending)
