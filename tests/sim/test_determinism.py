"""The same scenario and seed replay the same market, population and ADL hits."""

from __future__ import annotations

import tracemalloc

from adl_monitor.sim.instruments import BY_BASE
from adl_monitor.sim.world import World


def fingerprint(world: World) -> list[tuple[object, ...]]:
    return [
        (venue, p.pid, p.base, p.side.value, p.size, p.entry, p.leverage, p.margin_mode.value)
        for venue, book in world.books.items()
        for queue in book.queues.values()
        for p in queue
    ]


def test_same_seed_same_world() -> None:
    first, second = World("squeeze", seed=7), World("squeeze", seed=7)
    assert fingerprint(first) == fingerprint(second)
    first.advance(90)
    for _ in range(9):
        second.advance(10)  # however the clock is driven
    assert fingerprint(first) == fingerprint(second)
    assert first.truth() == second.truth()


def test_another_seed_another_population() -> None:
    assert fingerprint(World("calm", seed=1)) != fingerprint(World("calm", seed=2))


def test_population_is_a_realistic_crowd() -> None:
    world = World("calm", seed=3)
    for book in world.books.values():
        positions = [p for q in book.queues.values() for p in q]
        assert 500 <= len(positions) <= 5_000
        leverages = {p.leverage for p in positions}
        highest = max(p.leverage for p in positions if p.base == "BTC")
        allowed = BY_BASE["BTC"].max_leverage_on(book.exchange)
        assert min(leverages) <= 3 and highest == allowed  # some at what the venue allows
        assert {p.margin_mode.value for p in positions} == {"cross", "isolated"}
        entries = [p.entry / 97_250.0 for p in positions if p.base == "BTC"]
        assert min(entries) < 0.97 and max(entries) > 1.03  # spread along the price history


def test_a_day_of_prices_costs_a_few_bytes_a_second() -> None:
    """The price path keeps every sim second it has drawn (any past second can be asked again);
    a demo left running for days must keep them as plain numbers, not Python objects."""
    day = 86_400.0
    tracemalloc.start()
    try:
        world = World("calm", seed=3)
        before = tracemalloc.get_traced_memory()[0]
        noon = {base: world.history_price(base, day / 2) for base in world.paths}
        for base in world.paths:
            world.history_price(base, day)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert held / day / len(world.paths) < 10  # 8 bytes a second, and room to grow
    assert {base: world.history_price(base, day / 2) for base in world.paths} == noon
    again = World("calm", seed=3)
    assert {base: again.history_price(base, day / 2) for base in again.paths} == noon
