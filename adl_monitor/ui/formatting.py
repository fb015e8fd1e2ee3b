"""How numbers, ages and sides read in the UI. Formatting only: every value is computed upstream."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from PySide6.QtCore import QCoreApplication

from adl_monitor.core.model.levels import Level


def _tr(text: str) -> str:
    return QCoreApplication.translate("formatting", text)


def price(value: float | None) -> str:
    """Enough significant digits for BTC at 60 000 and for a meme coin at 0.000123."""
    if value is None or not math.isfinite(value):
        return "—"
    magnitude = abs(value)
    if magnitude >= 1000:
        decimals = 1
    elif magnitude >= 1:
        decimals = 3
    elif magnitude == 0:
        decimals = 2
    else:
        decimals = min(10, 3 - math.floor(math.log10(magnitude)))
    return f"{value:,.{decimals}f}"


def amount(value: float | None, decimals: int = 2) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:,.{decimals}f}"


def signed_amount(value: float | None, decimals: int = 2) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:+,.{decimals}f}"


def size(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:,.6g}"


def percent(fraction: float | None) -> str:
    """0.253 → "+25.3 %" (pnl_pct is a fraction, docs/interfaces.md)."""
    if fraction is None or not math.isfinite(fraction):
        return "—"
    return f"{fraction * 100:+.1f} %"


def leverage(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.1f}×"


def age_seconds(then: datetime | None, now: datetime | None = None) -> float | None:
    if then is None:
        return None
    now = now or datetime.now(UTC)
    return max(0.0, (now - then).total_seconds())


def age(seconds: float | None) -> str:
    """12 → "12 s", 150 → "2 min", 4000 → "1 h 6 min"."""
    if seconds is None:
        return _tr("never")
    if seconds < 60:
        return _tr("{n} s").format(n=int(seconds))
    minutes = int(seconds // 60)
    if minutes < 60:
        return _tr("{n} min").format(n=minutes)
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return _tr("{h} h {m} min").format(h=hours, m=rest)
    return _tr("{d} days").format(d=hours // 24)


def level_word(level: Level) -> str:
    """The level's colour word, translated ("red")."""
    words = {
        Level.NONE: _tr("grey"),
        Level.GREEN: _tr("green"),
        Level.YELLOW: _tr("yellow"),
        Level.ORANGE: _tr("orange"),
        Level.RED: _tr("red"),
    }
    return words[level]


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone().strftime("%H:%M:%S")
