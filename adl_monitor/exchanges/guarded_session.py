"""ccxt's HTTP session, with two rules ccxt cannot be told: follow no redirect, and read no body
larger than `MAX_REPLY_BYTES`.

Redirects: aiohttp follows a 302 by default and sends the request's headers again — for a
signed request that is the API key and the signature, handed to whatever host the `Location`
names; ccxt then trusts that host's answer. Venues' APIs never redirect, so no redirect is
followed, not even to the same host: the 3xx reaches the response guard, which fails the
account and names the host (docs/security.md). aiohttp's `ws_connect` cannot be told not to
follow one, and ccxt.pro signs in over the socket (Bybit's `auth`, OKX's `login` carry the key
and a signature), so a socket whose handshake was redirected is closed before ccxt sends a word.

Size: ccxt reads every body whole (`response.text()`) before anything can look at it, so a
hostile or broken server could fill memory with one reply. Here a body is refused by its
`Content-Length` before reading, or by counting while reading (chunked or lying replies).

The wrapper is installed by wrapping the client's `open()`, which creates the session lazily:
ccxt keeps owning (and closing) the session; everything but the request methods is delegated.
"""

from __future__ import annotations

from typing import Any

from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.exchanges.response_guard import refused_redirect

MAX_REPLY_BYTES = 32 * 1024 * 1024
"""The largest reply body read (32 MiB). The largest reply the app asks for is a venue's market
list (Binance's whole `exchangeInfo`, a few MB); anything far beyond it is not a reply this app
can use, and reading it could take the process's memory with it."""

_CHUNK = 64 * 1024
_METHODS = ("get", "post", "put", "delete", "patch", "head")


def too_large(size: str) -> VenueFailure:
    return VenueFailure(
        FailureKind.BAD_REPLY,
        f"the reply body was {size}, over the {MAX_REPLY_BYTES // (1024 * 1024)} MiB cap",
    )


async def read_bounded(response: Any, limit: int = MAX_REPLY_BYTES) -> bytes:
    """The whole body of an aiohttp response, or `too_large` as soon as it passes `limit`."""
    length = response.content_length
    if length is not None and length > limit:
        raise too_large(f"{length} bytes by its Content-Length")
    chunks: list[bytes] = []
    total = 0
    async for chunk in response.content.iter_chunked(_CHUNK):
        total += len(chunk)
        if total > limit:
            raise too_large("larger")
        chunks.append(chunk)
    return b"".join(chunks)


class ReadReply:
    """An aiohttp response whose body was read (bounded) already: what ccxt's `fetch` uses."""

    def __init__(self, response: Any, body: bytes) -> None:
        self._response = response
        self.content = body
        self.status = response.status
        self.reason = response.reason
        self.headers = response.headers

    async def text(self, encoding: str | None = None, errors: str = "strict") -> str:
        try:
            return self.content.decode(encoding or self._response.charset or "utf-8", errors)
        except LookupError:  # a charset Python does not know: JSON is UTF-8 anyway
            return self.content.decode("utf-8", errors)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._response, name)


class _BoundedRequest:
    """`async with session.get(...) as response` — the response comes back already read."""

    def __init__(self, pending: Any) -> None:
        self._pending = pending

    async def __aenter__(self) -> ReadReply:
        response = await self._pending.__aenter__()
        try:
            return ReadReply(response, await read_bounded(response))
        except BaseException:
            response.close()  # drop the connection: the rest of the body is never read
            await self._pending.__aexit__(None, None, None)
            raise

    async def __aexit__(self, *exc_info: object) -> Any:
        return await self._pending.__aexit__(*exc_info)


class _UnredirectedSocket:
    """`session.ws_connect(...)`, refusing a socket whose handshake followed a redirect."""

    def __init__(self, pending: Any, url: Any) -> None:
        self._pending = pending
        self._url = url

    async def __aenter__(self) -> Any:
        socket = await self._pending.__aenter__()
        # The handshake response keeps the redirects it followed (aiohttp has no public name
        # for it on the socket); without the attribute there is nothing to check.
        history = getattr(getattr(socket, "_response", None), "history", ())
        if history:
            await socket.close()
            first = history[0]
            raise refused_redirect(first.status, str(self._url), dict(first.headers))
        return socket

    async def __aexit__(self, *exc_info: object) -> Any:
        return await self._pending.__aexit__(*exc_info)


class GuardedSession:
    """Delegates to an aiohttp `ClientSession`; its request methods follow no redirect and
    read bounded bodies."""

    def __init__(self, session: Any) -> None:
        self._session = session

    def request(self, method: str, url: Any, **options: Any) -> _BoundedRequest:
        options["allow_redirects"] = False
        return _BoundedRequest(self._session.request(method, url, **options))

    def ws_connect(self, url: Any, **options: Any) -> _UnredirectedSocket:
        return _UnredirectedSocket(self._session.ws_connect(url, **options), url)

    def __getattr__(self, name: str) -> Any:
        if name in _METHODS:
            return lambda url, **options: self.request(name.upper(), url, **options)
        return getattr(self._session, name)


def install_guarded_session(client: Any) -> None:
    """Make `client` (a ccxt async exchange) wrap its session in `GuardedSession` on open."""
    open_session = client.open

    def open_guarded(lazy: bool = False) -> None:
        open_session(lazy)
        session = client.session
        if session is not None and not isinstance(session, GuardedSession):
            client.session = GuardedSession(session)

    client.open = open_guarded
