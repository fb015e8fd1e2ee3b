"""Hyperliquid: how deep the venue's ADL reached into a queue, read from other wallets' public
fills (`exchanges/hyperliquid_adl_reach.py`), through the real ccxt client on the simulator."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from adl_monitor.core.assess import assess
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.ranking.formulas import hyperliquid_ranking
from adl_monitor.exchanges.hyperliquid_adl_reach import READS_PER_BATCH, AdlReach, adl_close
from adl_monitor.exchanges.registry import connector_for
from adl_monitor.sim.server import SimExchange
from adl_monitor.sim.wallets import wallet_address
from tests.helpers import assert_loopback_client

SHORT = ("BTC/USDC:USDC", "short")


def book_scores(exchange: SimExchange) -> list[float]:
    """Hyperliquid's score of each BTC short (not the demo's) the simulated book deleveraged,
    at the close's price against the account value the venue shows for its wallet now."""
    world = exchange.world
    dialect = exchange.dialects["hyperliquid"]
    scores = []
    for event in world.books["hyperliquid"].deleverages:
        if event.base != "BTC" or event.side.value != "short" or "demo" in event.account:
            continue
        address = wallet_address(world.seed, event.account)
        state = dialect.clearinghouse_state({"type": "clearinghouseState", "user": address})  # type: ignore[attr-defined]
        value = float(state["marginSummary"]["accountValue"])
        before = (
            sum(  # its size when this close came: this close and those after it, and what is left
                e.qty
                for e in world.books["hyperliquid"].deleverages
                if e.pid == event.pid and e.at >= event.at
            )
            + next(
                (
                    p.size
                    for p in world.books["hyperliquid"].added
                    if p.pid == event.pid and not p.closed
                ),
                0.0,
            )
        )
        scores.append(hyperliquid_ranking(event.entry / event.price, before * event.price, value))
    return scores


async def test_the_deepest_adl_close_of_other_wallets_moves_the_short_up_the_queue(
    tmp_path: Any,
) -> None:
    """The cascade of seed 7 deleverages BTC shorts but never reaches the demo's: nothing of
    the user's own says how deep ADL went, and the public figures read the same as on seeds
    where it went far shallower (docs/estimate-history.md). The venue's closes
    are on the public tape; the connector reads the deleveraged wallets' fills, scores the
    closes as the venue ranks, and the lowest — the one that reached deepest — is what the
    book really closed. The estimate then lands within one tier of the venue's true tier and
    says what it rests on; the fills cost at most `READS_PER_BATCH` reads a batch."""
    cascade = SimExchange("cascade", seed=7, speed=0)
    await cascade.start()
    account = next(a for a in cascade.demo_accounts() if a.exchange == "hyperliquid")
    connector = connector_for(account.spec(), account.credentials(), cache_dir=tmp_path)
    asked = cascade.dialects["hyperliquid"].info_served  # type: ignore[attr-defined]
    batches = 0
    try:
        await connector.open()
        assert_loopback_client(connector.client)
        for step in range(1, 121):  # 600 s, read every 5 s as the app does
            cascade.advance(5)
            if step % 6 == 0:
                connector._wallets._read_at = None  # a wallet batch is due (every 30 s)
                batches += 1
            await connector.fetch()  # starts the batch, which runs beside the refresh
            await connector._wallets.settled()
        reading = await connector.fetch()  # shows the last batch
        risks = assess(
            reading, account.spec(), RankEstimator(), now=datetime.now(UTC), stale_after=90.0
        )
        truth = {
            (p["symbol"], p["side"]): p["tier"]
            for p in cascade.world.truth()["venues"]["hyperliquid"]["positions"]
        }
        deleveraged = book_scores(cascade)
    finally:
        await connector.close()
        await cascade.stop()
    assert deleveraged, "the cascade deleverages other wallets' BTC shorts"
    assert not reading.adl_hits and SHORT not in dict.fromkeys(reading.adl_hits)
    reach = dict(reading.markets[SHORT[0]].adl_reach)["short"]
    assert reach == pytest.approx(min(deleveraged), rel=0.02)
    assert 0 < asked["userFills"] <= READS_PER_BATCH * batches
    (risk,) = [r for r in risks if (r.position.symbol, r.position.side.value) == SHORT]
    assert risk.estimate is not None
    assert "ADL closed other wallets' shorts here" in risk.estimate.basis
    assert abs(risk.estimate.tier - truth[SHORT]) <= 1, (risk.estimate.tier, truth[SHORT])


def fill(**fields: Any) -> dict[str, Any]:
    base = {
        "coin": "BTC",
        "px": "90000",
        "sz": "0.5",
        "startPosition": "-0.5",
        "closedPnl": "5000",
        "dir": "Auto-Deleveraging",
        "time": 1_700_000_000_000,
        "tid": 8_000_000_001,
    }
    return base | fields


