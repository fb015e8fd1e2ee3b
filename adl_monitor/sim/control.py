"""Who may use the simulator's control routes (`/__sim/...`): this machine's own programs only.

Binding to 127.0.0.1 keeps other machines out, but not a web page open in the user's browser: it
can POST to `http://127.0.0.1:PORT/__sim/advance` as a "simple" cross-origin request
(`text/plain`, no preflight), or reach it under its own name through DNS rebinding. So a control
route answers only when

* the `Host` header is a loopback name with this server's port (`127.0.0.1:PORT`,
  `localhost:PORT`, `[::1]:PORT`) — a rebound name is refused with 403, and
* a POST says `Content-Type: application/json` — which a page can only send cross-origin after
  a CORS preflight this server never grants — anything else is refused with 415.

The venue routes are not guarded: they are what the app's ccxt clients call, like the real venue.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

CONTROL_PREFIX = "/__sim/"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ControlGuard:
    """aiohttp middleware; `port` is set once the server knows the port it bound."""

    def __init__(self) -> None:
        self.port = 0

    def allowed_hosts(self) -> frozenset[str]:
        return frozenset(f"{name}:{self.port}" for name in LOOPBACK_NAMES)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(CONTROL_PREFIX):
            return await handler(request)
        host = request.headers.get("Host", "").lower()
        if host not in self.allowed_hosts():
            return web.json_response(
                {"error": f"control routes answer only a loopback Host with port {self.port}"},
                status=403,
            )
        if request.method == "POST" and request.content_type != "application/json":
            return web.json_response(
                {"error": "control routes take POST bodies as Content-Type: application/json"},
                status=415,
            )
        return await handler(request)
