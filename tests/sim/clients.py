"""Unmodified ccxt clients pointed at the simulated exchange, trimmed as connectors trim them."""

from __future__ import annotations

from typing import Any

import ccxt.async_support as ccxt_async
import ccxt.pro as ccxt_pro

from adl_monitor.exchanges.urls import redirect_urls
from adl_monitor.sim.demo import DEMO_API_KEY, DEMO_PASSWORD, DEMO_SECRET, HYPERLIQUID_DEMO_WALLET
from adl_monitor.sim.server import SimExchange
from tests.helpers import assert_loopback_client

MARKET_TYPES = {"bybit": "linear", "binanceusdm": "linear", "okx": "swap", "hyperliquid": "swap"}


def trim(client: Any) -> Any:
    """Load linear perpetuals only and skip currencies: what the connectors do on start-up."""
    client.options["fetchMarkets"] = {
        **(client.options.get("fetchMarkets") or {}),
        "types": [MARKET_TYPES[client.id]],
    }
    client.has["fetchCurrencies"] = False
    client.options["fetchCurrencies"] = False
    return client


def rest_client(
    sim: SimExchange,
    venue: str,
    *,
    api_key: str = DEMO_API_KEY,
    secret: str = DEMO_SECRET,
    password: str = DEMO_PASSWORD,
    timeout_ms: int = 10_000,
) -> Any:
    config: dict[str, Any] = {"enableRateLimit": False, "timeout": timeout_ms}
    if venue == "hyperliquid":
        config["walletAddress"] = HYPERLIQUID_DEMO_WALLET
    else:
        config.update(apiKey=api_key, secret=secret)
        if venue == "okx":
            config["password"] = password
    client = getattr(ccxt_async, venue)(config)
    client.urls["api"] = redirect_urls(client.urls["api"], sim.venue_url(venue))
    assert_loopback_client(client)
    return trim(client)


def pro_bybit(sim: SimExchange) -> Any:
    client = ccxt_pro.bybit({"apiKey": DEMO_API_KEY, "secret": DEMO_SECRET})
    client.urls["api"] = redirect_urls(client.urls["api"], sim.venue_url("bybit"))
    assert_loopback_client(client)
    return trim(client)


def pro_okx(sim: SimExchange, *, password: str = DEMO_PASSWORD) -> Any:
    client = ccxt_pro.okx({"apiKey": DEMO_API_KEY, "secret": DEMO_SECRET, "password": password})
    client.urls["api"] = redirect_urls(client.urls["api"], sim.venue_url("okx"))
    assert_loopback_client(client)
    return trim(client)
