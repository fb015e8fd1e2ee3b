"""What a venue's successful REST reply looks like, and one check of a reply against it.

ccxt reads a missing payload as "nothing": Bybit's `{"retCode": 0, "result": {}}` and a
`{"result": {"list": []}}` with no status at all both become "no positions", because ccxt only
raises for a status it recognises as an error. A warning tool must not read "nothing" from a
document that is not the venue's success document. Each venue module declares its `ReplyShape`
as data (docs/security.md lists them); `check_success_document` is the one check, run by
the response guard on every 2xx reply.

A reply whose status is present but not a success (an error document) is left to ccxt: its
error tables turn the venue's code into the right exception (bad key, permission, rate limit).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from adl_monitor.core.model.failure import FailureKind, VenueFailure

ListPath = tuple[str, ...]


@dataclass(frozen=True)
class ReplyShape:
    """A venue's success document.

    `status`: the envelope's status field(s) and their success values, e.g. Bybit
    `{"retCode": {"0"}}`; the first field present decides; empty for venues that signal errors
    by HTTP status only (Binance, Gate, Hyperliquid). `payload`: the envelope field that must be
    present on success ("result", "data"). `payload_is_list`: every success payload is a list
    (OKX). `lists`: per route (the end of the URL path), where in the reply its list sits — ()
    for a top-level list — so a reply without that list is refused instead of read as empty.
    `status_failures`: HTTP statuses that mean one particular thing at this venue.
    """

    status: Mapping[str, frozenset[str]] = field(default_factory=dict)
    payload: str | None = None
    payload_is_list: bool = False
    lists: Mapping[str, ListPath] = field(default_factory=dict)
    status_failures: Mapping[int, FailureKind] = field(default_factory=dict)


NO_ENVELOPE = ReplyShape()


def envelope(status_field: str, success: str, payload: str, **more: Any) -> ReplyShape:
    """The common case: one status field with one success value, and a payload field."""
    return ReplyShape(status={status_field: frozenset({success})}, payload=payload, **more)


def check_success_document(shape: ReplyShape, path: str, reply: object) -> None:
    """Raise BAD_REPLY unless `reply` (parsed JSON of a 2xx reply to `path`) is either the
    venue's error document (left to ccxt) or a complete success document."""
    if shape.status:
        if not isinstance(reply, dict):
            raise _bad(f"a bare JSON {type(reply).__name__} instead of the venue's envelope")
        status = next((name for name in shape.status if name in reply), None)
        if status is None:
            names = " or ".join(shape.status)
            raise _bad(f"a reply without the venue's status field ({names})")
        if str(reply[status]) not in shape.status[status]:
            return  # an error document: ccxt's error table classifies it
        if shape.payload is not None and reply.get(shape.payload) is None:
            raise _bad(f"a success reply without its '{shape.payload}'")
        if shape.payload_is_list and not isinstance(reply[shape.payload], list):
            raise _bad(f"a success reply whose '{shape.payload}' is not a list")
    elif _is_error_document(reply):
        return
    list_path = next((where for route, where in shape.lists.items() if path.endswith(route)), None)
    if list_path is not None and not isinstance(_at(reply, list_path), list):
        where = ".".join(list_path) or "the reply"
        raise _bad(f"a success reply without its list ({where})")


def _is_error_document(reply: object) -> bool:
    """An envelope-less venue's error (Binance `{"code", "msg"}`, Gate `{"label", "message"}`)."""
    return isinstance(reply, dict) and any(
        isinstance(reply.get(name), str) and reply[name].strip()
        for name in ("msg", "message", "label", "error")
    )


def _at(reply: object, path: ListPath) -> object:
    for step in path:
        if not isinstance(reply, dict):
            return None
        reply = reply.get(step)
    return reply


def _bad(what: str) -> VenueFailure:
    return VenueFailure(FailureKind.BAD_REPLY, f"HTTP 200 with {what}")
