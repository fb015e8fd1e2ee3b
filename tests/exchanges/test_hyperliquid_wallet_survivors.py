"""Hyperliquid: a wallet the sample read counts as it opened its position, also after the
market closed it (`exchanges/hyperliquid_wallets.py`, `_Read.as_opened`), through the real
ccxt client on the simulator's cascade.

The estimate removes from its own model whom a move liquidated; a sample re-read after the
crash would show it only the low-leverage survivors (and ADL'd wallets whose account holds the
closes' profit), and the crash would count twice."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest

from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.exchanges.hyperliquid_wallets import WalletSample
from adl_monitor.sim.book_position import BookPosition
from adl_monitor.sim.demo import HYPERLIQUID_DEMO_WALLET
from adl_monitor.sim.server import SimExchange
from tests.exchanges.test_hyperliquid_wallet_reads import batches
from tests.exchanges.test_sim_venues import connect  # noqa: F401  (fixture)
from tests.sim.clients import rest_client

Key = tuple[str, str, float]


def sampled(reading: AccountReading) -> list[tuple[Key, float]]:
    return [
        ((symbol.split("/")[0], w.side, round(w.entry, 6)), round(w.size, 8))
        for symbol, context in reading.markets.items()
        for w in context.wallets
    ]


def sizes(positions: Iterable[BookPosition]) -> dict[Key, set[float]]:
    """The sizes of the synthetic positions, by coin, side and entry (which two can share)."""
    found: dict[Key, set[float]] = {}
    for p in positions:
        if not p.account.demo:
            found.setdefault((p.base, p.side.value, round(p.entry, 6)), set()).add(round(p.size, 8))
    return found


@pytest.fixture
async def sim() -> AsyncIterator[SimExchange]:
    exchange = SimExchange("cascade", seed=4, speed=0, lead_in=300)
    await exchange.start()
    yield exchange
    await exchange.stop()


async def test_wallets_read_before_the_crash_still_count_as_they_opened(
    sim: SimExchange,
    connect: Any,  # noqa: F811
) -> None:
    """Read in the quiet lead-in, liquidated or deleveraged since: still in the sample, at the
    size and account the first read showed."""
    book = sim.world.books["hyperliquid"]
    connector = await connect("hyperliquid")
    before = sampled(await batches(connector, sim, 7))  # the quiet lead-in
    assert before and not book.liquidations
    later = await batches(connector, sim, 12)  # through the crash, to ADL's first closes
    assert book.liquidations and book.deleverages
    after = sampled(later)
    assert set(before) <= set(after)  # each as it was read before, not as the crash left it
    now = sizes(p for p in book.added if not p.closed)
    gone_or_cut = [(key, size) for key, size in before if size not in now.get(key, set())]
    assert len(gone_or_cut) >= 5, gone_or_cut


async def test_wallets_first_seen_in_the_crash_do_not_push_out_the_reads_taken_before_it(
    sim: SimExchange,
) -> None:
    """A crash's trades name hundreds of wallets never seen before; the sample remembers at
    most `MAX_WALLETS`, and those merely seen go before those read."""
    client = rest_client(sim, "hyperliquid")
    sample = WalletSample(HYPERLIQUID_DEMO_WALLET)
    coins = {"BTC/USDC:USDC": "BTC", "ETH/USDC:USDC": "ETH"}
    try:
        for _ in range(7):
            sim.advance(30)
            before = await sample.read(client, coins)
        for _ in range(24):
            sim.advance(30)
            after = await sample.read(client, coins)
    finally:
        await client.close()
    assert sim.world.books["hyperliquid"].deleverages
    for symbol in coins:
        assert set(before[symbol].positions) <= set(after[symbol].positions), symbol
