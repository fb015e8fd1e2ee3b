"""The control routes (`/__sim/...`) answer only this machine's programs: a loopback Host with the
server's port, and POST bodies as application/json — so a web page in the user's browser can
neither move the demo market (a cross-origin `text/plain` POST needs no preflight) nor reach it
through DNS rebinding (its own name in Host)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import aiohttp
import pytest

from adl_monitor.sim.server import SimExchange


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def _port(sim: SimExchange) -> int:
    port = urlsplit(sim.base_url).port
    assert port is not None
    return port


@pytest.mark.parametrize(
    "host",
    ["rebound.example.invalid:{port}", "127.0.0.2:{port}", "127.0.0.1:1", "localhost", ""],
    ids=["rebound-name", "other-address", "other-port", "no-port", "empty"],
)
@pytest.mark.parametrize(
    ("method", "route", "body"),
    [
        ("POST", "/__sim/advance", '{"seconds": 600}'),
        ("POST", "/__sim/fault", '{"venue": "bybit", "fault": "503"}'),
        ("GET", "/__sim/truth", None),
    ],
    ids=["advance", "fault", "truth"],
)
async def test_a_control_route_refuses_a_host_that_is_not_this_loopback_server(
    sim: SimExchange,
    http: aiohttp.ClientSession,
    host: str,
    method: str,
    route: str,
    body: str | None,
) -> None:
    headers = {"Host": host.format(port=_port(sim)), "Content-Type": "application/json"}
    async with http.request(method, sim.base_url + route, data=body, headers=headers) as reply:
        assert reply.status == 403
        assert "loopback" in (await reply.json())["error"]
    assert sim.world.t == 0  # the market did not move
    assert sim.faults.to_json() == {}


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
    ids=["text-plain", "form", "multipart", "none"],
)
@pytest.mark.parametrize(
    ("route", "body"),
    [("/__sim/advance", '{"seconds": 600}'), ("/__sim/fault", '{"venue": "okx", "fault": "html"}')],
    ids=["advance", "fault"],
)
async def test_a_control_post_must_be_json(
    sim: SimExchange,
    http: aiohttp.ClientSession,
    content_type: str | None,
    route: str,
    body: str,
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    if content_type is None:
        headers["Content-Type"] = ""
    async with http.post(sim.base_url + route, data=body.encode(), headers=headers) as reply:
        assert reply.status == 415
        assert "application/json" in (await reply.json())["error"]
    assert sim.world.t == 0
    assert sim.faults.to_json() == {}


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LOCALHOST", "[::1]"])
async def test_loopback_names_with_the_servers_port_and_json_are_served(
    sim: SimExchange, http: aiohttp.ClientSession, name: str
) -> None:
    headers = {"Host": f"{name}:{_port(sim)}"}
    async with http.post(
        f"{sim.base_url}/__sim/advance",
        json={"seconds": 5},
        headers={**headers, "Content-Type": "application/json; charset=utf-8"},
    ) as reply:
        assert reply.status == 200
        assert (await reply.json())["sim_time"] == 5
    async with http.get(f"{sim.base_url}/__sim/truth", headers=headers) as reply:
        assert reply.status == 200 and (await reply.json())["sim_time"] == 5


async def test_venue_routes_are_not_guarded(sim: SimExchange, http: aiohttp.ClientSession) -> None:
    """The guard is for the simulator's own routes; the venues answer like the real ones."""
    async with http.get(f"{sim.base_url}/bybit/v5/market/time") as reply:
        assert reply.status == 200 and (await reply.json())["retCode"] == 0
