"""A tiny venue stand-in on 127.0.0.1: serves recorded JSON at the venue's real paths.

The real ccxt client is pointed at it through `api_url` (prefix `/<venue>`), so every request
goes through ccxt's signing, URL building, error tables and parsers exactly as against the venue.
Faults (HTML pages, 429, 503, slow replies) are replies like any other.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "venues"

Responder = Callable[[web.Request], Awaitable[web.StreamResponse]]


def fixture(venue: str, name: str) -> Any:
    """A recorded doc response (tests/fixtures/venues/<venue>/<name>.json), parsed."""
    return json.loads((FIXTURES / venue / f"{name}.json").read_text(encoding="utf-8"))


@dataclass
class Reply:
    body: Any = None
    status: int = 200
    headers: dict[str, str] | None = None
    text: str | None = None  # raw text instead of JSON (HTML pages, bodies cut short)
    delay: float = 0.0
    content_type: str = "text/html"  # of `text`

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.text is not None:
            return web.Response(
                text=self.text,
                status=self.status,
                headers=self.headers,
                content_type=self.content_type,
            )
        return web.json_response(self.body, status=self.status, headers=self.headers)


class FixtureServer:
    """Routes are (METHOD, path-after-the-venue-prefix); `hits` counts requests per path."""

    def __init__(self, venue: str, host: str = "127.0.0.1") -> None:
        self.venue = venue
        self.host = host  # another loopback address (127.0.0.2) plays "another host"
        self.routes: dict[tuple[str, str], Responder] = {}
        self.fallback: Responder | None = None  # answers every path without a route
        self.hits: Counter[str] = Counter()
        self.requests: list[web.Request] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.port}/{self.venue}"

    def reply(self, method: str, path: str, body: Any = None, **options: Any) -> None:
        self.routes[(method.upper(), path)] = Reply(body, **options)

    def serve(self, replies: dict[tuple[str, str], Any]) -> None:
        """Answer each (METHOD, path) with its JSON body."""
        for (method, path), body in replies.items():
            self.reply(method, path, body)

    def route(self, method: str, path: str, responder: Responder) -> None:
        self.routes[(method.upper(), path)] = responder

    def fail_everything(self, reply: Reply) -> None:
        """Every route answers `reply` from now on (a proxy page, an outage, a rate limit)."""
        for key in self.routes:
            self.routes[key] = reply

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        prefix = f"/{self.venue}"
        path = request.path[len(prefix) :] if request.path.startswith(prefix) else request.path
        self.hits[path] += 1
        self.requests.append(request)
        responder = self.routes.get((request.method, path), self.fallback)
        if responder is None:
            return web.json_response(
                {"error": f"no fixture for {request.method} {path}"}, status=404
            )
        return await responder(request)

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.api_url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@contextmanager
def running_in_thread(server: FixtureServer) -> Iterator[FixtureServer]:
    """Serve from a loop of its own, for code under test that runs its own loop (the CLI)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fixture-server", daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(server.start(), loop).result(30)
        yield server
        asyncio.run_coroutine_threadsafe(server.close(), loop).result(30)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()
