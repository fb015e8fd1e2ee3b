"""Population B, the second trader family (issue 10): built apart from the estimator, and
different from population A in structure — accounts of several positions sharing a cross
wallet, round leverage, entries in bursts around past market events, Pareto sizes."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import Any

import aiohttp
import pytest

from adl_monitor.core.model.position import MarginMode, Side
from adl_monitor.sim.book_position import BookPosition, SimAccount
from adl_monitor.sim.instruments import BY_BASE
from adl_monitor.sim.population import MIN_CUSHION
from adl_monitor.sim.population_b import ROUND_LEVERAGES
from adl_monitor.sim.server import SimExchange
from adl_monitor.sim.world import World
from tests.sim.test_determinism import fingerprint

SEEDS = range(1, 11)
VENUES = ("bybit", "binanceusdm", "okx", "hyperliquid")


@cache
def world_b(seed: int, scenario: str = "calm") -> World:
    return World(scenario, seed=seed, population="b")


def synthetic(world: World, venue: str = "bybit") -> list[BookPosition]:
    book = world.books[venue]
    return [p for q in book.queues.values() for p in q if not p.account.demo]


def accounts(positions: Iterable[BookPosition]) -> list[SimAccount]:
    seen: dict[int, SimAccount] = {}
    for held in positions:
        seen.setdefault(id(held.account), held.account)
    return list(seen.values())


def test_population_b_is_the_same_for_a_seed_and_another_for_another_seed() -> None:
    assert fingerprint(World("calm", seed=4, population="b")) == fingerprint(world_b(4))
    assert fingerprint(world_b(4)) != fingerprint(world_b(5))
    assert fingerprint(world_b(4)) != fingerprint(World("calm", seed=4))  # not population A


def test_population_a_stays_the_default_book() -> None:
    plain, named = World("squeeze", seed=3), World("squeeze", seed=3, population="a")
    assert fingerprint(plain) == fingerprint(named)
    plain.advance(60)
    named.advance(60)
    assert plain.truth() == named.truth()


def test_an_unknown_population_is_refused() -> None:
    with pytest.raises(ValueError, match="population"):
        World("calm", seed=1, population="c")


def test_each_side_holds_the_count_the_world_asks_for() -> None:
    for seed in (1, 2):
        a, b = World("calm", seed=seed), world_b(seed)
        for venue in VENUES:
            per_side_a = Counter((p.base, p.side) for p in synthetic(a, venue))
            per_side_b = Counter((p.base, p.side) for p in synthetic(b, venue))
            assert per_side_a == per_side_b


def test_accounts_hold_several_positions_and_a_cross_wallet_backs_them_all() -> None:
    for seed in SEEDS:
        held = accounts(synthetic(world_b(seed)))
        sizes = Counter(len(account.positions) for account in held)
        assert set(sizes) <= {1, 2, 3, 4} and sizes[1] and sizes[2] + sizes[3] + sizes[4]
        cross_multi = [
            account
            for account in held
            if sum(p.margin_mode is MarginMode.CROSS for p in account.positions) >= 2
        ]
        assert cross_multi, seed
        for account in cross_multi:
            # The wallet is split across the positions: no position is backed twice.
            backing = sum(p.collateral for p in account.positions)
            assert account.wallet == pytest.approx(backing)
        for account in held:
            keys = [(p.base, p.side) for p in account.positions]
            assert len(keys) == len(set(keys))  # one-way mode: one position per symbol and side
    hedgers = [
        account
        for seed in SEEDS
        for account in accounts(synthetic(world_b(seed)))
        if any(
            (p.base, Side.SHORT) in {(q.base, q.side) for q in account.positions}
            for p in account.positions
            if p.side is Side.LONG
        )
    ]
    assert hedgers  # someone holds both sides of one coin


def test_leverage_sits_on_round_numbers_with_a_mix_of_its_own_per_seed() -> None:
    favourites = set()
    for seed in SEEDS:
        crowd = synthetic(world_b(seed))
        assert {p.leverage for p in crowd} <= {float(x) for x in ROUND_LEVERAGES}
        for held in crowd:
            assert held.leverage <= BY_BASE[held.base].max_leverage
        favourites.add(Counter(p.leverage for p in crowd).most_common(1)[0][0])
    assert len(favourites) >= 4, favourites


def gain_of_side(world: World, venue: str, base: str, side: Side) -> float:
    """The median position's move in its favour since entry (0.1 = 10 % in profit)."""
    mark = world.marks()[base]
    side_positions = [p for p in synthetic(world, venue) if p.base == base and p.side is side]
    return statistics.median(side.sign * (mark / p.entry - 1.0) for p in side_positions)


