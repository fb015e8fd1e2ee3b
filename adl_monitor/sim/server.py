"""The simulated exchange: every venue dialect on one loopback port, and the sim clock.

`/<venue>/...` goes to that venue's dialect (`/bybit`, `/binanceusdm`, `/okx`,
`/hyperliquid`); `/__sim/...` is the simulator's own, for benchmarks and tests:
`GET /__sim/truth` (every demo position's true queue place) and `POST /__sim/advance`
(`{"seconds": 30}`, moves sim time). The server binds to 127.0.0.1 only: it serves fixed,
published credentials and must never be reachable from another machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import itertools
import json
import time
from typing import Any

from aiohttp import web

from adl_monitor.sim.demo import DemoAccount, demo_accounts
from adl_monitor.sim.request_log import RequestLog
from adl_monitor.sim.venues.base import Dialect
from adl_monitor.sim.venues.binance import Binance
from adl_monitor.sim.venues.bybit import Bybit
from adl_monitor.sim.venues.hyperliquid import Hyperliquid
from adl_monitor.sim.venues.okx import Okx
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
    `traders_per_side` sizes the synthetic population per venue, symbol and side.
    """

    def __init__(
        self,
        scenario: str = "calm",
        seed: int = 1,
        speed: float = 1.0,
        traders_per_side: int = 150,
    ) -> None:
        self.world = World(
            scenario, seed, traders_per_side=traders_per_side, epoch_ms=int(time.time() * 1000)
        )
        self.speed = max(0.0, speed)
        self.outage_hang = OUTAGE_HANG
        """Real seconds a request hangs in an outage; tests shorten it."""
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._clock: asyncio.Task[None] | None = None
        self._requests = itertools.count()
        self._stopping: asyncio.Event | None = None
        self.requests = RequestLog()  # every request's method and path (docs/security.md)
        self.dialects: dict[str, Dialect] = {
            d.exchange: d
            for d in (
                Bybit(self._get_world),
                Binance(self._get_world),
                Okx(self._get_world),
                Hyperliquid(self._get_world),
            )
        }

    def _get_world(self) -> World:
        return self.world

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self, port: int = 0, host: str = LOOPBACK) -> str:
        """Listen on 127.0.0.1:`port` (0 = any free port); return the base URL."""
        check_loopback(host)
        self._stopping = asyncio.Event()
        app = web.Application()
        self.requests.install(app)
        app.router.add_get("/__sim/truth", self._truth)
        app.router.add_post("/__sim/advance", self._advance)
        app.router.add_route("*", "/{venue}/{tail:.*}", self._dispatch)
        # Requests held open by an outage are released on stop; don't wait aiohttp's 60 s for them.
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_GRACE
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, reuse_address=True)
        await site.start()
        bound = int(self._runner.addresses[0][1])
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

    # --- routes ------------------------------------------------------------------------------

    async def _truth(self, request: web.Request) -> web.Response:
        return web.json_response(self.world.truth())

    async def _advance(self, request: web.Request) -> web.Response:
        try:
            seconds = float(json.loads(await request.text() or "{}").get("seconds", 0))
        except (ValueError, AttributeError):
            return web.json_response({"error": 'body must be {"seconds": <number>}'}, status=400)
        self.world.advance(seconds)
        return web.json_response({"sim_time": self.world.t})

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        venue = request.match_info["venue"]
        dialect = self.dialects.get(venue)
        if dialect is None:
            return web.Response(status=404, text="404 page not found")
        if self.world.outage(venue):
            # Half the requests get a 503 from the "load balancer", half hang past any timeout.
            if next(self._requests) % 2 == 0:
                return web.Response(
                    status=503,
                    text="<html><body><h1>503 Service Unavailable</h1></body></html>",
                    content_type="text/html",
                )
            if self._stopping is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.outage_hang)
            return web.Response(status=504, text="504 Gateway Time-out")
        return await dialect.handle(request, "/" + request.match_info["tail"])
