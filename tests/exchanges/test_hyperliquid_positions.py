"""Our float parse of Hyperliquid's positions against ccxt's own `parse_position`.

The connector maps `clearinghouseState.assetPositions` itself (it is cheaper than ccxt's
decimal-string parse; exchanges/hyperliquid_positions.py). Whatever it builds must be the
position ccxt's parser would have given: the same symbol, side, size, mark, margin and
liquidation price, so the table, the formulas and the advice see the same numbers.
"""

from __future__ import annotations

import copy
import dataclasses
from functools import partial
from typing import Any

import ccxt.async_support as ccxt_async
import pytest

from adl_monitor.exchanges.hyperliquid_positions import CoinSymbols, unified_position
from adl_monitor.exchanges.position_builder import build_position
from tests.exchanges.fixture_server import fixture
from tests.exchanges.markets import by_symbol, market


def _entry(**changes: Any) -> dict[str, Any]:
    """The documented example entry (an isolated ETH long), with `changes` to its position."""
    entry = copy.deepcopy(fixture("hyperliquid", "clearinghouseState-assetPosition"))
    for name, value in changes.items():
        if value is None:
            entry["position"].pop(name, None)
        else:
            entry["position"][name] = value
    return entry


ENTRIES = {
    "documented isolated long": _entry(),
    "cross short in profit": _entry(
        coin="BTC",
        szi="-0.5",
        entryPx="64000.0",
        positionValue="31000.0",
        unrealizedPnl="1000.0",
        marginUsed="3100.0",
        liquidationPx="90123.4",
        leverage={"type": "cross", "value": 10},
    ),
    "isolated short at a loss": _entry(
        szi="-3.3333",
        positionValue="7777.7777",
        unrealizedPnl="-123.456",
        marginUsed="400.5",
        leverage={"type": "isolated", "value": "20", "rawUsd": "8000"},
    ),
    "no liquidation price (cross, well margined)": _entry(
        liquidationPx=None, leverage={"type": "cross", "value": "3"}
    ),
    "a HIP-3 coin": _entry(coin="xyz:XYZ100", szi="12.0", positionValue="1320.0"),
    "an unknown coin": _entry(coin="NOTLISTED"),
    "a closed row": _entry(szi="0.0", positionValue="0.0"),
}


@pytest.fixture
async def client() -> Any:
    markets = by_symbol(
        market("1", "ETH/USDC:USDC", info={"name": "ETH"}),
        market("0", "BTC/USDC:USDC", info={"name": "BTC"}),
        market("110000", "XYZ-XYZ100/USDC:USDC", info={"name": "xyz:XYZ100"}),
    )
    exchange = ccxt_async.hyperliquid({"urls": {"api": {"public": "http://127.0.0.1:9"}}})
    exchange.set_markets(markets)
    yield exchange
    await exchange.close()


@pytest.mark.parametrize("case", list(ENTRIES))
def test_the_position_is_the_one_ccxt_parses(client: Any, case: str) -> None:
    entry = ENTRIES[case]
    ours = unified_position(entry, partial(CoinSymbols().symbol, client))
    theirs = client.parse_position(copy.deepcopy(entry))

    fields = ("symbol", "side", "contracts", "entryPrice", "notional", "unrealizedPnl")
    fields += ("leverage", "marginMode", "collateral", "initialMargin", "positionMargin")
    fields += ("liquidationPrice",)
    assert {f: ours[f] for f in fields} == pytest.approx({f: theirs[f] for f in fields})
    assert (ours["markPrice"] or None) == pytest.approx(theirs["markPrice"] or None)
    built = build_position("hl", "hyperliquid", ours, None)
    expected = build_position("hl", "hyperliquid", theirs, None)
    if expected is None:
        assert built is None
    else:
        assert built is not None
        # ccxt derives an isolated position's maintenance margin from its liquidation price;
        # nothing reads it for Hyperliquid (its ranking has no margin term, and the account's
        # maintenance figure, `crossMaintenanceMarginUsed`, leaves isolated positions out).
        assert built.maintenance_margin is None
        assert dataclasses.asdict(built) == pytest.approx(
            dataclasses.asdict(expected) | {"maintenance_margin": None}
        )


def test_an_unreadable_size_reaches_the_connector_as_sent(client: Any) -> None:
    """ccxt's parser raises on it; ours passes it on, so the connector skips and logs the row
    rather than failing the whole account for one bad entry."""
    unified = unified_position(_entry(szi="abc"), partial(CoinSymbols().symbol, client))

    assert unified["contracts"] == "abc"
    assert unified["side"] is None


def test_an_entry_that_is_no_object_is_no_position(client: Any) -> None:
    unified = unified_position(["not", "a", "position"], partial(CoinSymbols().symbol, client))

    assert build_position("hl", "hyperliquid", unified, None) is None


def test_a_market_reload_is_asked_again(client: Any) -> None:
    """The symbol cache belongs to one markets table: a reload (a new dict) reads afresh."""
    coins = CoinSymbols()
    assert coins.symbol(client, "ETH") == "ETH/USDC:USDC"

    client.set_markets(by_symbol(market("1", "ETH/USDC:USDC", info={"name": "ETH"})))
    client.options["hip3TokensByName"] = {"ETH": {"quote": "USDC", "code": "WETH"}}

    assert coins.symbol(client, "ETH") == "WETH/USDC:USDC"
