"""Mark prices over sim time: the scenario's shape plus seeded, mean-reverting noise.

The path is built one sim second at a time from its own `random.Random`, so the same seed gives
the same prices however the clock is driven (real time, `advance()`, any speed). Every second
drawn is kept (any past second can be asked again), as a plain double: 8 bytes a second, not the
32 of a list of floats — a demo left running for days holds megabytes, not tens of them.
"""

from __future__ import annotations

import itertools
import math
import random
from array import array

from adl_monitor.sim.instruments import Instrument
from adl_monitor.sim.scenarios import Keyframes

_REVERSION = 0.97  # noise forgets ~3 % of itself per second: wiggles, no drift away from shape


def _shape(keyframes: Keyframes, t: float) -> float:
    if t <= keyframes[0][0]:
        return keyframes[0][1]
    for (t0, m0), (t1, m1) in itertools.pairwise(keyframes):
        if t <= t1:
            return m0 + (m1 - m0) * (t - t0) / (t1 - t0)
    return keyframes[-1][1]


class PricePath:
    """Mark price of one instrument at any sim time ≥ 0 (linear between whole seconds)."""

    def __init__(
        self, instrument: Instrument, keyframes: Keyframes, noise: float, rng: random.Random
    ) -> None:
        self.instrument = instrument
        self._keyframes = keyframes
        self._noise = noise
        self._rng = rng
        self._noise_at = array("d", [0.0])

    def _noise_until(self, second: int) -> None:
        while len(self._noise_at) <= second:
            last = self._noise_at[-1]
            self._noise_at.append(last * _REVERSION + self._rng.gauss(0.0, self._noise))

    def _at_second(self, second: int) -> float:
        self._noise_until(second)
        move = _shape(self._keyframes, float(second))
        return self.instrument.price * (1.0 + move) * math.exp(self._noise_at[second])

    def price(self, t: float) -> float:
        t = max(0.0, t)
        lo = int(t)
        frac = t - lo
        p0 = self._at_second(lo)
        price = p0 if frac == 0 else p0 + (self._at_second(lo + 1) - p0) * frac
        return self.instrument.round_price(price)
