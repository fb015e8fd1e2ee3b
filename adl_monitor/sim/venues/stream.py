"""What every venue's private position stream shares: the socket loop, and pushing only what
changed.

A venue dialect supplies two coroutines: one answering each text frame (login, subscribe,
ping in the venue's own words) and one pushing the positions of a subscribed session in the
venue's own shape. `changed_rows` keeps, per session, what was last sent, so a push carries only
the positions whose size, rank or status moved, plus the keys of positions that closed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

PUSH_INTERVAL = 0.5  # real seconds between checks for changed positions


@dataclass
class StreamSession:
    """One websocket connection: whether it logged in, what it subscribed, what it was sent."""

    socket: web.WebSocketResponse
    authenticated: bool = False
    channels: set[str] = field(default_factory=set)
    sent: dict[str, Hashable] = field(default_factory=dict)
    arguments: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per subscribed channel, the venue's subscribe argument (some venues echo it back)."""

    def changed_rows(
        self,
        rows: Iterable[dict[str, Any]],
        key: Callable[[dict[str, Any]], str],
        fingerprint: Callable[[dict[str, Any]], Hashable],
    ) -> tuple[list[dict[str, Any]], dict[str, Hashable]]:
        """The rows not yet sent in this state, and the keys sent before that are now gone
        (with the fingerprint last sent, for venues that repeat some of it on a close)."""
        changed = []
        seen = set()
        for row in rows:
            name = key(row)
            seen.add(name)
            mark = fingerprint(row)
            if self.sent.get(name) != mark:
                self.sent[name] = mark
                changed.append(row)
        closed = {name: self.sent.pop(name) for name in list(self.sent) if name not in seen}
        return changed, closed


async def serve_stream(
    request: web.Request,
    on_text: Callable[[StreamSession, str], Awaitable[None]],
    push: Callable[[StreamSession], Awaitable[None]],
    silent: Callable[[], bool] = lambda: False,
) -> web.WebSocketResponse:
    """Run one websocket: every text frame to `on_text`, `push` every PUSH_INTERVAL.

    While `silent()` holds, the socket stays open but sends nothing (no push, no reply, no
    pong): the stream a client must not mistake for "nothing changed"."""
    socket = web.WebSocketResponse(autoping=True)
    await socket.prepare(request)
    session = StreamSession(socket)

    async def push_loop() -> None:
        with contextlib.suppress(ConnectionResetError):  # the client hung up mid-push
            while not socket.closed:
                if not silent():
                    await push(session)
                await asyncio.sleep(PUSH_INTERVAL)

    pusher = asyncio.create_task(push_loop())
    try:
        async for frame in socket:
            if frame.type is WSMsgType.TEXT and not silent():
                await on_text(session, frame.data)
    finally:
        pusher.cancel()
    return socket
