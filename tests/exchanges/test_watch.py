"""watch(): Bybit's private position stream (ccxt.pro) merged into the last REST state.

A tiny websocket endpoint on 127.0.0.1 answers ccxt's auth and subscribe messages and pushes
position messages in the shape of Bybit's documented example (tests/fixtures/venues/bybit).
"""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

from aiohttp import WSMsgType, web

from adl_monitor.core.model.position import Side
from tests.exchanges.fixture_server import FixtureServer, fixture
from tests.exchanges.markets import by_symbol, market
from tests.exchanges.test_bybit import account_info

MARKETS = by_symbol(
    market("BTCUSDT", "BTC/USDT:USDT"), market("BTCUSD", "BTC/USD:BTC", inverse=True)
)
EMPTY_WALLET = {"retCode": 0, "retMsg": "OK", "result": {"list": []}}


def linear_row(size: str, adl_rank: int, mark: str) -> dict[str, Any]:
    """The documented websocket position example, as an open one-way BTCUSDT long."""
    row = copy.deepcopy(fixture("bybit", "ws-position")["data"][0])
    row.update(
        positionIdx=0,
        side="Buy" if size != "0" else "",
        size=size,
        entryPrice="27000",
        avgPrice="27000",
        markPrice=mark,
        adlRankIndicator=adl_rank,
        positionValue=str(float(size) * 27000),
    )
    return row


def push(rows: list[dict[str, Any]]) -> dict[str, Any]:
    message = fixture("bybit", "ws-position")
    message["data"] = rows
    return message


class BybitStream:
    """Serves /v5/private: acknowledges auth and subscribe, then forwards queued messages."""

    def __init__(self) -> None:
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.received: list[dict[str, Any]] = []

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        sender: asyncio.Task[None] | None = None
        async for frame in socket:
            if frame.type is not WSMsgType.TEXT:
                continue
            message = json.loads(frame.data)
            self.received.append(message)
            op = message.get("op")
            reply = {"success": True, "ret_msg": "", "op": op, "conn_id": "fixture"}
            if "req_id" in message:
                reply["req_id"] = message["req_id"]
            if op == "ping":
                reply = {"op": "pong", "success": True, "ret_msg": "pong", "conn_id": "fixture"}
            await socket.send_json(reply)
            if op == "subscribe" and sender is None:
                sender = asyncio.create_task(self._forward(socket))
        if sender is not None:
            sender.cancel()
        return socket

    async def _forward(self, socket: web.WebSocketResponse) -> None:
        while True:
            await socket.send_json(await self.outbox.get())


async def test_stream_updates_tier_and_closes_positions(servers, open_connector) -> None:
    server: FixtureServer = await servers("bybit")
    rest_row = linear_row("1", 2, "28000")

    async def position_list(request: web.Request) -> web.Response:
        rows = [rest_row] if request.query.get("category") == "linear" else []
        return web.json_response({"retCode": 0, "retMsg": "OK", "result": {"list": rows}})

    server.route("GET", "/v5/position/list", position_list)
    server.reply("GET", "/v5/account/wallet-balance", EMPTY_WALLET)
    server.reply("GET", "/v5/account/info", account_info())
    no_fills = {"retCode": 0, "retMsg": "OK", "result": {"list": [], "category": "linear"}}
    server.reply("GET", "/v5/execution/list", no_fills)
    stream = BybitStream()
    server.route("GET", "/v5/private", stream)
    connector = await open_connector(server, MARKETS)
    assert connector.supports_watch

    rest = await connector.fetch()
    key = ("BTC/USDT:USDT", "long")
    assert rest.adl[key].tier == 2

    snapshot = await asyncio.wait_for(connector.watch(), 10)  # ccxt's REST snapshot first
    assert [p.key for p in snapshot.positions] == [p.key for p in rest.positions]

    await stream.outbox.put(push([linear_row("1.5", 4, "28500")]))
    updated = await asyncio.wait_for(connector.watch(), 10)
    (position,) = updated.positions
    assert (position.side, position.contracts, position.mark_price) == (Side.LONG, 1.5, 28500)
    assert updated.adl[key].tier == 4
    assert updated.adl[key].updated_at > rest.adl[key].updated_at
    assert {"op": "subscribe", "args": ["position"]}.items() <= stream.received[-1].items()

    # The doc example closes a hedge-mode short (positionIdx 2): the one-way long stays.
    await stream.outbox.put(fixture("bybit", "ws-position"))
    other_side = await asyncio.wait_for(connector.watch(), 10)
    assert [p.key for p in other_side.positions] == [position.key]

    # The same message for the one-way position (positionIdx 0) closes it.
    closing = fixture("bybit", "ws-position")
    closing["data"][0]["positionIdx"] = 0
    await stream.outbox.put(closing)
    closed = await asyncio.wait_for(connector.watch(), 10)
    assert closed.positions == ()
    assert closed.adl == {}
    # Gone with no fill of the user's own and no ADL fill: possibly ADL, not confirmed.
    assert closed.unconfirmed_closes == {key} and closed.adl_hits == frozenset()
    # Asked only when something closed or shrank: not for the growth to 1.5, nor any update.
    assert server.hits["/v5/execution/list"] == 1
