"""Every request the simulated exchange received: method, path and, for Hyperliquid's single
`POST /info` route, the `type` asked for; and every text frame a client sent on a private
websocket, as its operation (`auth`, `login`, `subscribe`, `ping`…) and the channels named.

This is how the read-only promise is tested (docs/security.md): run the app against the
simulator, then compare what it sent with the documented reads. The log is an aiohttp
middleware, so it sees every request before any route, fault or outage decides the reply.
It keeps the most recent `MAX_ENTRIES` (a demo left running for days must not grow without
bound), and also writes each request to the `adl_monitor.sim.requests` logger at DEBUG. An entry
is small — slots, and its strings shared with every other entry that names the same venue, path
and type (`sys.intern`) — since the embedded simulator of the desktop demo fills the log over
hours: about 75 bytes an entry instead of 335 (4 MB at `MAX_ENTRIES`, not 17; benchmarks/soak.py).
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

REQUEST_LOGGER = "adl_monitor.sim.requests"
_log = logging.getLogger(REQUEST_LOGGER)

MAX_ENTRIES = 50_000

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request as the simulator saw it. `venue` is the first path segment (`bybit`,
    `binanceusdm`, `okx`, `hyperliquid`, or `__sim`), `path` the rest, starting with `/`."""

    method: str
    venue: str
    path: str
    info_type: str | None = None
    """Hyperliquid `POST /info` only: the body's `type` (`clearinghouseState`, `meta`, …)."""
    channels: tuple[str, ...] = ()
    """Websocket frames (method `WS`, `info_type` the frame's `op`): the channels a
    subscription names (never a login's arguments, which hold the key and signature)."""

    def __str__(self) -> str:
        suffix = f" type={self.info_type}" if self.info_type is not None else ""
        if self.channels:
            suffix += " channels=" + ",".join(self.channels)
        return f"{self.method} /{self.venue}{self.path}{suffix}"


class RequestLog:
    """The simulator's request log; filled on the server's thread, read from any thread."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: deque[LoggedRequest] = deque(maxlen=max_entries)
        self._lock = threading.Lock()

    def entries(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def add(self, entry: LoggedRequest) -> None:
        entry = _shared(entry)
        with self._lock:
            self._entries.append(entry)
        _log.debug("%s", entry)

    def install(self, app: web.Application) -> None:
        """Log every request `app` receives, and the frames of its websockets."""
        app[_LOG_KEY] = self
        app.middlewares.append(self.middleware)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.add(await _describe(request))
        return await handler(request)


_LOG_KEY = web.AppKey("adl_monitor.request_log", RequestLog)
_SUBSCRIBE_OPS = ("subscribe", "unsubscribe")


def log_frame(request: web.Request, text: str) -> None:
    """Record one text frame a client sent on `request`'s websocket: its `op` (a bare `ping`
    frame counts as op `ping`) and the channels or topics it names."""
    request_log = request.app.get(_LOG_KEY)
    if request_log is None:
        return
    venue, _, rest = request.path.lstrip("/").partition("/")
    try:
        message = json.loads(text)
    except ValueError:
        message = {"op": text.strip()}
    if not isinstance(message, dict):
        message = {}
    op = message.get("op")
    channels = []
    # Only a subscription's arguments are recorded: a login's are the key and its signature.
    arguments = message.get("args") if op in _SUBSCRIBE_OPS else None
    for argument in arguments if isinstance(arguments, list) else []:
        name = argument.get("channel") if isinstance(argument, dict) else argument
        if name is not None:
            channels.append(str(name))
    request_log.add(
        LoggedRequest("WS", venue, "/" + rest, "" if op is None else str(op), tuple(channels))
    )


async def _describe(request: web.Request) -> LoggedRequest:
    venue, _, rest = request.path.lstrip("/").partition("/")
    info_type = None
    if request.method == "POST" and venue == "hyperliquid" and rest == "info":
        # aiohttp keeps the body once read, so the route reads the same bytes again.
        try:
            body = json.loads(await request.text())
        except ValueError:
            body = None
        kind = body.get("type") if isinstance(body, dict) else None
        info_type = str(kind) if kind is not None else ""
    return LoggedRequest(request.method, venue, "/" + rest, info_type)


def _shared(entry: LoggedRequest) -> LoggedRequest:
    """`entry` with its strings interned: a log of 50,000 requests names a few dozen routes."""
    return LoggedRequest(
        sys.intern(entry.method),
        sys.intern(entry.venue),
        sys.intern(entry.path),
        None if entry.info_type is None else sys.intern(entry.info_type),
        tuple(sys.intern(channel) for channel in entry.channels),
    )
