"""The simulated exchange: every venue dialect on one loopback port, and the sim clock.

`/<venue>/...` goes to that venue's dialect (`/bybit`, `/binanceusdm`, `/okx`,
`/hyperliquid`); `/__sim/...` is the simulator's own, for benchmarks and tests:
`GET /__sim/truth` (every demo position's true queue place), `POST /__sim/advance`
(`{"seconds": 30}`, moves sim time) and `POST /__sim/fault` (`{"venue": "bybit", "fault":
"truncated"}`, stages a fault; `"fault": null` ends it; see `sim/faults.py`).

The server binds to 127.0.0.1 only: it serves fixed, published credentials and must never be
reachable from another machine. Its control routes also answer only a loopback `Host` (so a
DNS-rebinding page cannot reach them) and take POSTs only as `application/json` (which a web
page cannot send cross-origin without a preflight this server never grants).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import itertools
import json
import time
from collections.abc import Awaitable
from typing import Any

from aiohttp import web

from adl_monitor.sim.control import ControlGuard
from adl_monitor.sim.demo import DemoAccount, demo_accounts
from adl_monitor.sim.faults import Fault, FaultKind, FaultRenderer, FaultTable
from adl_monitor.sim.populations import DEFAULT_TRADERS_PER_SIDE
from adl_monitor.sim.request_log import RequestLog
from adl_monitor.sim.venues.base import Dialect
from adl_monitor.sim.venues.binance import Binance
from adl_monitor.sim.venues.bybit import Bybit
from adl_monitor.sim.venues.hyperliquid import Hyperliquid
from adl_monitor.sim.venues.okx import Okx
from adl_monitor.sim.venues.signing import KeyTable
from adl_monitor.sim.world import World

LOOPBACK = "127.0.0.1"
CLOCK_INTERVAL = 0.25  # real seconds between clock ticks
OUTAGE_HANG = 30.0  # real seconds a request hangs during an outage (longer than ccxt's timeout)


def check_loopback(host: str) -> None:
    """Refuse any host but 127.0.0.1: the simulator accepts published demo keys."""
    try:
        loopback = host == LOOPBACK and ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"the simulated exchange binds to {LOOPBACK} only, not {host!r}")


SHUTDOWN_GRACE = 0.5
"""Seconds stop() waits for in-flight requests before closing them."""


class SimExchange:
    """The four venues behind one aiohttp server on 127.0.0.1.

    `speed` is sim seconds per real second (0 freezes the clock: drive it with `advance`).
    `traders_per_side` sizes the synthetic population per venue, symbol and side;
    `population` and `lead_in` are the `World`'s (trader family; quiet seconds before the story).
    """

    def __init__(
        self,
        scenario: str = "calm",
        seed: int = 1,
        speed: float = 1.0,
        traders_per_side: int = DEFAULT_TRADERS_PER_SIDE,
        population: str = "a",
        lead_in: float = 0.0,
    ) -> None:
        self.world = World(
            scenario,
            seed,
            traders_per_side=traders_per_side,
            epoch_ms=int(time.time() * 1000),
            lead_in=lead_in,
            population=population,
        )
        self.speed = max(0.0, speed)
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._clock: asyncio.Task[None] | None = None
        self._requests = itertools.count()
        self._stopping: asyncio.Event | None = None
        self.requests = RequestLog()  # every request's method and path (docs/security.md)
        self.keys = KeyTable()
        """The API keys every venue accepts: the demo keys, plus any a test adds."""
        self.dialects: dict[str, Dialect] = {
            d.exchange: d
            for d in (
                Bybit(self._get_world, self.keys),
                Binance(self._get_world, self.keys),
                Okx(self._get_world, self.keys),
                Hyperliquid(self._get_world, self.keys),
            )
        }
        self.faults = FaultTable(lambda: frozenset(self.dialects))
        self._renderer = FaultRenderer(self._is_stopping, OUTAGE_HANG)

    @property
    def outage_hang(self) -> float:
        """Real seconds a request hangs in an outage or a `timeout` fault; tests shorten it."""
        return self._renderer.hang_seconds

    @outage_hang.setter
    def outage_hang(self, seconds: float) -> None:
        self._renderer.hang_seconds = seconds

    def _is_stopping(self) -> bool:
        return self._stopping is not None and self._stopping.is_set()

    def _get_world(self) -> World:
        return self.world

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self, port: int = 0, host: str = LOOPBACK) -> str:
        """Listen on 127.0.0.1:`port` (0 = any free port); return the base URL."""
        check_loopback(host)
        self._stopping = asyncio.Event()
        guard = ControlGuard()
        app = web.Application(middlewares=[guard.middleware])
        self.requests.install(app)
        app.router.add_get("/__sim/truth", self._truth)
        app.router.add_post("/__sim/advance", self._advance)
        app.router.add_get("/__sim/fault", self._faults)
        app.router.add_post("/__sim/fault", self._set_fault)
        app.router.add_route("*", "/{venue}/{tail:.*}", self._dispatch)
        # Requests held open by an outage are released on stop; don't wait aiohttp's 60 s for them.
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_GRACE
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, reuse_address=True)
        await site.start()
        bound = int(self._runner.addresses[0][1])
        guard.port = bound
        self.base_url = f"http://{LOOPBACK}:{bound}"
        if self.speed > 0:
            self._clock = asyncio.create_task(self._run_clock())
        return self.base_url

    async def stop(self) -> None:
        if self._stopping is not None:
            self._stopping.set()  # release requests hanging in an outage
        if self._clock is not None:
            self._clock.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._clock
            self._clock = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _run_clock(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(CLOCK_INTERVAL)
            now = time.monotonic()
            self.world.advance((now - last) * self.speed)
            last = now

    # --- public helpers ----------------------------------------------------------------------

    def venue_url(self, exchange: str) -> str:
        return f"{self.base_url}/{exchange}"

    def demo_accounts(self) -> list[DemoAccount]:
        return demo_accounts(self.base_url)

    def advance(self, seconds: float) -> None:
        """Move sim time forward now (tests, benchmarks): liquidations and ADL happen on the way."""
        self.world.advance(seconds)

    def truth(self) -> dict[str, Any]:
        return self.world.truth()

    def set_fault(
        self, venue: str, fault: FaultKind | str, route: str | None = None, retry_after: int = 1
    ) -> Fault:
        """Stage `fault` on `venue` (one route, a path prefix under the venue, or all) until
        `clear_faults`; ValueError names what is wrong with the arguments."""
        staged = self.faults.set(venue, fault, route, retry_after)
        self._silence_streams()
        return staged

    def add_read_only_key(self, api_key: str, secret: str, passphrase: str | None = None) -> None:
        """Accept another read-only key on every venue (a test's own, e.g. one carrying a
        marker). Python only: no control route adds keys."""
        self.keys.add_read_only(api_key, secret, passphrase)

    def clear_faults(self, venue: str | None = None, route: str | None = None) -> None:
        """End the faults on `venue` (one route, or all), or on every venue."""
        self.faults.clear(venue, route)
        self._silence_streams()

    def _silence_streams(self) -> None:
        for venue, dialect in self.dialects.items():
            dialect.streams_silent = self.faults.stream_silent(venue)

    # --- routes ------------------------------------------------------------------------------

    async def _truth(self, request: web.Request) -> web.Response:
        return web.json_response(self.world.truth())

    async def _advance(self, request: web.Request) -> web.Response:
        try:
            seconds = float(json.loads(await request.text() or "{}").get("seconds", 0))
        except (ValueError, TypeError, AttributeError):
            return web.json_response({"error": 'body must be {"seconds": <number>}'}, status=400)
        self.world.advance(seconds)
        return web.json_response({"sim_time": self.world.t})

    async def _faults(self, request: web.Request) -> web.Response:
        return web.json_response({"faults": self.faults.to_json()})

    async def _set_fault(self, request: web.Request) -> web.Response:
        """`{"venue", "fault", "route"?, "retry_after"?}` stages a fault; a null `fault` ends
        the venue's (or, without `venue`, every venue's) faults."""
        try:
            body = json.loads(await request.text() or "{}")
            if not isinstance(body, dict):
                raise ValueError('the body must be a JSON object like {"venue": "bybit", ...}')
            venue, fault, route = body.get("venue"), body.get("fault"), body.get("route")
            venue = None if venue is None else str(venue)
            if fault is None:
                self.clear_faults(venue, route)
            else:
                self.set_fault(str(venue), str(fault), route, body.get("retry_after", 1))
        except ValueError as error:
            return web.json_response({"error": str(error)}, status=400)
        return web.json_response({"faults": self.faults.to_json()})

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        venue = request.match_info["venue"]
        dialect = self.dialects.get(venue)
        if dialect is None:
            return web.Response(status=404, text="404 page not found")
        path = "/" + request.match_info["tail"]

        def real_reply() -> Awaitable[web.StreamResponse]:
            return dialect.handle(request, path)

        if self.world.outage(venue):
            # Half the requests get a 503 from the "load balancer", half hang past any timeout.
            kind = FaultKind.UNAVAILABLE if next(self._requests) % 2 == 0 else FaultKind.TIMEOUT
            return await self._renderer.render(
                request, kind, dialect.replies, real_reply, lambda: self.world.outage(venue)
            )
        fault = None if _is_websocket(request) else self.faults.http_fault(venue, path)
        if fault is None:
            return await real_reply()
        return await self._renderer.render(
            request,
            fault.kind,
            dialect.replies,
            real_reply,
            lambda: self.faults.active(venue, fault),
            fault.retry_after,
        )


def _is_websocket(request: web.Request) -> bool:
    """A websocket upgrade: HTTP faults leave it alone (`ws-silent` is the stream's fault)."""
    return request.headers.get("Upgrade", "").lower() == "websocket"
