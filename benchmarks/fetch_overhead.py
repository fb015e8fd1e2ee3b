"""Our connector's `fetch()` against the bare ccxt `fetch_positions()` it is built on.

Both clients talk to the same frozen simulator with markets already loaded, so the ratio is
what the connector adds: the balances the ranking formula needs, the ADL indicator (a separate
request on Binance), mapping and building `Position`s. Requests per call are counted too: most
of the ratio is extra round trips, which the venue's cadence (not the CPU) pays for.
"""

from __future__ import annotations

from typing import Any

import ccxt.async_support as ccxt_async

from adl_monitor.exchanges.registry import connector_for
from adl_monitor.exchanges.urls import redirect_urls
from benchmarks.common import RequestCounter, Row, demo_accounts, median_seconds, ms, start_sim


def _bare_client(spec: Any, credentials: Any) -> Any:
    config: dict[str, Any] = {"enableRateLimit": False}
    if credentials is not None:
        config.update(apiKey=credentials.api_key, secret=credentials.secret)
        if credentials.password:
            config["password"] = credentials.password
    if spec.exchange == "hyperliquid":
        config["walletAddress"] = spec.wallet_address
    client = getattr(ccxt_async, spec.exchange)(config)
    client.urls["api"] = redirect_urls(client.urls["api"], spec.api_url)
    return client


async def run(repeats: int) -> list[Row]:
    sim = start_sim()
    rows: list[Row] = []
    try:
        accounts, credentials = demo_accounts(sim)
        for spec in accounts:
            creds = credentials(spec)
            bare = _bare_client(spec, creds)
            ours = connector_for(spec, creds, cache_dir=None)
            try:
                await ours.open()
                bare.set_markets(ours.client.markets)  # the same markets, no download
                bare_requests = RequestCounter(bare)
                our_requests = RequestCounter(ours.client)
                params = {"user": spec.wallet_address} if spec.exchange == "hyperliquid" else {}

                async def bare_fetch(client: Any = bare, extra: Any = params) -> object:
                    return await client.fetch_positions(params=extra)

                bare_time = await median_seconds(bare_fetch, repeats)
                our_time = await median_seconds(ours.fetch, repeats)
            finally:
                await bare.close()
                await ours.close()
            per_call_bare = bare_requests.count / (repeats + 1)
            per_call_ours = our_requests.count / (repeats + 1)
            rows.append(
                Row(
                    f"fetch vs bare fetch_positions: {spec.exchange}",
                    f"{ms(our_time)} vs {ms(bare_time)}",
                    f"{our_time / bare_time:.2f}×",
                    f"requests per call {per_call_ours:.1f} vs {per_call_bare:.1f}",
                )
            )
    finally:
        sim.stop()
    return rows
