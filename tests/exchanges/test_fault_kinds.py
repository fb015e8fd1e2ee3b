"""The simulator's faults on the six venues it does not speak, at the connector level.

The engine's fault matrix (tests/engine/test_fault_matrix.py) covers Bybit, Binance USDⓈ-M, OKX
and Hyperliquid end to end. Gate, HTX, KuCoin Futures, Bitget, Phemex and Binance COIN-M are
served here by the fixture server with their working replies (the scenarios of
`test_malformed_replies`), every route rendered through the simulator's own fault renderer
(`adl_monitor/sim/faults.py`), so each fault looks exactly as it does in the simulator. In every
cell the real ccxt client reads the account: before the fault it reads positions; during the
fault `fetch()` fails with the right kind of failure and a sentence naming the account (never
"no positions"); after the fault it reads the same positions again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.exchanges import market_cache
from adl_monitor.exchanges.base import VenueConnector
from adl_monitor.exchanges.registry import connector_for
from adl_monitor.sim.faults import FaultKind, FaultRenderer, VenueReplies
from tests.exchanges.conftest import TEST_CREDENTIALS
from tests.exchanges.fixture_server import FixtureServer
from tests.exchanges.test_malformed_replies import SCENARIOS
from tests.helpers import assert_loopback_client

# Each venue's own replies to a rejected key and to too many requests (ccxt's error tables).
REPLIES: dict[str, VenueReplies] = {
    "gate": VenueReplies(
        auth_error=(401, {"label": "INVALID_KEY", "message": "Invalid key provided"}),
        rate_limited=(429, {"label": "TOO_MANY_REQUESTS", "message": "Request Rate limit"}),
    ),
    "htx": VenueReplies(
        auth_error=(
            200,
            {
                "status": "error",
                "err-code": "api-signature-not-valid",
                "err-msg": "Signature not valid: Incorrect Access key",
                "data": None,
            },
        ),
        rate_limited=(429, "429 Too Many Requests"),
    ),
    "kucoinfutures": VenueReplies(
        auth_error=(401, {"code": "400003", "msg": "KC-API-KEY not exists"}),
        rate_limited=(429, {"code": "429000", "msg": "Too Many Requests"}),
    ),
    "bitget": VenueReplies(
        auth_error=(400, {"code": "40006", "msg": "Invalid ACCESS_KEY", "data": None}),
        rate_limited=(429, {"code": "429", "msg": "Too Many Requests", "data": None}),
    ),
    "phemex": VenueReplies(
        auth_error=(401, {"code": 401, "msg": "401 Failed to load API KEY.", "data": None}),
        rate_limited=(429, "429 Too Many Requests"),
    ),
    "binancecoinm": VenueReplies(
        auth_error=(401, {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}),
        rate_limited=(429, {"code": -1003, "msg": "Too many requests."}),
    ),
}
NO_ANSWER = frozenset({FailureKind.NETWORK, getattr(FailureKind, "TIMEOUT", FailureKind.NETWORK)})
"""A venue that does not answer in time: a network failure (or its own kind, where there is one)."""
EXPECTED: dict[FaultKind, frozenset[FailureKind]] = {
    FaultKind.TRUNCATED: frozenset({FailureKind.BAD_REPLY}),
    FaultKind.HTML: frozenset({FailureKind.BAD_REPLY}),
    FaultKind.UNAVAILABLE: frozenset({FailureKind.VENUE_DOWN}),
    FaultKind.RATE_LIMITED: frozenset({FailureKind.RATE_LIMIT}),
    FaultKind.RATE_LIMITED_BARE: frozenset({FailureKind.RATE_LIMIT}),
    FaultKind.TIMEOUT: NO_ANSWER,
    FaultKind.SLOW_BODY: NO_ANSWER,
    FaultKind.AUTH: frozenset({FailureKind.BAD_KEY}),
}
CLIENT_TIMEOUT_MS = 1000
"""ccxt's own time-out in these cells, so a hanging reply fails in a second."""
RETRY_AFTER = 3


class FaultyVenue:
    """Every route of a fixture server answers its working reply, or the staged fault."""

    def __init__(self, server: FixtureServer, replies: VenueReplies) -> None:
        self.server = server
        self.replies = replies
        self.kind: FaultKind | None = None
        self.renderer = FaultRenderer(lambda: False, hang_seconds=10.0)

    def serve(self, routes: dict[tuple[str, str], Any]) -> None:
        for (method, path), body in routes.items():
            self.server.route(method, path, self._responder(body))

    def _responder(self, body: Any) -> Any:
        async def respond(request: web.Request) -> web.StreamResponse:
            async def real() -> web.StreamResponse:
                return web.json_response(body)

            kind = self.kind
            if kind is None:
                return await real()
            return await self.renderer.render(
                request, kind, self.replies, real, lambda: self.kind is kind, RETRY_AFTER
            )

        return respond


@pytest.fixture
async def venue_server(request: pytest.FixtureRequest) -> AsyncIterator[FixtureServer]:
    server = FixtureServer(request.param)
    await server.start()
    yield server
    await server.close()


async def _connector(server: FixtureServer, cache: Path) -> VenueConnector:
    scenario = SCENARIOS[server.venue]
    market_cache.save(
        market_cache.cache_file(cache, server.venue, server.api_url), scenario.markets
    )
    spec = AccountSpec(name=f"{server.venue} main", exchange=server.venue, api_url=server.api_url)
    connector = connector_for(spec, TEST_CREDENTIALS, cache_dir=cache)
    await connector.open()
    assert_loopback_client(connector.client)
    connector.client.timeout = CLIENT_TIMEOUT_MS
    connector.client.timeout_on_exit = 0
    return connector


def _cells() -> list[Any]:
    return [
        pytest.param(
            venue,
            kind,
            id=f"{venue}-{kind}",
        )
        for venue in REPLIES
        for kind in EXPECTED
    ]


@pytest.mark.parametrize(("venue_server", "kind"), _cells(), indirect=["venue_server"])
async def test_a_fault_is_a_failure_with_a_sentence_and_reading_resumes(
    venue_server: FixtureServer, kind: FaultKind, tmp_path: Path
) -> None:
    venue = venue_server.venue
    faulty = FaultyVenue(venue_server, REPLIES[venue])
    faulty.serve(SCENARIOS[venue].replies)
    connector = await _connector(venue_server, tmp_path / "markets")
    try:
        before = await connector.fetch()
        assert isinstance(before, AccountReading)
        positions = {p.key for p in before.positions}
        assert len(positions) >= SCENARIOS[venue].min_positions

        faulty.kind = kind
        try:
            outcome: object = await asyncio.wait_for(connector.fetch(), 30)
        except VenueFailure as failure:
            outcome = failure
        finally:
            faulty.kind = None
        assert isinstance(outcome, VenueFailure), f"{kind} on {venue} read as {outcome!r}"
        assert outcome.kind in EXPECTED[kind], outcome
        if kind is FaultKind.RATE_LIMITED:
            assert outcome.retry_after == RETRY_AFTER
        sentence = outcome.sentence(f"{venue} main")
        assert sentence.startswith(f"{venue} main: ") and "\n" not in sentence
        assert TEST_CREDENTIALS.secret not in sentence

        after = await connector.fetch()
        assert {p.key for p in after.positions} == positions
    finally:
        await connector.close()
