"""When a venue that recomputes its ADL indicator on a timer last did (Binance: every 30 s).

Such a venue's tier ranks the score a position had when the timer last fired, not the score
read with it. Read once per period, that moment is anywhere in the period before the read, and
the estimate cannot tell which of the position's recent scores was ranked. Read at the
positions' cadence, the first read that sees any of the venue's tiers change brackets a
recompute between itself and the read before, and the timer's period then places every later
one (`RecomputeClock.computed`). Until a change is seen, each period is taken to start at the
first read, as if read once per period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Computed:
    """When the venue computed a value read at some moment, as far as its clock is known."""

    at: datetime
    """The latest recompute at or before the read: the value is the one computed then."""
    within: float
    """Seconds before `at` in which the recompute may have happened instead."""


class RecomputeClock:
    """One venue's indicator timer, learned from the reads that saw a tier change."""

    def __init__(self, period: float) -> None:
        if period <= 0:
            raise ValueError(f"a recompute period must be positive, got {period}")
        self.period = period
        self._tick: datetime | None = None
        """A recompute (the read that first saw it); later ones are whole periods on."""
        self._within = period
        """How long before `_tick` it may have happened: the gap between the two reads that
        bracketed it, or a whole period while none has been seen."""

    @property
    def learned(self) -> bool:
        """Whether a change seen between two reads less than a period apart placed the timer."""
        return self._within < self.period

    def computed(self, read_at: datetime) -> Computed:
        """When the value read at `read_at` was computed: the last tick at or before it."""
        if self._tick is None:
            self._tick = read_at
        if read_at < self._tick:  # a read older than what placed the clock: as read
            return Computed(read_at, self.period)
        periods = (read_at - self._tick) // timedelta(seconds=self.period)
        return Computed(self._tick + periods * timedelta(seconds=self.period), self._within)

    def changed(self, before: datetime, after: datetime) -> None:
        """A tier read at `after` differs from the one read at `before`: the venue recomputed in
        between. The narrower of that bracket and the one the clock already has wins."""
        gap = (after - before).total_seconds()
        if not 0 < gap < self.period:
            return  # reads a period or more apart bracket nothing the period does not
        if self._tick is not None and gap >= self._within:
            tick = self.computed(after).at
            if before < tick <= after:
                return  # the clock already places a recompute there, at least as narrowly
        self._tick, self._within = after, gap
