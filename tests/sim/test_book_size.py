"""`World(traders_per_side=…)`: a bigger book is the same market, bigger, cut into a finer
queue (docs/simulator.md, "Book size"); the accuracy benchmark plays one five times the demo's."""

from __future__ import annotations

import pytest

from adl_monitor.core.model.position import Side
from adl_monitor.sim.populations import DEFAULT_TRADERS_PER_SIDE
from adl_monitor.sim.ranking import rank_queue
from adl_monitor.sim.venue_book import VenueBook
from adl_monitor.sim.world import World
from benchmarks.estimate_accuracy import TRADERS_PER_SIDE


def synthetic(book: VenueBook) -> int:
    demo = sum(len(account.positions) for account in book.demo_accounts.values())
    return book.open_positions() - demo


@pytest.mark.parametrize("population", ["a", "b"])
def test_a_bigger_book_has_the_insurance_and_depth_of_a_bigger_market(population: str) -> None:
    """Liquidations grow with the book; were the fund and the depth that absorb them left as
    they are, a bigger book would simply be a more fragile market, with more ADL."""
    small = World("cascade", 3, DEFAULT_TRADERS_PER_SIDE, population=population)
    big = World("cascade", 3, 2 * DEFAULT_TRADERS_PER_SIDE, population=population)
    for venue, book in big.books.items():
        assert book.depth == pytest.approx(2 * small.books[venue].depth)
        for base, fund in book.insurance.items():
            assert fund == pytest.approx(2 * small.books[venue].insurance[base])
        assert synthetic(book) == 2 * synthetic(small.books[venue]) == 2 * 6 * 150


def test_on_the_demo_book_a_trend_leaves_a_queue_too_short_for_quintiles() -> None:
    """Why the benchmark's book is bigger: population A's wild seed 14 trended down for days, so
    of Hyperliquid's 84 BTC longs only the demo's and one other are in profit at the start; the
    demo's true tier then jumps between 2, 3 and 5 as the mark ticks. The benchmark's book has
    the same traders' shape, five times as many: a queue with ten or more to rank."""

    def longs_in_profit(traders_per_side: int) -> int:
        world = World("calm", 14, traders_per_side)
        book, marks = world.books["hyperliquid"], world.marks()
        scores, _ = rank_queue("hyperliquid", list(book.queues[("BTC", Side.LONG)]), marks)
        return sum(score.profitable for score in scores)

    assert longs_in_profit(DEFAULT_TRADERS_PER_SIDE) <= 3
    assert longs_in_profit(TRADERS_PER_SIDE) >= 10
