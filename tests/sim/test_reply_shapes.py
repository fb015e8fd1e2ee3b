"""The sim's replies carry every field of the venues' documented examples, with the same types
for the ADL fields, so code written against the real venue reads the sim unchanged."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from adl_monitor.sim.server import SimExchange
from tests.sim.clients import pro_bybit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "venues"
Client = Callable[..., Any]


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def assert_same_shape(ours: dict[str, Any], documented: dict[str, Any]) -> None:
    missing = set(documented) - set(ours)
    assert not missing, f"fields the venue documents but the sim leaves out: {sorted(missing)}"
    for key, value in documented.items():
        if value is None or ours[key] is None:
            continue
        if isinstance(value, dict):
            assert isinstance(ours[key], dict), key
        else:
            assert type(ours[key]) is type(value), f"{key}: {ours[key]!r} vs {value!r}"


async def test_bybit_position_list_and_key_info(client: Client) -> None:
    bybit = client("bybit")
    reply = await bybit.privateGetV5PositionList({"category": "linear", "settleCoin": "USDT"})
    documented = fixture("bybit/positionList.json")
    assert_same_shape(reply, documented)
    assert_same_shape(reply["result"]["list"][0], documented["result"]["list"][0])
    key_info = await bybit.privateGetV5UserQueryApi()
    assert_same_shape(key_info["result"], fixture("bybit/queryApi.json")["result"])


async def test_bybit_websocket_position_push(sim: SimExchange) -> None:
    client = pro_bybit(sim)
    pushed: list[dict[str, Any]] = []
    original = client.handle_positions

    def record(ws_client: Any, message: dict[str, Any]) -> None:
        pushed.append(message)
        original(ws_client, message)

    client.handle_positions = record
    try:
        await asyncio.wait_for(client.watch_positions(), 10)
        while not pushed:
            await asyncio.wait_for(client.watch_positions(), 10)
    finally:
        await client.close()
    documented = fixture("bybit/ws-position.json")
    assert_same_shape(pushed[0], documented)
    assert_same_shape(pushed[0]["data"][0], documented["data"][0])


async def test_binance_position_risk_quantile_and_restrictions(client: Client) -> None:
    binance = client("binanceusdm")
    risk = await binance.fapiPrivateV3GetPositionRisk()
    assert_same_shape(risk[0], fixture("binanceusdm/positionRisk-v3.json")[0])
    quantile = await binance.fapiPrivateGetAdlQuantile()
    documented = fixture("binanceusdm/adlQuantile.json")[0]
    assert_same_shape(quantile[0], documented)
    assert_same_shape(quantile[0]["adlQuantile"], documented["adlQuantile"])
    restrictions = await binance.sapiGetAccountApiRestrictions()
    assert_same_shape(restrictions, fixture("binanceusdm/apiRestrictions.json"))


async def test_okx_positions_and_config(client: Client) -> None:
    okx = client("okx")
    positions = await okx.privateGetAccountPositions()
    documented = fixture("okx/positions.json")
    assert_same_shape(positions, documented)
    assert_same_shape(positions["data"][0], documented["data"][0])
    config = await okx.privateGetAccountConfig()
    assert_same_shape(config["data"][0], fixture("okx/accountConfig.json")["data"][0])


async def test_hyperliquid_asset_position(client: Client) -> None:
    state = await client("hyperliquid").publicPostInfo(
        {"type": "clearinghouseState", "user": "0xdeadbeef00000000000000000000000000000001"}
    )
    documented = fixture("hyperliquid/clearinghouseState-assetPosition.json")
    isolated = next(
        p for p in state["assetPositions"] if p["position"]["leverage"]["type"] == "isolated"
    )
    assert_same_shape(isolated, documented)
    assert_same_shape(isolated["position"], documented["position"])
    assert_same_shape(isolated["position"]["leverage"], documented["position"]["leverage"])
