"""What every venue dialect shares: routing under its prefix, numbers as strings, failures.

A dialect maps (method, path) to a handler. Whatever is not in its table gets the venue's own
"not found" reply, so an unmodified ccxt client raises what it raises against the real venue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from adl_monitor.sim.faults import VenueReplies
from adl_monitor.sim.venues.signing import KeyTable
from adl_monitor.sim.world import World

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def num(value: float, digits: int = 8) -> str:
    """A number as the venues send it: a plain decimal string without exponent."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


class VenueError(Exception):
    """Raised by a handler to answer with the venue's error body and HTTP status."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(str(body))
        self.status = status
        self.body = body


class Dialect:
    """Base of a venue dialect. Subclasses fill `routes` in `__init__`."""

    exchange = ""
    replies = VenueReplies(
        auth_error=(401, "401 Unauthorized"), rate_limited=(429, "429 Too Many Requests")
    )
    """The venue's own auth-error and rate-limit replies, for the simulator's faults."""

    def __init__(self, world: Callable[[], World], keys: KeyTable | None = None) -> None:
        self._world = world
        self.keys = keys if keys is not None else KeyTable()
        """The API keys this venue accepts; the server shares one table among its venues."""
        self.routes: dict[tuple[str, str], Handler] = {}
        self.streams_silent = False
        """While True, this venue's open websockets go silent (a test hook: `stream.py`); the
        server sets it while a `ws-silent` fault is on (sim/faults.py)."""
        self.served: Counter[str] = Counter()
        """Requests answered per path: tests check what the app asks, and how often."""

    @property
    def world(self) -> World:
        return self._world()

    def not_found(self, request: web.Request, path: str) -> web.StreamResponse:
        return web.Response(status=404, text="404 page not found")

    async def handle(self, request: web.Request, path: str) -> web.StreamResponse:
        handler = self.routes.get((request.method, path))
        self.served[path] += 1
        if handler is None:
            return self.not_found(request, path)
        try:
            return await handler(request)
        except VenueError as error:
            if isinstance(error.body, str):
                return web.Response(status=error.status, text=error.body)
            return web.json_response(error.body, status=error.status)
