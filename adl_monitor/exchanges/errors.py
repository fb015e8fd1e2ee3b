"""Turn whatever ccxt raises into a `VenueFailure` a trader can act on.

ccxt's own classes are close but not quite what the user needs to hear: a refused connection
arrives as `ExchangeNotAvailable` (the same class as a 503), a stale clock is a `NetworkError`,
and an HTML page with HTTP 200 is no error at all (ccxt returns `[]`). The classification here
looks at the exception's class, its cause and its text, in that order.
"""

from __future__ import annotations

import errno
import json
import re
from collections.abc import Iterable

from adl_monitor.core.model.failure import FailureKind, VenueFailure

# Venues word clock problems differently; ccxt maps only some of them to InvalidNonce.
_CLOCK_WORDS = re.compile(
    r"recvwindow|timestamp|time ?stamp|request expired|clock|-1021|server time", re.IGNORECASE
)
_QUERY_STRING = re.compile(r"\?[^\s\"']*")
_MAX_DETAIL = 300
# Where venues put the words of a real error reply (Bybit retMsg, Gate message, HTX err_msg, …).
_MESSAGE_FIELDS = (
    "msg",
    "message",
    "retMsg",
    "err_msg",
    "err-msg",
    "error",
    "errorMessage",
    "label",
    "response",
)
# What venues put in the message field of a *successful* reply: no words of an error.
_SUCCESS_WORDS = {"", "ok", "success", "succeed", "suc"}
# What Python raises when ccxt's parsers or ours meet a reply of the wrong shape: a `null`
# where an object was, a string where a number was, a zero where a divisor was.
_SHAPE_ERRORS = (ValueError, KeyError, TypeError, IndexError, AttributeError, ArithmeticError)


def safe_detail(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` without query strings (signatures, keys) or any secret, cut to a log-friendly size."""
    cleaned = _QUERY_STRING.sub("?…", text)
    for secret in secrets:
        if secret:
            cleaned = cleaned.replace(secret, "<hidden>")
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= _MAX_DETAIL else cleaned[: _MAX_DETAIL - 1] + "…"


def parse_retry_after(headers: object) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds form), if there is one."""
    if not isinstance(headers, dict):
        return None
    for name, value in headers.items():
        if str(name).lower() == "retry-after":
            try:
                seconds = float(str(value).strip())
            except ValueError:
                return None
            return max(0.0, seconds)
    return None


def to_failure(
    error: BaseException,
    *,
    secrets: Iterable[str | None] = (),
    response_headers: object = None,
    api_url_set: bool = False,
) -> VenueFailure:
    """Classify `error` (a ccxt exception, or anything else) as a `VenueFailure`.

    `api_url_set`: the account points at an address of the user's choosing, so a refused
    connection means nothing listens there (a wrong port) rather than a network problem.
    """
    if isinstance(error, VenueFailure):
        return error
    if error.args and isinstance(error.args[0], VenueFailure):
        return error.args[0]  # ccxt.pro wraps what failed a socket's opening in NetworkError
    import ccxt  # already imported by the client that raised; costs nothing here

    detail = safe_detail(f"{type(error).__name__}: {error}", secrets)
    text = str(error)
    if isinstance(error, ccxt.InvalidNonce):
        return VenueFailure(FailureKind.CLOCK_SKEW, detail)
    if isinstance(error, ccxt.PermissionDenied):
        return VenueFailure(FailureKind.PERMISSION, detail)
    if isinstance(error, ccxt.AuthenticationError):
        if _CLOCK_WORDS.search(text):
            return VenueFailure(FailureKind.CLOCK_SKEW, detail)
        return VenueFailure(FailureKind.BAD_KEY, detail)
    if isinstance(error, ccxt.RateLimitExceeded | ccxt.DDoSProtection):
        return VenueFailure(FailureKind.RATE_LIMIT, detail, parse_retry_after(response_headers))
    if isinstance(error, ccxt.RequestTimeout):
        return VenueFailure(FailureKind.TIMEOUT, detail)
    if isinstance(error, ccxt.ExchangeNotAvailable):
        # ccxt raises this both for a refused connection (with the transport error as cause)
        # and for a venue that answered "unavailable" (no cause): only the second is the venue.
        if error.__cause__ is not None and not isinstance(error, ccxt.OnMaintenance):
            if api_url_set and is_refused(error.__cause__):
                return VenueFailure(FailureKind.NOTHING_AT_API_URL, detail)
            return VenueFailure(FailureKind.NETWORK, detail)
        return VenueFailure(FailureKind.VENUE_DOWN, detail)
    if isinstance(error, ccxt.NetworkError):
        return VenueFailure(FailureKind.NETWORK, detail)
    if isinstance(error, ccxt.BadResponse):
        return VenueFailure(FailureKind.BAD_REPLY, detail)
    if type(error) is ccxt.ExchangeError and is_wordless_reply(text):
        return VenueFailure(FailureKind.BAD_REPLY, "the reply had no status code or message")
    if isinstance(error, ccxt.ExchangeError) and _CLOCK_WORDS.search(text):
        return VenueFailure(FailureKind.CLOCK_SKEW, detail)
    if isinstance(error, TimeoutError):
        return VenueFailure(FailureKind.TIMEOUT, detail)
    if isinstance(error, _SHAPE_ERRORS):
        # A parser choked on a reply of the wrong shape; the exception's own words (e.g.
        # "'NoneType' object has no attribute 'get'") say what, sanitised like any detail.
        return VenueFailure(
            FailureKind.BAD_REPLY, f"the reply did not have the venue's shape ({detail})"
        )
    return VenueFailure(FailureKind.UNKNOWN, detail)


def is_refused(cause: BaseException) -> bool:
    """Whether a transport error is "connection refused": the host is there, the port is not."""
    return isinstance(cause, ConnectionRefusedError) or (
        isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED
    )


def is_wordless_reply(text: str) -> bool:
    """Whether ccxt's catch-all `ExchangeError` ("<venue> <body>") carries a body without a
    word of error: no success code ccxt recognised and no message either — `{}`, `[]`, an
    object whose code is junk. A real venue error always says something in its message field.
    """
    _venue, _, body = text.partition(" ")
    try:
        reply = json.loads(body)
    except ValueError:
        return False
    if not isinstance(reply, dict):
        return True
    messages = (reply.get(name) for name in _MESSAGE_FIELDS)
    return not any(isinstance(m, str) and m.strip().lower() not in _SUCCESS_WORDS for m in messages)
