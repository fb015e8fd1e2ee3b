"""What every venue dialect shares: routing under its prefix, numbers as strings, failures.

A dialect maps (method, path) to a handler. Whatever is not in its table gets the venue's own
"not found" reply, so an unmodified ccxt client raises what it raises against the real venue.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

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

    def __init__(self, world: Callable[[], World]) -> None:
        self._world = world
        self.routes: dict[tuple[str, str], Handler] = {}
        self.streams_silent = False
        """While True, this venue's open websockets go silent (a test hook: `stream.py`)."""

    @property
    def world(self) -> World:
        return self._world()

    def not_found(self, request: web.Request, path: str) -> web.StreamResponse:
        return web.Response(status=404, text="404 page not found")

    async def handle(self, request: web.Request, path: str) -> web.StreamResponse:
        handler = self.routes.get((request.method, path))
        if handler is None:
            return self.not_found(request, path)
        try:
            return await handler(request)
        except VenueError as error:
            if isinstance(error.body, str):
                return web.Response(status=error.status, text=error.body)
            return web.json_response(error.body, status=error.status)
