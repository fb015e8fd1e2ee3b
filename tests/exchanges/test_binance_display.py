"""Binance rows a trader can read (issue 12): the nominal leverage, which positionRisk v3 does not
carry, comes from `symbolConfig`; the raw adlQuantile shows the slot that applies to the position
(BOTH in one-way mode, the position's side in hedge mode) while the whole object is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from adl_monitor.core.ranking.scales import applied_raw
from adl_monitor.exchanges.registry import connector_for
from adl_monitor.sim.instruments import BY_BASE
from adl_monitor.sim.server import SimExchange
from tests.helpers import assert_loopback_client


async def test_binance_leverage_comes_from_the_symbol_settings(tmp_path: Path) -> None:
    sim = SimExchange("calm", seed=7, speed=0)
    await sim.start()
    account = next(a for a in sim.demo_accounts() if a.exchange == "binanceusdm")
    connector = connector_for(account.spec(), account.credentials(), cache_dir=tmp_path)
    try:
        await connector.open()
        assert_loopback_client(connector.client)
        reading = await connector.fetch()
        held = {
            BY_BASE[v.position.base].venue_id("binanceusdm"): v.position.leverage
            for v in sim.world.demo_views("binanceusdm")
        }
    finally:
        await connector.close()
        await sim.stop()

    assert reading.positions
    for position in reading.positions:
        venue_id = position.symbol.split("/")[0] + "USDT"
        assert position.leverage == pytest.approx(round(held[venue_id])), position.symbol


@pytest.mark.parametrize(
    ("raw", "side", "shown"),
    [
        ({"LONG": 0, "SHORT": 0, "BOTH": 2}, "long", "BOTH=2 (one-way mode)"),
        ({"LONG": 0, "SHORT": 0, "BOTH": 2}, "short", "BOTH=2 (one-way mode)"),
        ({"LONG": 3, "SHORT": 1, "BOTH": 0}, "long", "LONG=3 (hedge mode)"),
        ({"LONG": 3, "SHORT": 1, "BOTH": 0}, "short", "SHORT=1 (hedge mode)"),
        ({"LONG": 2, "SHORT": 2, "HEDGE": 0}, "short", "SHORT=2 (hedge mode)"),
        (
            {"symbol": "BTCUSDT", "adlQuantile": {"LONG": 1, "BOTH": 0}},
            "long",
            "LONG=1 (hedge mode)",
        ),
    ],
)
def test_the_slot_that_applies_is_shown(raw: object, side: str, shown: str) -> None:
    assert applied_raw("binanceusdm", raw, side) == shown


def test_other_venues_and_bare_values_show_the_raw_value_itself() -> None:
    assert applied_raw("bybit", 3, "long") is None
    assert applied_raw("binanceusdm", 2, "long") is None
