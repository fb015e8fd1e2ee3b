"""Tooltips of the positions table: what each number rests on, and how old it is.

Kept apart from `position_model` so the model holds rows and their order, and this module the
sentences a trader reads when hovering a tier, a venue risk or a stale row.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from adl_monitor.core.model.snapshot import PositionRisk
from adl_monitor.core.ranking.scales import applied_raw, scale_description
from adl_monitor.core.venues.display_names import venue_display_name
from adl_monitor.ui import formatting as fmt
from adl_monitor.ui.position_column import Column
from adl_monitor.ui.venue_risk_text import venue_risk_tooltip


def _tr(text: str) -> str:
    return QCoreApplication.translate("PositionTableModel", text)


def _age(now: datetime, moment: datetime | None) -> float | None:
    return fmt.age_seconds(moment, now)


def header_tooltip(column: Column) -> str | None:
    """The tooltip of a column header: what the column means."""
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


def cell_tooltip(risk: PositionRisk, column: Column, now: datetime) -> str | None:
    """The tooltip of one cell: where its number comes from, and how old it is."""
    if column is Column.EXCHANGE_TIER:
        return _exchange_tip(risk, now)
    if column is Column.ESTIMATED_TIER:
        return _estimate_tip(risk, now)
    if column is Column.VENUE_RISK:
        venue = venue_display_name(risk.position.exchange)
        return venue_risk_tooltip(risk.venue_risk, venue, now)
    if column is Column.UPDATED:
        return _tr("Fetched at {time}").format(time=fmt.local_time(risk.fetched_at))
    if column is Column.SUGGESTION and risk.advice is not None:
        return risk.advice.text
    if column is Column.LEVERAGE and risk.position.leverage is None:
        return _tr(
            "{venue} reported no nominal leverage for this position (shown as —); the "
            "effective leverage in brackets is computed from its size and margin"
        ).format(venue=venue_display_name(risk.position.exchange))
    if column is Column.LIQUIDATION and risk.position.liquidation_price is None:
        return _tr("The exchange reports no liquidation price for this position")
    return None


def _stale_line(risk: PositionRisk, now: datetime) -> list[str]:
    if not risk.stale:
        return []
    return [
        _tr("STALE: the last data is {age} old and may no longer be true").format(
            age=fmt.age(_age(now, risk.fetched_at))
        )
    ]


def _exchange_tip(risk: PositionRisk, now: datetime) -> str:
    reading = risk.exchange_adl
    scale = _venue_scale(risk)
    if reading is None:
        lines = [
            _tr("{venue} reports no ADL indicator for this position").format(
                venue=risk.position.exchange
            )
        ]
    else:
        if reading.tier is None:
            head = _tr("Exchange tier: unknown")
        else:
            head = _tr("Exchange tier: {tier} of 5 ({level})").format(
                tier=reading.tier, level=fmt.level_word(risk.level)
            )
        position = risk.position
        applied = applied_raw(position.exchange, reading.raw, position.side.value)
        if applied is None:
            lines = [head, _tr("Raw value: {raw}").format(raw=reading.raw)]
        else:
            lines = [
                head,
                _tr("Raw value: {applied}").format(applied=applied),
                _tr("The venue's whole object: {raw}").format(raw=reading.raw),
            ]
        if reading.reason:
            lines.append(reading.reason)
        lines.append(
            _tr("Reported at {time} ({age} ago)").format(
                time=fmt.local_time(reading.updated_at),
                age=fmt.age(_age(now, reading.updated_at)),
            )
        )
        if not risk.stale and _seconds_between(reading.updated_at, risk.fetched_at) >= 1.0:
            # Binance re-computes its indicator every 30 s: an older tier is still current.
            lines.append(
                _tr(
                    "The exchange updates this indicator less often than positions; this is "
                    "its latest value, and it is current."
                )
            )
    if scale:
        lines.append(_tr("Venue's scale: {scale}").format(scale=scale))
    return "\n".join(lines + _stale_line(risk, now))


def _estimate_tip(risk: PositionRisk, now: datetime) -> str:
    estimate = risk.estimate
    if estimate is None:
        return "\n".join([_tr("No estimate for this position"), *_stale_line(risk, now)])
    lines = [
        _tr("Estimated tier: {tier} of 5 (range {low}–{high})").format(
            tier=estimate.tier, low=estimate.low, high=estimate.high
        ),
        _tr("Score: {score:.4g}").format(score=estimate.score),
        _tr("Based on: {basis}").format(basis=estimate.basis),
        _tr("Computed {age} ago").format(age=fmt.age(_age(now, risk.fetched_at))),
    ]
    return "\n".join(lines + _stale_line(risk, now))


def _seconds_between(earlier: datetime, later: datetime) -> float:
    return (later - earlier).total_seconds()