def test_an_adl_fill_gives_the_score_the_venue_ranked_it_by() -> None:
    """A short of 0.5 BTC entered at 100,000 and closed by ADL at 90,000 (5,000 profit) in an
    account of 15,000: (100,000 ÷ 90,000) × 45,000 ÷ 15,000. Any other fill, or one that does
    not read, is no ADL close — never a crash."""
    close = adl_close(fill(), 15_000.0)
    assert close is not None and (close.coin, close.side) == ("BTC", "short")
    assert close.score == pytest.approx(100_000 / 90_000 * 45_000 / 15_000)
    long = adl_close(fill(startPosition="0.5", closedPnl="2500", px="110000"), 10_000.0)
    assert long is not None and long.side == "long"
    assert long.score == pytest.approx(110_000 / 105_000 * 55_000 / 10_000)
    for odd in (
        fill(dir="Close Short"),
        fill(closedPnl="-100"),  # ADL never closes a loser: misread
        fill(px="<html>"),
        fill(startPosition=None),
        fill(coin=None),
        "not a fill",
    ):
        assert adl_close(odd, 15_000.0) is None
    assert adl_close(fill(), 0.0) is None


class ScriptedVenue:
    """Answers `userFills` and `clearinghouseState` from a table, counting what is asked."""

    def __init__(self, fills: dict[str, list[Any]]) -> None:
        self.fills = fills
        self.asked: list[tuple[str, str]] = []

    async def publicPostInfo(self, body: dict[str, Any]) -> Any:
        self.asked.append((body["type"], body["user"]))
        if body["type"] == "userFills":
            return self.fills.get(body["user"], [])
        return {"marginSummary": {"accountValue": "15000"}, "assetPositions": []}


def zero_hash_trade(tid: int, at: int, buyer: str, seller: str, side: str = "A") -> dict[str, Any]:
    return {
        "coin": "BTC",
        "side": side,
        "px": "90000",
        "sz": "0.5",
        "time": at,
        "hash": "0x" + "0" * 64,
        "tid": tid,
        "users": [buyer, seller],
    }


async def test_a_market_maker_in_many_closes_is_read_once_and_the_batch_stays_small() -> None:
    """Twenty liquidations filled by one market maker, and one ADL close: the maker's fills
    (no ADL) are read once, not for every trade; a batch reads at most `READS_PER_BATCH`
    wallets; what is left waits for the next batch, and the ADL close is found."""
    maker, deleveraged = "0x" + "a" * 40, "0x" + "b" * 40
    liquidated = ["0x" + f"{n:040x}" for n in range(1, 21)]
    trades = [zero_hash_trade(9_000 + n, 1_000 + n, maker, w) for n, w in enumerate(liquidated)]
    trades.append(zero_hash_trade(8_000, 900, deleveraged, liquidated[0]))
    venue = ScriptedVenue({deleveraged: [fill(tid=8_000, time=900)]})
    reach = AdlReach(own_wallet=None)
    reach.note("BTC", trades)
    await reach.read(venue)
    fills_asked = [user for kind, user in venue.asked if kind == "userFills"]
    assert len(fills_asked) <= READS_PER_BATCH and fills_asked.count(maker) == 1
    for _ in range(10):
        await reach.read(venue)
    fills_asked = [user for kind, user in venue.asked if kind == "userFills"]
    assert fills_asked.count(maker) == 1
    assert deleveraged in fills_asked
    assert dict(reach.reach("BTC"))["short"] == pytest.approx(100_000 / 90_000 * 45_000 / 15_000)
    assert reach.reach("ETH") == ()


async def test_a_burst_of_closes_on_one_coin_does_not_starve_another_coins_queue() -> None:
    """The cascade of seed 4: ADL closes hundreds of ETH shorts, newer than the BTC shorts it
    closes at the same time. Read newest first across coins, every batch went to ETH, and
    BTC's reach came five minutes after ADL had reached the user's BTC short. Each queue (coin
    and side) now gets its turn, its newest close first; the older ones follow in later
    batches (new high-leverage positions refill the front, so an older close may have reached
    deeper)."""
    eth_shorts = ["0x" + f"{n:040x}" for n in range(1, 31)]
    btc_short, liquidated = "0x" + "b" * 40, "0x" + "c" * 40
    btc = [zero_hash_trade(8_000, 1_000, btc_short, liquidated)]
    eth = [
        zero_hash_trade(8_100 + n, 2_000 + n, wallet, liquidated) | {"coin": "ETH"}
        for n, wallet in enumerate(eth_shorts)
    ]
    venue = ScriptedVenue(
        {btc_short: [fill(tid=8_000, time=1_000)]}
        | {
            wallet: [fill(coin="ETH", px="3000", tid=8_100 + n, time=2_000 + n)]
            for n, wallet in enumerate(eth_shorts)
        }
    )
    reach = AdlReach(own_wallet=None)
    reach.note("BTC", btc)
    reach.note("ETH", eth)
    await reach.read(venue)
    fills_asked = [user for kind, user in venue.asked if kind == "userFills"]
    assert fills_asked[:2] == [eth_shorts[-1], btc_short], fills_asked  # each queue's newest
    assert len(fills_asked) <= READS_PER_BATCH
    assert dict(reach.reach("BTC")), "BTC's queue waited behind ETH's burst"
    assert dict(reach.reach("ETH"))
    for _ in range(10):
        await reach.read(venue)
    fills_asked = [user for kind, user in venue.asked if kind == "userFills"]
    assert sorted(fills_asked) == sorted([*eth_shorts, btc_short])  # each wallet once