def test_a_side_is_losing_in_one_seed_and_deep_in_profit_in_another() -> None:
    for base in ("BTC", "SOL"):
        for side in Side:
            gains = [gain_of_side(world_b(seed), "bybit", base, side) for seed in SEEDS]
            assert min(gains) < -0.01 and max(gains) > 0.10, (base, side, gains)


def test_entries_come_in_bursts_around_the_market_history() -> None:
    world = world_b(7)
    history = world.history_b
    assert history is not None and 1 <= len(history.events) <= 4
    for event in history.events:
        then = world.history_price("BTC", -event.age_hours * 3600)
        assert then == pytest.approx(BY_BASE["BTC"].price * (1 + event.moves["BTC"]))
    ages = [-p.opened_at / 3600 for p in synthetic(world)]
    near_an_event = [
        age for age in ages if any(abs(age / e.age_hours - 1) < 0.3 for e in history.events)
    ]
    assert len(near_an_event) > len(ages) / 2


def test_sizes_have_a_heavy_tail() -> None:
    for seed in SEEDS:
        notionals = sorted(p.size * p.entry for p in synthetic(world_b(seed)))
        assert notionals[-1] > 30 * statistics.median(notionals), seed


def test_nobody_starts_past_liquidation() -> None:
    for seed in SEEDS:
        world = world_b(seed)
        for venue in VENUES:
            for held in synthetic(world, venue):
                price = BY_BASE[held.base].price
                cushion = held.side.sign * (price - held.liquidation_price) / price
                assert cushion >= MIN_CUSHION


def demo_book(world: World) -> list[tuple[Any, ...]]:
    return [
        (
            venue,
            account.name,
            account.wallet,
            p.base,
            p.side,
            p.size,
            p.entry,
            p.leverage,
            p.margin_mode,
            p.collateral,
        )
        for venue in VENUES
        for account in world.books[venue].demo_accounts.values()
        for p in account.positions
    ]


def test_the_demo_accounts_are_those_of_population_a() -> None:
    for scenario in ("calm", "cascade"):
        assert demo_book(world_b(2, scenario)) == demo_book(World(scenario, seed=2))


@pytest.mark.parametrize("scenario", ["calm", "squeeze", "cascade", "hedge-leg"])
async def test_the_true_tiers_are_served_for_population_b(scenario: str) -> None:
    sim = SimExchange(scenario, seed=1, speed=0)
    sim.world = World(scenario, 1, epoch_ms=sim.world.epoch_ms, population="b")
    await sim.start()
    try:
        sim.advance(30)
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{sim.base_url}/__sim/truth") as reply,
        ):
            assert reply.status == 200
            truth = await reply.json()
    finally:
        await sim.stop()
    assert truth["seed"] == 1 and truth["sim_time"] == 30
    for venue in VENUES:
        served = truth["venues"][venue]
        assert served["open_positions"] > 500  # the synthetic crowd is on the book
        assert served["positions"], venue
        true_tiers = [view.tier for view in sim.world.demo_views(venue)]
        assert [place["tier"] for place in served["positions"]] == true_tiers
        for place in served["positions"]:
            assert place["tier"] in range(0, 6)
            assert place["tier"] > 0 or venue == "hyperliquid"
