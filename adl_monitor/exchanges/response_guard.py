"""Check every HTTP reply before ccxt parses it.

ccxt turns an HTML page served with HTTP 200 (a captive portal, a proxy's login page, a wrong
`api_url`) into `[]` — which would read as "no positions". It also folds a 429 into whatever
class the venue's error table says (OKX: ExchangeNotAvailable) and drops the Retry-After value.
The guard sees status, headers and body of each response, so it is exact even when several
requests of one client run at once.
"""

from __future__ import annotations

import json
from typing import Any

from adl_monitor.core.failure import FailureKind, VenueFailure
from adl_monitor.exchanges.errors import parse_retry_after

_RATE_LIMITED = {418, 429}
_VENUE_DOWN = {502, 503, 504}


def _content_type(headers: object) -> str:
    if isinstance(headers, dict):
        for name, value in headers.items():
            if str(name).lower() == "content-type":
                return str(value).split(";")[0].strip()
    return "an unknown content type"


def looks_like_json(body: str) -> bool:
    return body[:1] in ("{", "[")


def check_response(code: int, reason: str, headers: object, body: str) -> str:
    """Return the body ccxt should parse, or raise the `VenueFailure` this reply means."""
    text = body.strip()
    if code in _RATE_LIMITED:
        raise VenueFailure(
            FailureKind.RATE_LIMIT, f"HTTP {code} {reason}".strip(), parse_retry_after(headers)
        )
    if code in _VENUE_DOWN:
        raise VenueFailure(FailureKind.VENUE_DOWN, f"HTTP {code} {reason}".strip())
    if 200 <= code < 300 and not looks_like_json(text):
        raise VenueFailure(FailureKind.BAD_REPLY, _not_an_object(code, headers, text))
    return text


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


def install_response_guard(client: Any) -> None:
    """Make `client` (a ccxt exchange) run `check_response` on every REST reply."""

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
        return check_response(code, reason or "", response_headers, response_body or "")

    client.on_rest_response = on_rest_response
