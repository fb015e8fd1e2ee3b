"""What the venue itself says about a position's place in the ADL queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

JsonValue = object
"""Whatever the venue sent: kept verbatim beside the tier so the user can see the raw value."""


@dataclass(frozen=True, slots=True)
class AdlIndicator:
    """The exchange-reported indicator, mapped to the common scale.

    `tier` is None when the raw value could not be mapped; `reason` then says why, in words a
    trader understands. `scale` describes the venue's own scale for tooltips.
    """

    raw: JsonValue
    tier: int | None
    updated_at: datetime
    scale: str = ""
    reason: str | None = None

    @property
    def known(self) -> bool:
        return self.tier is not None
