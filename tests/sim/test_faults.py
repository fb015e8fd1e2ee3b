"""The simulator's staged faults, as a client on the wire sees them: each kind on each venue, on
one route or all, switched on and off at run time through the Python API and `/__sim/fault`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from adl_monitor.sim.demo import DEMO_API_KEY, VENUES
from adl_monitor.sim.faults import FaultKind
from adl_monitor.sim.server import SimExchange
from adl_monitor.sim.venues.signing import hmac_hex, wall_ms

# A public route per venue whose real reply is a JSON document.
PUBLIC: dict[str, tuple[str, str, Any]] = {
    "bybit": ("GET", "/v5/market/time", None),
    "binanceusdm": ("GET", "/fapi/v1/time", None),
    "okx": ("GET", "/api/v5/public/time", None),
    "hyperliquid": ("POST", "/info", {"type": "meta"}),
}
NEVER = 0.5
"""Real seconds a test waits to see that nothing arrives (a negative check, not a timing)."""


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def _call(http: aiohttp.ClientSession, sim: SimExchange, venue: str, **kwargs: Any) -> Any:
    method, path, body = PUBLIC[venue]
    return http.request(method, sim.venue_url(venue) + path, json=body, **kwargs)


async def _real_body(http: aiohttp.ClientSession, sim: SimExchange, venue: str) -> bytes:
    async with _call(http, sim, venue) as reply:
        assert reply.status == 200
        return await reply.read()


@pytest.mark.parametrize("venue", VENUES)
async def test_truncated_is_the_first_half_of_the_real_json_with_200(
    sim: SimExchange, http: aiohttp.ClientSession, venue: str
) -> None:
    whole = await _real_body(http, sim, venue)
    sim.set_fault(venue, "truncated")
    async with _call(http, sim, venue) as reply:
        assert reply.status == 200 and reply.content_type == "application/json"
        body = await reply.read()
    assert body and whole.startswith(body) and len(body) == len(whole) // 2
    with pytest.raises(ValueError):
        json.loads(body)
    sim.clear_faults(venue)
    assert json.loads(await _real_body(http, sim, venue))


@pytest.mark.parametrize("venue", VENUES)
@pytest.mark.parametrize(
    ("kind", "status", "content_type", "retry_after"),
    [
        (FaultKind.HTML, 200, "text/html", None),
        (FaultKind.UNAVAILABLE, 503, "text/html", None),
        (FaultKind.RATE_LIMITED, 429, None, "7"),
        (FaultKind.RATE_LIMITED_BARE, 429, None, None),
    ],
    ids=lambda value: str(value),
)
async def test_pages_and_limits_have_the_status_and_headers_of_the_fault(
    sim: SimExchange,
    http: aiohttp.ClientSession,
    venue: str,
    kind: FaultKind,
    status: int,
    content_type: str | None,
    retry_after: str | None,
) -> None:
    sim.set_fault(venue, kind, retry_after=7)
    async with _call(http, sim, venue) as reply:
        assert reply.status == status
        assert reply.headers.get("Retry-After") == retry_after
        if content_type:
            assert reply.content_type == content_type
        text = await reply.text()
    if status == 429:  # the venue's own rate-limit reply
        expected = sim.dialects[venue].replies.rate_limited
        assert expected[0] == 429
        assert text == (expected[1] if isinstance(expected[1], str) else json.dumps(expected[1]))


@pytest.mark.parametrize(
    ("venue", "status", "marker"),
    [
        ("bybit", 401, '"retCode": 10003'),
        ("binanceusdm", 401, '"code": -2015'),
        ("okx", 401, '"code": "50111"'),
        ("hyperliquid", 422, "Failed to deserialize"),
    ],
)
async def test_auth_is_the_venues_own_rejection(
    sim: SimExchange, http: aiohttp.ClientSession, venue: str, status: int, marker: str
) -> None:
    sim.set_fault(venue, FaultKind.AUTH)
    async with _call(http, sim, venue) as reply:
        assert reply.status == status
        assert marker in await reply.text()


async def test_a_route_fault_leaves_the_venues_other_routes_alone(
    sim: SimExchange, http: aiohttp.ClientSession
) -> None:
    sim.set_fault("bybit", "503", route="/v5/position")
    sim.set_fault("bybit", "html", route="/v5/market/time")  # the route's own wins
    async with http.get(sim.venue_url("bybit") + "/v5/position/list?category=linear") as reply:
        assert reply.status == 503
    async with http.get(sim.venue_url("bybit") + "/v5/market/time") as reply:
        assert reply.status == 200 and reply.content_type == "text/html"
    async with http.get(sim.venue_url("bybit") + "/v5/market/tickers?category=linear") as reply:
        assert reply.status == 200 and (await reply.json())["retCode"] == 0
    for venue in ("binanceusdm", "okx", "hyperliquid"):  # other venues: untouched
        assert json.loads(await _real_body(http, sim, venue))
    sim.clear_faults("bybit", route="/v5/market/time")
    async with http.get(sim.venue_url("bybit") + "/v5/market/time") as reply:
        assert reply.status == 200 and (await reply.json())["retCode"] == 0


@pytest.mark.parametrize("venue", ["okx", "hyperliquid"])
async def test_timeout_holds_the_request_until_the_fault_ends(
    sim: SimExchange, http: aiohttp.ClientSession, venue: str
) -> None:
    sim.set_fault(venue, "timeout")
    with pytest.raises(TimeoutError):
        async with _call(http, sim, venue, timeout=aiohttp.ClientTimeout(total=NEVER)):
            pass
    held = asyncio.ensure_future(_call(http, sim, venue).__aenter__())
    await asyncio.sleep(NEVER)
    assert not held.done()  # still waiting for an answer
    sim.clear_faults(venue)
    reply = await asyncio.wait_for(held, 10)
    assert reply.status == 504  # released once the fault ended
    reply.release()
    assert json.loads(await _real_body(http, sim, venue))


async def test_slow_body_sends_headers_then_trickles_until_the_fault_ends(
    sim: SimExchange, http: aiohttp.ClientSession
) -> None:
    whole = await _real_body(http, sim, "binanceusdm")
    sim.set_fault("binanceusdm", "slow-body")
    async with _call(http, sim, "binanceusdm") as reply:
        assert reply.status == 200 and reply.content_length == len(whole)
        first = await asyncio.wait_for(reply.content.readexactly(1), 10)
        await asyncio.sleep(NEVER)
        assert not reply.content.at_eof()  # still trickling
        assert reply.content.total_bytes < len(whole)
        sim.clear_faults("binanceusdm")
        rest = await asyncio.wait_for(reply.content.read(), 10)
    body = first + rest
    assert len(body) == len(whole)
    assert json.loads(body)["serverTime"]


async def _bybit_socket(http: aiohttp.ClientSession, sim: SimExchange) -> Any:
    url = sim.venue_url("bybit").replace("http://", "ws://") + "/v5/private"
    ws = await http.ws_connect(url)
    expires = str(wall_ms() + 10_000)
    await ws.send_json(
        {"op": "auth", "args": [DEMO_API_KEY, expires, hmac_hex(f"GET/realtime{expires}")]}
    )
    assert (await ws.receive_json(timeout=5))["success"] is True
    await ws.send_json({"op": "subscribe", "args": ["position"]})
    assert (await ws.receive_json(timeout=5))["success"] is True
    assert (await ws.receive_json(timeout=5))["topic"] == "position"  # the first push
    return ws


async def test_a_silent_stream_stays_open_and_says_nothing_until_the_fault_ends(
    sim: SimExchange, http: aiohttp.ClientSession
) -> None:
    ws = await _bybit_socket(http, sim)
    try:
        sim.set_fault("bybit", "ws-silent")
        async with _call(http, sim, "bybit") as reply:  # REST is not affected
            assert reply.status == 200
        await ws.send_json({"op": "ping", "req_id": "1"})
        await ws.ping(b"are you there")
        sim.advance(25)  # the squeeze moves ranks: a push would be due
        with pytest.raises(TimeoutError):
            await ws.receive(timeout=NEVER * 2)
        assert not ws.closed

        sim.clear_faults("bybit")
        await ws.send_json({"op": "ping", "req_id": "2"})
        seen: list[dict[str, Any]] = []
        while not any(m.get("op") == "pong" for m in seen) or not any(
            m.get("topic") == "position" for m in seen
        ):
            seen.append(await ws.receive_json(timeout=10))
    finally:
        await ws.close()


async def test_the_control_route_stages_and_ends_faults(
    sim: SimExchange, http: aiohttp.ClientSession
) -> None:
    control = f"{sim.base_url}/__sim/fault"
    async with http.post(control, json={"venue": "okx", "fault": "429", "retry_after": 3}) as r:
        assert r.status == 200
        assert (await r.json())["faults"] == {
            "okx": [{"fault": "429", "route": None, "retry_after": 3}]
        }
    async with _call(http, sim, "okx") as reply:
        assert reply.status == 429 and reply.headers["Retry-After"] == "3"
    async with http.get(control) as r:
        assert "okx" in (await r.json())["faults"]
    async with http.post(control, json={"venue": "okx", "fault": None}) as r:
        assert r.status == 200 and (await r.json())["faults"] == {}
    async with _call(http, sim, "okx") as reply:
        assert reply.status == 200


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"venue": "kraken", "fault": "503"}, "unknown venue 'kraken'"),
        ({"venue": "okx", "fault": "meltdown"}, "unknown fault 'meltdown'"),
        ({"venue": "okx", "fault": "429", "retry_after": 1.5}, "whole number"),
        ({"venue": "okx", "fault": "503", "route": "api/v5"}, "starting with '/'"),
        ([1, 2], "JSON object"),
        ({"venue": ["okx"], "fault": "503"}, "unknown venue"),
    ],
)
async def test_a_bad_fault_request_is_refused_with_a_sentence(
    sim: SimExchange, http: aiohttp.ClientSession, body: Any, words: str
) -> None:
    async with http.post(f"{sim.base_url}/__sim/fault", json=body) as reply:
        assert reply.status == 400
        assert words in (await reply.json())["error"]
    assert sim.faults.to_json() == {}
