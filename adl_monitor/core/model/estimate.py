"""Our own estimate of a position's ADL tier, computed from the venue's ranking formula."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Score:
    """A venue's ranking score for one position, with the inputs it was computed from.

    `formula` names the venue formula (e.g. "classic", "binance"); `inputs` maps each input's
    name to the value used, so the UI can say what the number is based on. `profitable` is
    False for losing positions, which every venue ranks behind all profitable ones.
    """

    value: float
    formula: str
    profitable: bool
    inputs: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Estimate:
    """Estimated tier on the common scale with a plausible range and a plain-words basis."""

    score: float
    tier: int
    low: int
    high: int
    basis: str
