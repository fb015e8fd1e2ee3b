"""Exponential back-off with jitter, for retrying a failing account without hammering the venue.

The jitter spreads retries of many accounts (and many users) apart; it is drawn from a seeded
`random.Random` so tests and benchmarks are repeatable. A venue's own Retry-After always wins
over a shorter computed delay.
"""

from __future__ import annotations

import random


class Backoff:
    """`next_delay()` grows initial × 2ⁿ up to `maximum`, each scaled by a jitter in [0.5, 1]."""

    def __init__(self, initial: float, maximum: float, rng: random.Random) -> None:
        self._initial = initial
        self._maximum = maximum
        self._rng = rng
        self._failures = 0

    @property
    def failures(self) -> int:
        return self._failures

    def next_delay(self, retry_after: float | None = None) -> float:
        ceiling = min(self._maximum, self._initial * (2 ** min(self._failures, 30)))
        self._failures += 1
        delay: float = ceiling * self._rng.uniform(0.5, 1.0)
        if retry_after is not None and retry_after > delay:
            return float(retry_after)
        return delay

    def reset(self) -> None:
        self._failures = 0
