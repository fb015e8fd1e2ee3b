"""Helpers shared by tests: loopback assertions for ccxt clients."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def iter_urls(value: Any) -> list[str]:
    """Every string URL inside a (nested) ccxt `urls['api']` value."""
    if isinstance(value, str):
        return [value] if "://" in value else []
    if isinstance(value, dict):
        return [u for v in value.values() for u in iter_urls(v)]
    if isinstance(value, list | tuple):
        return [u for v in value for u in iter_urls(v)]
    return []


def assert_loopback_client(exchange: Any) -> None:
    """Fail unless every REST (and websocket) URL of a ccxt client points at 127.0.0.1."""
    urls = iter_urls(exchange.urls.get("api"))
    assert urls, f"{exchange.id}: no api urls at all"
    bad = [u for u in urls if urlparse(u).hostname not in LOOPBACK_HOSTS]
    assert not bad, f"{exchange.id} points off the machine: {bad[:3]}"
