"""Requests per refresh per venue in the steady state, against the venue's minimum; and the
requests a warm start (markets cached on disk) makes before its first refresh — none to the
market endpoints.

Counted by the simulator itself (its request log, adl_monitor/sim/request_log.py), so what is
counted is what reached the "venue", whatever ccxt did underneath.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from adl_monitor.exchanges.registry import connector_for
from benchmarks.common import demo_accounts, start_sim

MINIMUM: dict[str, tuple[float, str]] = {
    "bybit": (
        4,
        "position/list once per list (linear USDT, linear USDC, inverse: v5 has no query for "
        "all categories or all settle coins) + wallet-balance (the equity the formula needs)",
    ),
    "binanceusdm": (
        3,
        "positionRisk + account (equity) + adlQuantile: recomputed every 30 s, read every "
        "refresh, since the read that sees it change says when Binance ranked",
    ),
    "okx": (2, "account/positions (carries adl) + account/balance (equity)"),
    "hyperliquid": (1, "clearinghouseState holds positions and margin summary together"),
}
STEADY_FETCHES = 10


async def measure() -> dict[str, dict[str, object]]:
    sim = start_sim()
    log = sim.sim.requests
    cache = Path(tempfile.mkdtemp(prefix="adlmon-requests-"))
    results: dict[str, dict[str, object]] = {}
    try:
        accounts, credentials = demo_accounts(sim)
        for spec in accounts:
            cold = connector_for(spec, credentials(spec), cache_dir=cache)
            await cold.open()  # downloads the markets and caches them on disk
            await cold.close()
            warm = connector_for(spec, credentials(spec), cache_dir=cache)
            log.clear()
            await warm.open()
            warm_start_calls = len(log.entries())
            try:
                await warm.fetch()  # the first refresh may look further back (ADL history)
                log.clear()
                for _ in range(STEADY_FETCHES):
                    await warm.fetch()
                per_refresh = len(log.entries()) / STEADY_FETCHES
            finally:
                await warm.close()
            minimum, why = MINIMUM.get(spec.exchange, (float("nan"), "not listed"))
            results[spec.exchange] = {
                "per_refresh": per_refresh,
                "minimum": minimum,
                "minimum_why": why,
                "warm_start_market_calls": warm_start_calls,
            }
    finally:
        sim.stop()
        shutil.rmtree(cache, ignore_errors=True)
    return results


if __name__ == "__main__":
    import asyncio

    print(asyncio.run(measure()))
