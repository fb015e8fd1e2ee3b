"""A loopback HTTP proxy in front of the simulator that can misbehave on demand: answer 429
with a Retry-After header, an HTML page with HTTP 200 (a captive portal), or no answer at all
(`"hang"`: the request is held until the proxy closes), the faults the simulator itself does
not stage. Everything else is passed through untouched, so signatures
and the venue's own replies are real."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web

_HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.fault: str | None = None  # None, "html", "rate_limit", "bybit_error" or "hang"
        self.bybit_error: tuple[int, str] = (
            10002,
            "invalid request, please check your server timestamp or recv_window param",
        )
        self.fault_once = False
        self.retry_after = 1.5
        self.hits: list[tuple[float, str | None]] = []
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._session = aiohttp.ClientSession()
        port = self._runner.addresses[0][1]
        return f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        self._closing.set()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        fault = self.fault
        self.hits.append((asyncio.get_running_loop().time(), fault))
        if fault is not None and self.fault_once:
            self.fault = None
        if fault == "hang":
            await self._closing.wait()
            return web.Response(status=504)
        if fault == "rate_limit":
            return web.json_response(
                {"retCode": 10006, "retMsg": "Too many visits!"},
                status=429,
                headers={"Retry-After": str(self.retry_after)},
            )
        if fault == "bybit_error":  # Bybit answers errors with HTTP 200 and a retCode
            code, message = self.bybit_error
            return web.json_response({"retCode": code, "retMsg": message, "result": {}})
        if fault == "html":
            return web.Response(
                text="<html><body>Please log in to the hotel Wi-Fi</body></html>",
                content_type="text/html",
            )
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
        async with self._session.request(
            request.method,
            self.upstream + request.path_qs,
            headers=headers,
            data=await request.read(),
        ) as upstream:
            body = await upstream.read()
            return web.Response(
                body=body, status=upstream.status, content_type=upstream.content_type
            )
