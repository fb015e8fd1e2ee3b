"""ccxt.pro's Bybit `watch_positions` authenticates, subscribes to `position` and receives
pushes in Bybit's format whenever a demo position's rank, size or status changes."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from adl_monitor.sim.demo import DEMO_API_KEY
from adl_monitor.sim.server import SimExchange
from adl_monitor.sim.venues.signing import hmac_hex, wall_ms
from tests.sim.clients import pro_bybit
from tests.sim.conftest import demo_truth


async def test_watch_positions_receives_pushed_rank_changes(sim: SimExchange) -> None:
    client = pro_bybit(sim)
    try:
        snapshot = await asyncio.wait_for(client.watch_positions(), 10)
        assert {p["symbol"] for p in snapshot} == {s for s, _ in demo_truth(sim, "bybit")}
        before = {p["symbol"]: p["info"]["adlRankIndicator"] for p in snapshot}

        sim.advance(25)  # the squeeze moves the demo longs up the queue
        pushed: list[dict[str, Any]] = []
        while not any(p["info"].get("adlRankIndicator") != before.get(p["symbol"]) for p in pushed):
            pushed = await asyncio.wait_for(client.watch_positions(), 10)
        truth = demo_truth(sim, "bybit")
        for position in pushed:
            info = position["info"]
            assert "entryPrice" in info and "avgPrice" not in info  # the websocket's own format
            assert info["adlRankIndicator"] == truth[(position["symbol"], position["side"])]["tier"]
    finally:
        await client.close()


async def _raw_socket(sim: SimExchange) -> tuple[aiohttp.ClientSession, Any]:
    session = aiohttp.ClientSession()
    url = sim.venue_url("bybit").replace("http://", "ws://") + "/v5/private"
    return session, await session.ws_connect(url)


async def test_ping_and_refused_subscription_without_auth(sim: SimExchange) -> None:
    session, ws = await _raw_socket(sim)
    try:
        await ws.send_json({"op": "ping", "req_id": "7"})
        pong = await ws.receive_json(timeout=5)
        assert pong["op"] == "pong" and pong["req_id"] == "7"

        await ws.send_json({"op": "subscribe", "req_id": "8", "args": ["position"]})
        refused = await ws.receive_json(timeout=5)
        assert refused["success"] is False

        expires = str(wall_ms() + 10_000)
        await ws.send_json({"op": "auth", "args": [DEMO_API_KEY, expires, "0" * 64]})
        assert (await ws.receive_json(timeout=5))["success"] is False

        signature = hmac_hex(f"GET/realtime{expires}")
        await ws.send_json({"op": "auth", "args": [DEMO_API_KEY, expires, signature]})
        assert (await ws.receive_json(timeout=5))["success"] is True
    finally:
        await ws.close()
        await session.close()
