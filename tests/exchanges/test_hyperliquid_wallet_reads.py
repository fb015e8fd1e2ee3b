"""Hyperliquid: the connector reads the wallets it sees in the held coins' public trades, and
their positions reach the estimate (`exchanges/hyperliquid_wallets.py`), through the real ccxt
client on the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from adl_monitor.core.assess import assess
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.estimate.wallet_sample import MIN_SAMPLE
from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.exchanges.hyperliquid_wallets import READS_PER_BATCH
from adl_monitor.sim.server import SimExchange
from adl_monitor.sim.wallets import wallet_address
from tests.exchanges.test_sim_venues import connect, sim  # noqa: F401  (fixtures)


async def batches(connector: Any, exchange: SimExchange, count: int) -> AccountReading:
    """`count` refreshes 30 sim seconds apart, each starting a batch of wallet reads (the
    connector paces them in real seconds; here the interval is made due), which runs beside
    the refresh and is waited for; then the refresh that shows the last batch's values."""
    for _ in range(count):
        exchange.advance(30)
        connector._wallets._read_at = None  # due now, as 30 s later in the app
        await connector.fetch()
        await connector._wallets.settled()
    return await connector.fetch()


def book_positions(exchange: SimExchange, coin: str) -> Iterator[tuple[str, Any]]:
    for held in exchange.world.books["hyperliquid"].added:
        if held.base == coin and not held.closed and not held.account.demo:
            yield wallet_address(exchange.world.seed, held.account.name), held


async def test_positions_of_wallets_seen_trading_reach_the_estimate(
    sim: SimExchange,  # noqa: F811
    connect: Any,  # noqa: F811
) -> None:
    connector = await connect("hyperliquid")
    asked = sim.dialects["hyperliquid"].info_served  # type: ignore[attr-defined]
    reading = await batches(connector, sim, 10)
    held = {p.symbol for p in reading.positions}
    coins = {symbol.split("/")[0] for symbol in held}
    assert asked["recentTrades"] == 10 * len(coins)
    assert asked["clearinghouseState"] >= 10 * READS_PER_BATCH  # and the wallet's own reads
    for symbol, context in reading.markets.items():
        coin = symbol.split("/")[0]
        book = {
            (round(h.entry, 6), round(h.size, 8), h.side.value)
            for _, h in book_positions(sim, coin)
        }
        assert context.wallets, symbol
        for position in context.wallets:  # each one as the venue's book holds it
            assert (round(position.entry, 6), round(position.size, 8), position.side) in book
        assert context.wallets_read > 0
    own = {(p.symbol, round(p.entry_price or 0, 6)) for p in reading.positions}
    sampled = {(s, round(w.entry, 6)) for s, c in reading.markets.items() for w in c.wallets}
    assert not own & sampled  # the wallet's own positions are never in the sample
    spec = next(a for a in sim.demo_accounts() if a.exchange == "hyperliquid").spec()
    risks = assess(reading, spec, RankEstimator(), now=datetime.now(UTC), stale_after=90.0)
    profitable = [r for r in risks if r.estimate is not None and r.estimate.tier > 0]
    assert profitable
    for risk in profitable:
        assert risk.estimate is not None
        sampled = len(reading.markets[risk.position.symbol].wallets)
        words = f"as in the {sampled} positions of the"
        assert (words in risk.estimate.basis) == (sampled >= MIN_SAMPLE), risk.estimate.basis
    assert any(len(c.wallets) >= MIN_SAMPLE for c in reading.markets.values())


async def test_a_venue_without_public_trades_leaves_the_account_read_and_is_not_asked_again(
    sim: SimExchange,  # noqa: F811
    connect: Any,  # noqa: F811
    caplog: Any,
) -> None:
    """The trades endpoint fails (an older venue version, a proxy): the positions are read as
    ever, the prior keeps its modelled spread, the failure is logged once, and the endpoint
    waits for its interval instead of being asked on every refresh."""
    sim.dialects["hyperliquid"].kinds.pop("recentTrades")  # type: ignore[attr-defined]
    connector = await connect("hyperliquid")
    asked = sim.dialects["hyperliquid"].info_served  # type: ignore[attr-defined]
    readings = []
    for _ in range(3):
        readings.append(await connector.fetch())
        await connector._wallets.settled()
    assert all(r.positions for r in readings)
    assert asked["recentTrades"] == 0  # unknown kinds are refused before they are counted
    lines = [
        r for r in caplog.records if "other wallets' public positions unavailable" in r.message
    ]
    assert len(lines) == 1
    for context in readings[-1].markets.values():
        assert context.wallets == ()
