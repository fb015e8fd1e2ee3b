"""Each venue ranks a hand-built queue with its own formula, and deleverages from the front."""

from __future__ import annotations

from adl_monitor.core.model.position import MarginMode, Side
from adl_monitor.sim.book_position import BookPosition, SimAccount
from adl_monitor.sim.ranking import rank_queue
from adl_monitor.sim.venue_book import VenueBook

ENTRY = 100.0
MARKS = {"BTC": 110.0}  # longs are 10 % up


def position(
    pid: int,
    *,
    leverage: float,
    entry: float = ENTRY,
    side: Side = Side.LONG,
    mode: MarginMode = MarginMode.ISOLATED,
    size: float = 10.0,
    wallet_extra: float = 0.0,
) -> BookPosition:
    margin = size * entry / leverage
    account = SimAccount(f"trader-{pid}", wallet=margin + wallet_extra)
    held = BookPosition(
        pid,
        account,
        "BTC",
        side,
        size,
        entry,
        leverage,
        mode,
        margin if mode is MarginMode.ISOLATED else margin + wallet_extra,
        0.005,
        -60.0,
    )
    account.positions.append(held)
    return held


def order(exchange: str, queue: list[BookPosition]) -> list[int]:
    """Position ids from the front of the queue to the back."""
    _, percentiles = rank_queue(exchange, queue, MARKS)
    return [p.pid for _, p in sorted(zip(percentiles, queue, strict=True), key=lambda x: -x[0])]


def test_classic_venues_put_high_effective_leverage_winners_in_front() -> None:
    queue = [
        position(1, leverage=5),
        position(2, leverage=50),
        position(3, leverage=20),
        position(4, leverage=50, entry=120.0),  # losing: behind every winner
        position(5, leverage=2),
    ]
    for exchange in ("bybit", "okx"):
        assert order(exchange, queue) == [2, 3, 1, 5, 4]


def test_binance_ranks_by_account_pnl_and_margin_ratio_and_puts_losers_last() -> None:
    # Same position, different spare wallet: the thinner account is more exposed.
    thin = position(1, leverage=10, mode=MarginMode.CROSS, wallet_extra=0.0)
    padded = position(2, leverage=10, mode=MarginMode.CROSS, wallet_extra=2_000.0)
    losers = [position(n, leverage=10, entry=120.0, mode=MarginMode.CROSS) for n in (3, 4, 5)]
    queue = [padded, *losers, thin]
    ranked = order("binanceusdm", queue)
    assert ranked[:2] == [1, 2]
    assert set(ranked[2:]) == {3, 4, 5}

    _, percentiles = rank_queue("binanceusdm", losers, MARKS)
    assert max(percentiles) < 100, "a side of losers (all scored 0) is not the front of a queue"


def test_insolvent_liquidation_deleverages_the_front_of_the_opposite_side() -> None:
    book = VenueBook("okx", insurance={"BTC": 0.0}, depth=1_000.0)
    front = position(1, leverage=50, size=3.0)
    middle = position(2, leverage=10, size=3.0)
    back = position(3, leverage=2, size=3.0)
    for held in (back, middle, front):
        book.add(held)
    # A 100x short opened at 100 is far past its bankruptcy price at 110.
    doomed = position(4, leverage=100, side=Side.SHORT, size=4.0)
    book.add(doomed)
    front.account.demo = middle.account.demo = True
    bankruptcy = doomed.bankruptcy_price

    book.step(1.0, MARKS)

    assert doomed.closed
    assert front.closed and front.status == "Adl"
    assert middle.size == 2.0 and middle.status == "Adl"
    assert back.size == 3.0 and back.status == "Normal"
    hits = [(e.pid, e.qty, e.full) for e in book.adl_events]
    assert hits == [(1, 3.0, True), (2, 1.0, False)]
    assert all(e.price == bankruptcy for e in book.adl_events)


def test_solvent_liquidation_is_paid_by_the_insurance_fund() -> None:
    book = VenueBook("bybit", insurance={"BTC": 1_000_000.0}, depth=1_000.0)
    winner = position(1, leverage=50)
    book.add(winner)
    book.add(position(2, leverage=100, side=Side.SHORT, size=4.0))
    book.step(1.0, MARKS)
    assert book.insurance["BTC"] < 1_000_000.0
    assert winner.size == 10.0 and not book.adl_events


def test_a_tick_liquidates_what_joined_the_queue_after_a_quiet_tick() -> None:
    """Ticks skip a queue the mark has not reached; a position that joins it later, already
    past its liquidation price, is still liquidated on the next tick (either side)."""
    book = VenueBook("bybit", insurance={"BTC": 1_000_000.0}, depth=1_000.0)
    book.add(position(1, leverage=2))  # a long far from liquidation at 110
    book.add(position(2, leverage=2, side=Side.SHORT, entry=200.0))  # a short far from it too
    book.step(1.0, MARKS)
    assert not book.liquidations

    late_short = position(3, leverage=100, side=Side.SHORT, size=4.0)  # past it at 110
    late_long = position(4, leverage=100, entry=120.0, size=4.0)  # past it at 110 too
    book.add(late_short)
    book.add(late_long)
    book.step(1.5, MARKS)

    assert late_short.closed and late_long.closed
    assert sorted((e.side.value, e.qty) for e in book.liquidations) == [
        ("long", 4.0),
        ("short", 4.0),
    ]
