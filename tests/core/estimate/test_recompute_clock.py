"""A venue's indicator timer, learned from the reads that saw a tier change (Binance: 30 s)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adl_monitor.core.estimate.recompute_clock import Computed, RecomputeClock

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


def test_before_any_change_each_period_starts_at_the_first_read() -> None:
    """Nothing yet says when the venue recomputes: as if read once per period, from the first
    read — a report is new every 30 s, and anywhere in the 30 s before it."""
    clock = RecomputeClock(30.0)

    assert clock.computed(at(0)) == Computed(at(0), 30.0)
    assert clock.computed(at(25)) == Computed(at(0), 30.0)
    assert clock.computed(at(31)) == Computed(at(30), 30.0)
    assert not clock.learned


def test_a_change_between_two_close_reads_places_every_later_recompute() -> None:
    """A tier read at 12 s and another at 17 s: the venue recomputed in between, and again
    every 30 s after — a value read at 40 s was computed at 17 s, one read at 47 s at 47 s."""
    clock = RecomputeClock(30.0)
    clock.computed(at(0))

    clock.changed(at(12), at(17))

    assert clock.learned
    assert clock.computed(at(40)) == Computed(at(17), 5.0)
    assert clock.computed(at(47)) == Computed(at(47), 5.0)


def test_reads_a_period_apart_place_nothing() -> None:
    clock = RecomputeClock(30.0)

    clock.changed(at(0), at(30))

    assert not clock.learned
    assert clock.computed(at(30)) == Computed(at(30), 30.0)  # the first read, as before


def test_a_wider_bracket_around_a_known_recompute_does_not_move_it() -> None:
    """A change seen between reads 10 s apart that holds a recompute the clock already places
    (47 s) leaves it there; one that holds none moves the clock to it."""
    clock = RecomputeClock(30.0)
    clock.changed(at(12), at(17))

    clock.changed(at(40), at(50))
    assert clock.computed(at(77)) == Computed(at(77), 5.0)

    clock.changed(at(80), at(90))  # the clock placed none in there: the venue says otherwise
    assert clock.computed(at(100)) == Computed(at(90), 10.0)


def test_a_read_from_before_the_clock_was_placed_is_taken_as_read() -> None:
    clock = RecomputeClock(30.0)
    clock.changed(at(12), at(17))

    assert clock.computed(at(10)) == Computed(at(10), 30.0)


def test_a_period_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        RecomputeClock(0.0)
