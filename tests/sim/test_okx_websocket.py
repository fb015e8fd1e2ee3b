"""ccxt.pro's OKX `watch_positions` logs in, subscribes to `positions` and receives the
snapshot and then pushes in OKX's format whenever a demo position's `adl` or size changes."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import ccxt
import pytest

from adl_monitor.sim.demo import DEMO_API_KEY, DEMO_PASSWORD
from adl_monitor.sim.server import SimExchange
from adl_monitor.sim.venues.signing import hmac_base64
from tests.sim.clients import pro_okx
from tests.sim.conftest import demo_truth


def reported(sim: SimExchange) -> dict[tuple[str, str], str]:
    return {key: str(p["reported"]) for key, p in demo_truth(sim, "okx").items()}


async def test_watch_positions_receives_snapshot_then_adl_changes(sim: SimExchange) -> None:
    client = pro_okx(sim)
    try:
        snapshot = await asyncio.wait_for(client.watch_positions(), 10)
        truth = reported(sim)
        assert {(p["symbol"], p["side"]): p["info"]["adl"] for p in snapshot} == truth

        sim.advance(25)  # the squeeze moves the demo longs' adl
        moved = reported(sim)
        assert moved != truth, "the squeeze changes some demo position's adl"
        pushed = await asyncio.wait_for(client.watch_positions(), 10)
        assert pushed, "a change is pushed"
        for position in pushed:
            assert position["info"]["adl"] == moved[(position["symbol"], position["side"])]
            assert "pTime" in position["info"]  # the websocket's own field
        changed = {key for key in moved if moved[key] != truth[key]}
        assert {(p["symbol"], p["side"]) for p in pushed} == changed
    finally:
        await client.close()


async def test_wrong_passphrase_is_an_authentication_error(sim: SimExchange) -> None:
    client = pro_okx(sim, password="not-the-passphrase")
    try:
        with pytest.raises(ccxt.AuthenticationError) as caught:
            await asyncio.wait_for(client.watch_positions(), 10)
        assert "60024" in str(caught.value)
    finally:
        await client.close()


def login(timestamp: str, sign: str, passphrase: str = DEMO_PASSWORD) -> dict[str, Any]:
    args = {"apiKey": DEMO_API_KEY, "passphrase": passphrase, "timestamp": timestamp, "sign": sign}
    return {"op": "login", "args": [args]}


async def test_raw_protocol_ping_login_errors_and_subscribe(sim: SimExchange) -> None:
    positions = {"op": "subscribe", "args": [{"channel": "positions", "instType": "SWAP"}]}
    url = sim.venue_url("okx").replace("http://", "ws://") + "/ws/v5/private"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await ws.send_str("ping")
        assert await ws.receive_str(timeout=5) == "pong"

        await ws.send_json(positions)
        assert (await ws.receive_json(timeout=5))["code"] == "60011"  # please log in

        now = str(int(time.time()))
        verify = f"{now}GET/users/self/verify"
        await ws.send_json(login(now, hmac_base64(verify + "x")))
        assert (await ws.receive_json(timeout=5))["code"] == "60007"  # invalid sign
        stale = str(int(time.time()) - 120)
        await ws.send_json(login(stale, hmac_base64(f"{stale}GET/users/self/verify")))
        assert (await ws.receive_json(timeout=5))["code"] == "60006"  # expired

        await ws.send_json(login(now, hmac_base64(verify)))
        assert await ws.receive_json(timeout=5) == {
            "event": "login",
            "code": "0",
            "msg": "",
            "connId": "5a1b2c3d",
        }
        await ws.send_json(positions)
        ack = await ws.receive_json(timeout=5)
        assert (ack["event"], ack["arg"]) == ("subscribe", positions["args"][0])
        snapshot = await ws.receive_json(timeout=5)
        assert snapshot["arg"]["channel"] == "positions"
        assert {row["adl"] for row in snapshot["data"]} <= {"0", "1", "2", "3", "4", "5"}
        assert len(snapshot["data"]) == len(demo_truth(sim, "okx"))
