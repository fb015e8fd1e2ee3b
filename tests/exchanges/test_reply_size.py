"""A reply body over `MAX_REPLY_BYTES` is refused without being read into memory.

A 150 MB reply once took the process to 1.22 GB before it failed. Here the venue stand-in streams
a body far over the cap (chunked, no length) or announces one by Content-Length; the account
fails with BAD_REPLY, and the server sees the client stop reading long before the end.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp import web

from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.exchanges.guarded_session import MAX_REPLY_BYTES
from tests.exchanges.fixture_server import FixtureServer
from tests.exchanges.test_malformed_replies import SCENARIOS

ROUTE = "/v5/position/list"
_MIB = 1024 * 1024
PLANNED = 6 * MAX_REPLY_BYTES  # what the server would send if nobody stopped it


class EndlessBody:
    """Streams `[` followed by spaces, 1 MiB at a time, counting per request what it managed
    to send (Bybit asks linear and inverse at once: two requests)."""

    def __init__(self) -> None:
        self.sent: list[int] = []
        self.running = 0
        self.finished = asyncio.Event()

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        chunk = b"[" + b" " * (_MIB - 1)
        sent = 0
        self.running += 1
        try:
            while sent < PLANNED:
                await response.write(chunk)
                sent += len(chunk)
        except ConnectionError:
            pass
        finally:
            self.sent.append(sent)
            self.running -= 1
            if not self.running:
                self.finished.set()
        return response


async def _bybit(servers, open_connector, responder) -> tuple[FixtureServer, object]:
    scenario = SCENARIOS["bybit"]
    server: FixtureServer = await servers("bybit")
    server.serve(scenario.replies)
    server.route("GET", ROUTE, responder)
    connector = await open_connector(server, scenario.markets)
    return server, connector


async def test_a_streamed_body_over_the_cap_is_refused_early(servers, open_connector) -> None:
    endless = EndlessBody()
    _server, connector = await _bybit(servers, open_connector, endless)

    with pytest.raises(VenueFailure) as caught:
        await connector.fetch()  # type: ignore[attr-defined]
    await asyncio.wait_for(endless.finished.wait(), timeout=60)

    failure = caught.value
    assert failure.kind is FailureKind.BAD_REPLY
    assert "over the 32 MiB cap" in failure.detail
    assert failure.sentence("Bybit main").startswith("Bybit main: the exchange sent a reply")
    # The client stopped reading: what the server got out is the cap plus socket buffers.
    assert endless.sent and max(endless.sent) < MAX_REPLY_BYTES + 16 * _MIB < PLANNED


async def test_a_content_length_over_the_cap_is_refused_before_reading(
    servers, open_connector
) -> None:
    sent = []

    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = 150 * 1000 * 1000
        await response.prepare(request)
        try:
            await response.write(b"[" + b" " * (_MIB - 1))
            sent.append(_MIB)
        except ConnectionError:
            pass
        return response

    _server, connector = await _bybit(servers, open_connector, huge)

    with pytest.raises(VenueFailure) as caught:
        await connector.fetch()  # type: ignore[attr-defined]

    assert caught.value.kind is FailureKind.BAD_REPLY
    assert "150000000 bytes by its Content-Length" in caught.value.detail


async def test_a_reply_just_under_the_cap_is_still_read(servers, open_connector) -> None:
    """The cap refuses what is over it, not big market lists: a padded reply under it works."""
    scenario = SCENARIOS["bybit"]
    body = json.dumps(scenario.replies[("GET", ROUTE)])
    padded = body + " " * (4 * _MIB)
    _server, connector = await _bybit(
        servers,
        open_connector,
        lambda request: _text(padded),
    )

    reading = await connector.fetch()  # type: ignore[attr-defined]

    assert reading.positions


async def _text(text: str) -> web.Response:
    return web.Response(text=text, content_type="application/json")
