"""No key leaves for another host: a venue's 302 is refused, never followed.

aiohttp follows redirects by default and sends the signed request's headers again — the API key
and signature — to whatever host `Location` names; ccxt then trusted that host's empty answer
("live, 0 positions"). Here the venue stand-in on 127.0.0.1 redirects to another server on
127.0.0.2 that answers "no positions"; that server must receive nothing, and the account must
fail with the sentence that names the host. Redirects within the same host are refused as well
(docs/security.md).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from adl_monitor.core.model.failure import FailureKind, VenueFailure
from tests.exchanges import test_okx
from tests.exchanges.conftest import TEST_CREDENTIALS
from tests.exchanges.fixture_server import FixtureServer, Reply
from tests.exchanges.test_malformed_replies import SCENARIOS
from tests.exchanges.test_watch import BybitStream

# venue → (positions route, the header that carries the key, "no positions" from the other host)
CASES: dict[str, tuple[str, str, Any]] = {
    "bybit": (
        "/v5/position/list",
        "X-BAPI-API-KEY",
        {"retCode": 0, "retMsg": "OK", "result": {"list": [], "category": "linear"}},
    ),
    "binanceusdm": ("/fapi/v3/positionRisk", "X-MBX-APIKEY", []),
    "okx": ("/api/v5/account/positions", "OK-ACCESS-KEY", test_okx.EMPTY),
}


def redirect_to(location: str) -> Reply:
    return Reply(text="", status=302, headers={"Location": location})


async def _fetch_failure(connector: Any) -> VenueFailure:
    with pytest.raises(VenueFailure) as caught:
        await connector.fetch()
    return caught.value


@pytest.mark.parametrize("venue", sorted(CASES))
async def test_a_redirect_to_another_host_gets_no_key_and_fails_the_account(
    venue: str, servers, open_connector
) -> None:
    route, key_header, empty = CASES[venue]
    scenario = SCENARIOS[venue]
    other: FixtureServer = await servers(venue, "127.0.0.2")
    other.fallback = Reply(empty)
    server: FixtureServer = await servers(venue)
    server.serve(scenario.replies)
    server.route("GET", route, redirect_to(other.api_url + route))
    connector = await open_connector(server, scenario.markets)

    failure = await _fetch_failure(connector)

    assert server.hits[route] >= 1
    assert not [r for r in other.requests if key_header.lower() in map(str.lower, r.headers)]
    assert other.requests == []
    assert failure.kind is FailureKind.REDIRECT
    assert failure.sentence(f"{venue} main") == (
        f"{venue} main: the exchange redirected the request to 127.0.0.2; the app sends keys "
        "to nobody else and follows no redirects — check api_url."
    )
    assert not failure.retryable  # retried only slowly: it is the address, not a blip
    assert TEST_CREDENTIALS.api_key not in str(failure)


async def _bybit_redirecting(servers, open_connector, location: str) -> tuple[Any, VenueFailure]:
    """Bybit's position list answers 302 to `location` (a path, or a whole URL)."""
    route, _key_header, empty = CASES["bybit"]
    scenario = SCENARIOS["bybit"]
    server: FixtureServer = await servers("bybit")
    server.serve(scenario.replies)
    server.reply("GET", "/elsewhere", empty)
    target = location if "://" in location else server.api_url + location
    server.route("GET", route, redirect_to(target))
    connector = await open_connector(server, scenario.markets)
    return server, await _fetch_failure(connector)


async def test_a_redirect_within_the_same_host_is_refused_too(servers, open_connector) -> None:
    server, failure = await _bybit_redirecting(servers, open_connector, "/elsewhere")

    assert server.hits["/elsewhere"] == 0
    assert failure.kind is FailureKind.REDIRECT
    assert "redirected the request to 127.0.0.1 (the same host)" in failure.sentence("a")


async def test_a_hostile_location_prints_only_a_clean_host(servers, open_connector) -> None:
    """The host in the sentence comes from the venue: no escape codes, no path, no query."""
    _server, failure = await _bybit_redirecting(
        servers, open_connector, "http://evil.invalid/x?key=%1b[2J"
    )

    assert failure.context == "evil.invalid"


async def test_a_redirected_websocket_gets_no_auth_message(servers, open_connector) -> None:
    """ccxt.pro signs in over the socket (Bybit `op: auth` with the key and a signature): a
    handshake redirected to another host is closed before anything is sent on it."""
    stream = BybitStream()
    other: FixtureServer = await servers("bybit", "127.0.0.2")
    other.route("GET", "/v5/private", stream)
    server: FixtureServer = await servers("bybit")
    server.serve(SCENARIOS["bybit"].replies)
    server.route("GET", "/v5/private", redirect_to(other.api_url + "/v5/private"))
    connector = await open_connector(server, SCENARIOS["bybit"].markets)
    assert (await connector.fetch()).positions

    with pytest.raises(VenueFailure) as caught:
        await asyncio.wait_for(connector.watch(), 10)

    assert server.hits["/v5/private"] == 1
    assert stream.received == []  # no auth message, no key
    assert caught.value.kind is FailureKind.REDIRECT
    assert caught.value.context == "127.0.0.2"
