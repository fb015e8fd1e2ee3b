"""The common tier scale (docs/architecture.md) and the alert level each tier belongs to."""

from __future__ import annotations

from enum import IntEnum

MIN_TIER = 0
MAX_TIER = 5


class Level(IntEnum):
    """How worried the trader should be; ordered so that `max()` gives the worst."""

    NONE = 0
    GREEN = 1
    YELLOW = 2
    ORANGE = 3
    RED = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Level:
        """`"orange"` → `Level.ORANGE`; raises ValueError naming the accepted words."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            words = ", ".join(level.label for level in cls)
            raise ValueError(f"unknown level {text!r}; expected one of {words}") from None


def level_for_tier(tier: int | None) -> Level:
    """Tier 0 (or unknown) is no level; 1–2 green, 3 yellow, 4 orange, 5 red."""
    if tier is None or tier <= 0:
        return Level.NONE
    if tier <= 2:
        return Level.GREEN
    if tier == 3:
        return Level.YELLOW
    if tier == 4:
        return Level.ORANGE
    return Level.RED


def clamp_tier(tier: int) -> int:
    return max(MIN_TIER, min(MAX_TIER, tier))
