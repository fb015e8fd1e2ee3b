"""Faults the simulated exchange can stage per venue, and how each one is rendered.

A bad day at an exchange, on demand: a body cut in half, a captive-portal page with HTTP 200, a
503, a 429 with or without Retry-After, a request that never answers, headers followed by a
trickle of bytes, the venue's own "key rejected" reply, and a private websocket that stays open
but goes silent. Faults are set per venue, optionally for one route (a path prefix under the
venue, e.g. `/v5/position/list`), and switched on and off at run time (Python API, the
`POST /__sim/fault` control route, `sim-exchange --fault`): docs/simulator.md.

Every fault is rendered here, the same way for every venue; a venue contributes only what is its
own: its auth-error and rate-limit replies (`VenueReplies`). HTTP faults apply to plain
requests; `ws-silent` applies to the private position streams (Bybit, OKX).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aiohttp import web


class FaultKind(StrEnum):
    TRUNCATED = "truncated"
    """HTTP 200, application/json, the real body cut in half."""
    HTML = "html"
    """HTTP 200 with an HTML page (a captive portal or a CDN error page)."""
    UNAVAILABLE = "503"
    """HTTP 503 from the "load balancer"."""
    RATE_LIMITED = "429"
    """HTTP 429 with the venue's rate-limit body and a Retry-After header."""
    RATE_LIMITED_BARE = "429-bare"
    """HTTP 429 with the venue's rate-limit body and no Retry-After."""
    TIMEOUT = "timeout"
    """No answer until the fault ends (or `hang_seconds` pass): past any client time-out."""
    SLOW_BODY = "slow-body"
    """The real status and headers at once, then the body one byte at a time."""
    AUTH = "auth"
    """The venue's own "API key rejected" reply."""
    WS_SILENT = "ws-silent"
    """The private position stream stays open and sends nothing: no pushes, no pongs."""


HTTP_FAULTS = frozenset(FaultKind) - {FaultKind.WS_SILENT}

CAPTIVE_PORTAL = "<html><body><h1>Welcome</h1>Please log in to the hotel Wi-Fi.</body></html>"
UNAVAILABLE_PAGE = "<html><body><h1>503 Service Unavailable</h1></body></html>"
TRICKLE_SECONDS = 0.25
"""Real seconds between the bytes of a slow body."""
POLL_SECONDS = 0.05
"""How often a held request checks whether its fault has ended."""


@dataclass(frozen=True, slots=True)
class VenueReplies:
    """What a fault reply holds that is the venue's own: (HTTP status, JSON body or text)."""

    auth_error: tuple[int, Any]
    rate_limited: tuple[int, Any]


@dataclass(frozen=True, slots=True)
class Fault:
    kind: FaultKind
    route: str | None = None
    """A path prefix under the venue (`/fapi/v3/positionRisk`); None for every route."""
    retry_after: int = 1
    """Whole seconds sent in Retry-After by `429` (HTTP allows no fractions)."""

    def covers(self, path: str) -> bool:
        return self.route is None or path.startswith(self.route)

    def to_json(self) -> dict[str, Any]:
        return {"fault": str(self.kind), "route": self.route, "retry_after": self.retry_after}


def parse_kind(name: str) -> FaultKind:
    """A fault kind by name, or ValueError with a sentence listing the kinds."""
    try:
        return FaultKind(name)
    except ValueError:
        kinds = ", ".join(kind.value for kind in FaultKind)
        raise ValueError(f"unknown fault {name!r}: choose one of {kinds}") from None


def check_route(route: str | None) -> None:
    """A route is a path prefix under the venue: ValueError with a sentence otherwise."""
    if route is not None and not (isinstance(route, str) and route.startswith("/")):
        raise ValueError(f"a route is a path under the venue starting with '/', not {route!r}")


