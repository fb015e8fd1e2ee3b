"""Back-off: grows, is capped, jitters, and never retries before the venue's Retry-After."""

from __future__ import annotations

import random

from adl_monitor.engine.backoff import Backoff


def test_delays_grow_to_the_cap_with_jitter_and_reset_after_success() -> None:
    backoff = Backoff(1.0, 30.0, random.Random(1))
    delays = [backoff.next_delay() for _ in range(8)]
    ceilings = [1, 2, 4, 8, 16, 30, 30, 30]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    assert len(set(delays)) == len(delays)  # jittered, so many clients do not retry in step
    backoff.reset()
    assert backoff.next_delay() <= 1.0


def test_retry_after_wins_over_a_shorter_delay_only() -> None:
    backoff = Backoff(1.0, 30.0, random.Random(1))
    assert backoff.next_delay(retry_after=12.0) == 12.0
    assert backoff.next_delay(retry_after=0.1) < 2.0 + 1e-9


def test_the_same_seed_gives_the_same_delays() -> None:
    first = Backoff(1.0, 60.0, random.Random(42))
    second = Backoff(1.0, 60.0, random.Random(42))
    assert [first.next_delay() for _ in range(6)] == [second.next_delay() for _ in range(6)]
