"""The "Venue risk" cell: the venue's contract-wide ADL risk (core/model/venue_risk.py) in a word,
its colour, and a tooltip with the venue's own words and raw value (docs/venue-risk.md).

The level is the venue's, only put on one scale by the engine; nothing is computed here.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from adl_monitor.core.model.venue_risk import VenueRisk, VenueRiskLevel
from adl_monitor.ui import formatting as fmt


def _tr(text: str) -> str:
    return QCoreApplication.translate("VenueRiskText", text)


_COLOURS = {
    VenueRiskLevel.MEDIUM: QColor("#f2711c"),
    VenueRiskLevel.HIGH: QColor("#db2828"),
}


def venue_risk_word(risk: VenueRisk | None) -> str:
    if risk is None:
        return "—"
    return {
        VenueRiskLevel.NONE: _tr("unknown"),
        VenueRiskLevel.LOW: _tr("low"),
        VenueRiskLevel.MEDIUM: _tr("medium"),
        VenueRiskLevel.HIGH: _tr("high"),
    }[risk.level]


def venue_risk_colour(risk: VenueRisk | None) -> QColor | None:
    return _COLOURS.get(risk.level) if risk is not None else None


def venue_risk_tooltip(risk: VenueRisk | None, venue: str, now: datetime) -> str:
    if risk is None:
        return _tr(
            "{venue} publishes no venue-wide ADL risk for this contract (or it has not been "
            "read yet)"
        ).format(venue=venue)
    lines = [
        _tr("Venue-wide ADL risk: {word}").format(word=venue_risk_word(risk)),
        _tr("How likely ADL is on this contract at all — not this position's place in the queue"),
    ]
    if risk.detail:
        lines.append(risk.detail)
    lines.append(_tr("Raw value: {raw}").format(raw=risk.raw))
    lines.append(
        _tr("From {source} at {time} ({age} ago)").format(
            source=risk.source,
            time=fmt.local_time(risk.updated_at),
            age=fmt.age(fmt.age_seconds(risk.updated_at, now)),
        )
    )
    return "\n".join(lines)
