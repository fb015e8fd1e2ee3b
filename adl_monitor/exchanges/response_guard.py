"""Check every HTTP reply before ccxt parses it.

ccxt turns an HTML page served with HTTP 200 (a captive portal, a proxy's login page, a wrong
`api_url`) into `[]` — which would read as "no positions". It also folds a 429 into whatever
class the venue's error table says (OKX: ExchangeNotAvailable) and drops the Retry-After value.
The guard sees status, headers and body of each response, so it is exact even when several
requests of one client run at once.

It parses every 2xx body in full and refuses one that does not parse (a reply cut short: ccxt's
`parse_json` returns None for it, and None reads as "no positions"), then checks it against the
venue's success document (`reply_shape`). ccxt is handed that same parsed document instead of
parsing the body a second time (`ParsedOnce`): at a thousand positions the second parse was a
visible part of each refresh. It refuses every redirect: the client's session does
not follow them (`guarded_session`), and the 3xx arrives here (docs/security.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.exchanges.errors import parse_retry_after
from adl_monitor.exchanges.reply_shape import NO_ENVELOPE, ReplyShape, check_success_document

_RATE_LIMITED = {418, 429}
_VENUE_DOWN = {502, 503, 504}
_NOT_FOUND = 404
_HOST_CHARACTERS = re.compile(r"[^a-z0-9.\-:\[\]]")
_MAX_HOST = 80


def _header(headers: object, wanted: str) -> str | None:
    if isinstance(headers, dict):
        for name, value in headers.items():
            if str(name).lower() == wanted:
                return str(value)
    return None


def _content_type(headers: object) -> str:
    value = _header(headers, "content-type")
    return value.split(";")[0].strip() if value else "an unknown content type"


def looks_like_json(body: str) -> bool:
    return body[:1] in ("{", "[")


def check_response(
    code: int,
    reason: str,
    headers: object,
    body: str,
    *,
    url: str = "",
    shape: ReplyShape = NO_ENVELOPE,
    api_url_set: bool = False,
    parse: Callable[[str], object] = json.loads,
) -> tuple[str, object]:
    """Return the body ccxt should parse and, for a 2xx reply, the document parsed from it
    (None for any other status: ccxt parses an error document itself, for its error tables);
    or raise the `VenueFailure` this reply means.

    `api_url_set`: the account points at an address of the user's choosing, so a 404 means
    that address is not the venue's API (without it, the venue itself moved: a bad reply).
    `parse` is the client's own JSON parser (ccxt's: orjson when installed), so the document
    is exactly the one ccxt would have read.
    """
    text = body.strip()
    status = f"HTTP {code} {reason}".strip()
    if 300 <= code < 400:
        raise refused_redirect(code, url, headers)
    if code in shape.status_failures:
        raise VenueFailure(shape.status_failures[code], status)
    if code == _NOT_FOUND:
        kind = FailureKind.WRONG_API_URL if api_url_set else FailureKind.BAD_REPLY
        raise VenueFailure(kind, f"{status} for {urlsplit(url).path or 'the request'}")
    if code in _RATE_LIMITED:
        raise VenueFailure(
            FailureKind.RATE_LIMIT, f"HTTP {code} {reason}".strip(), parse_retry_after(headers)
        )
    if code in _VENUE_DOWN:
        raise VenueFailure(FailureKind.VENUE_DOWN, f"HTTP {code} {reason}".strip())
    if 200 <= code < 300:
        document = _parsed(code, headers, text, parse)
        check_success_document(shape, urlsplit(url).path, document)
        return text, document
    return text, None


def _parsed(code: int, headers: object, text: str, parse: Callable[[str], object]) -> object:
    """The whole body as JSON, or BAD_REPLY: a body cut short never reaches ccxt."""
    if not looks_like_json(text):
        raise VenueFailure(FailureKind.BAD_REPLY, _not_an_object(code, headers, text))
    try:
        return parse(text)
    except ValueError:  # orjson's JSONDecodeError is one too
        raise VenueFailure(
            FailureKind.BAD_REPLY,
            f"HTTP {code} with JSON that is cut short or malformed ({len(text)} bytes)",
        ) from None


def refused_redirect(code: int, url: str, headers: object) -> VenueFailure:
    """The failure for a 3xx: the sentence names where it pointed (only the host, made safe
    to print — a hostile server chooses it)."""
    location = _header(headers, "location")
    target = urlsplit(urljoin(url, location)) if location else None
    host = _HOST_CHARACTERS.sub("", (target.hostname or "") if target else "")[:_MAX_HOST]
    same = target is not None and target.netloc == urlsplit(url).netloc
    context = f"{host} (the same host)" if same else host or "another address"
    return VenueFailure(FailureKind.REDIRECT, f"HTTP {code} redirect refused", context=context)


def _not_an_object(code: int, headers: object, text: str) -> str:
    """Why a 2xx body that is no JSON object or list is refused, as exactly as it can be said.

    A bare `null`, number or string is valid JSON but never a venue's reply; ccxt would read it
    as "nothing" (no positions) or fail somewhere deep in its parser.
    """
    try:
        value = json.loads(text)
    except ValueError:
        return f"HTTP {code} with {_content_type(headers)} ({len(text)} bytes) instead of JSON"
    kind = "null" if value is None else type(value).__name__
    return f"HTTP {code} with a bare JSON {kind} instead of the venue's object or list"


class ParsedOnce:
    """The document the guard parsed from the last reply, handed to ccxt's JSON parser.

    ccxt's `fetch` calls `on_rest_response` and then `parse_json` on the string it returned,
    with no `await` between, so one slot is enough even with several requests in flight. The
    slot is matched by the identity of the body string: any other string (a reply the guard
    did not parse, a websocket message) is parsed as ccxt always did.
    """

    def __init__(self, parse: Callable[[str], Any]) -> None:
        self.parse = parse  # ccxt's own `on_json_response`
        self._body: str | None = None
        self._document: object = None

    def keep(self, body: str, document: object) -> None:
        self._body, self._document = (body, document) if document is not None else (None, None)

    def __call__(self, body: str) -> Any:
        if body is self._body:
            document, self._body, self._document = self._document, None, None
            return document
        return self.parse(body)


def install_response_guard(
    client: Any, shape: ReplyShape = NO_ENVELOPE, *, api_url_set: bool = False
) -> None:
    """Make `client` (a ccxt exchange) run `check_response` on every REST reply, and read the
    document it parsed instead of parsing the body again."""
    parsed = ParsedOnce(client.on_json_response)

    def on_rest_response(
        code: int,
        reason: str,
        url: str,
        method: str,
        response_headers: object,
        response_body: str,
        request_headers: object,
        request_body: object,
    ) -> str:
        body, document = check_response(
            code,
            reason or "",
            response_headers,
            response_body or "",
            url=url,
            shape=shape,
            api_url_set=api_url_set,
            parse=parsed.parse,
        )
        parsed.keep(body, document)
        return body

    client.on_rest_response = on_rest_response
    client.on_json_response = parsed