class FaultTable:
    """The faults in force, per venue. Owned by the server's event loop."""

    def __init__(self, venues: Callable[[], frozenset[str]]) -> None:
        self._venues = venues
        self._faults: dict[str, list[Fault]] = {}

    def set(
        self, venue: str, kind: FaultKind | str, route: str | None = None, retry_after: int = 1
    ) -> Fault:
        """Stage `kind` on `venue` (one route, or all); replaces a fault on the same route."""
        if venue not in self._venues():
            known = ", ".join(sorted(self._venues()))
            raise ValueError(f"unknown venue {venue!r}: choose one of {known}")
        check_route(route)
        if isinstance(retry_after, bool) or not isinstance(retry_after, int):
            raise ValueError("retry_after must be a whole number of seconds")
        if not 0 <= retry_after <= 3600:
            raise ValueError("retry_after must be between 0 and 3600 seconds")
        fault = Fault(parse_kind(kind) if isinstance(kind, str) else kind, route, retry_after)
        faults = [f for f in self._faults.get(venue, []) if f.route != route]
        self._faults[venue] = [*faults, fault]
        return fault

    def clear(self, venue: str | None = None, route: str | None = None) -> None:
        """End the faults of `venue` (one route, or all of them), or of every venue."""
        if venue is None:
            self._faults.clear()
        elif route is None:
            self._faults.pop(venue, None)
        else:
            self._faults[venue] = [f for f in self._faults.get(venue, []) if f.route != route]

    def http_fault(self, venue: str, path: str) -> Fault | None:
        """The HTTP fault for this request: a route's own before the venue-wide one."""
        faults = [f for f in self._faults.get(venue, []) if f.kind in HTTP_FAULTS]
        matching = [f for f in faults if f.covers(path)]
        matching.sort(key=lambda f: f.route is None)
        return matching[0] if matching else None

    def active(self, venue: str, fault: Fault) -> bool:
        return fault in self._faults.get(venue, [])

    def stream_silent(self, venue: str) -> bool:
        return any(f.kind is FaultKind.WS_SILENT for f in self._faults.get(venue, []))

    def to_json(self) -> dict[str, list[dict[str, Any]]]:
        return {venue: [f.to_json() for f in faults] for venue, faults in self._faults.items()}


Reply = Callable[[], Awaitable[web.StreamResponse]]


class FaultRenderer:
    """Turns a fault into the reply a client sees.

    `real_reply` runs the venue's own handler (a truncated or slow body is the real one);
    `lasting` says whether the fault is still on, so held requests end soon after it does.
    """

    def __init__(self, stopping: Callable[[], bool], hang_seconds: float) -> None:
        self._stopping = stopping
        self.hang_seconds = hang_seconds
        """Real seconds a request is held at most (longer than any client's time-out)."""

    async def render(
        self,
        request: web.Request,
        kind: FaultKind,
        replies: VenueReplies,
        real_reply: Reply,
        lasting: Callable[[], bool],
        retry_after: int = 1,
    ) -> web.StreamResponse:
        if kind is FaultKind.TRUNCATED:
            body = await _body_of(await real_reply())
            return web.Response(
                status=200, body=body[: len(body) // 2], content_type="application/json"
            )
        if kind is FaultKind.HTML:
            return web.Response(status=200, text=CAPTIVE_PORTAL, content_type="text/html")
        if kind is FaultKind.UNAVAILABLE:
            return web.Response(status=503, text=UNAVAILABLE_PAGE, content_type="text/html")
        if kind is FaultKind.RATE_LIMITED:
            return _venue_reply(replies.rate_limited, {"Retry-After": str(retry_after)})
        if kind is FaultKind.RATE_LIMITED_BARE:
            return _venue_reply(replies.rate_limited, {})
        if kind is FaultKind.AUTH:
            return _venue_reply(replies.auth_error, {})
        if kind is FaultKind.TIMEOUT:
            deadline = time.monotonic() + self.hang_seconds
            while self._holding(lasting, deadline):
                await asyncio.sleep(POLL_SECONDS)
            return web.Response(status=504, text="504 Gateway Time-out")
        return await self._trickle(request, await real_reply(), lasting)

    def _holding(self, lasting: Callable[[], bool], deadline: float) -> bool:
        return lasting() and not self._stopping() and time.monotonic() < deadline

    async def _trickle(
        self, request: web.Request, reply: web.StreamResponse, lasting: Callable[[], bool]
    ) -> web.StreamResponse:
        """The real status and headers now, the body a byte per TRICKLE_SECONDS while the
        fault lasts (the rest at once when it ends)."""
        body = await _body_of(reply)
        slow = web.StreamResponse(status=reply.status)
        slow.content_type = reply.content_type or "application/json"
        slow.content_length = len(body)
        deadline = time.monotonic() + self.hang_seconds
        with contextlib.suppress(ConnectionResetError):  # the client gave up, as it should
            await slow.prepare(request)
            sent = 0
            while sent < len(body) and self._holding(lasting, deadline):
                await slow.write(body[sent : sent + 1])
                sent += 1
                await asyncio.sleep(TRICKLE_SECONDS)
            await slow.write(body[sent:])
            await slow.write_eof()
        return slow


async def _body_of(reply: web.StreamResponse) -> bytes:
    body = reply.body if isinstance(reply, web.Response) else None
    return body if isinstance(body, bytes) else b""


def _venue_reply(reply: tuple[int, Any], headers: dict[str, str]) -> web.Response:
    status, body = reply
    if isinstance(body, str):
        return web.Response(status=status, text=body, headers=headers)
    return web.Response(
        status=status, text=json.dumps(body), content_type="application/json", headers=headers
    )
