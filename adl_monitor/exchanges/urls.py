"""Point a ccxt client at another host: testnets, proxies, the simulated exchange.

ccxt keeps a venue's endpoints in `exchange.urls["api"]`, a nested dict of URL strings (bybit 5
keys, binance 22, okx "rest"; websocket URLs under "ws" in ccxt.pro). `api_url` replaces the
scheme, host and port of every one of them and is prepended to its path, so
`https://fapi.binance.com/fapi/v1` with `http://127.0.0.1:8765/binanceusdm` becomes
`http://127.0.0.1:8765/binanceusdm/fapi/v1`, and `wss://stream.bybit.com/v5/private` becomes
`ws://127.0.0.1:8765/bybit/v5/private`.

Never call `set_sandbox_mode()` on a redirected client: it swaps the real testnet hosts back in.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

_WS_SCHEMES = {"http": "ws", "https": "wss"}


def redirect_url(url: str, api_url: str) -> str:
    """Replace scheme+host of `url` by `api_url`, keeping (and prefixing) its path and query."""
    target = urlsplit(api_url.rstrip("/"))
    original = urlsplit(url)
    scheme = target.scheme
    if original.scheme in ("ws", "wss"):
        scheme = _WS_SCHEMES.get(target.scheme, target.scheme)
    path = target.path + original.path
    return urlunsplit((scheme, target.netloc, path, original.query, original.fragment))


def redirect_urls(value: Any, api_url: str) -> Any:
    """`redirect_url` applied to every URL string in a nested ccxt `urls["api"]` structure."""
    if isinstance(value, str):
        return redirect_url(value, api_url) if "://" in value else value
    if isinstance(value, dict):
        return {key: redirect_urls(item, api_url) for key, item in value.items()}
    if isinstance(value, list):
        return [redirect_urls(item, api_url) for item in value]
    return value
