"""One full refresh against the bare ccxt `fetch_positions` it is built on, at 10, 100 and
1,000 positions, on the same loopback server.

The server is a small Hyperliquid `/info` fixture serving N perpetuals and N open positions
(the simulator holds only a handful per account). A full refresh is what the engine does each
period: `connector.fetch()` (ccxt, mapping to `Position`s), `AccountTracker.record_reading`,
`SnapshotBuilder.build` (score, estimate, advice, staleness) and `History.record` into a real
SQLite file. The bare side is `fetch_positions` on a ccxt client holding the same markets.
If the non-network work per position is constant, the ratio stays flat as N grows.

Both sides make the same request per refresh, one `clearinghouseState` (counted by the server
and reported as `requests_app` / `requests_ccxt`). The app also reads Hyperliquid's public
market data for its estimate (funding, candles), once per `MARKET_INTERVAL` (5 min) and not
on every refresh: this server has no candles, so that read fails once, in the warm-up refresh,
and is then left alone for its interval — as a failing read is on a live venue.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.engine.account_tracker import AccountTracker
from adl_monitor.engine.snapshot_builder import SnapshotBuilder
from adl_monitor.exchanges.registry import connector_for
from adl_monitor.storage.history import History
from benchmarks.common import median_seconds
from benchmarks.fetch_overhead import _bare_client

SIZES = (10, 100, 1000)
REQUEST_SAMPLES = 3  # refreshes whose requests are counted, after the timed ones
WALLET = "0x00000000000000000000000000000000000b3e7c"


def _answers(count: int) -> dict[str, Any]:
    coins = [f"C{i}" for i in range(count)]
    universe = [{"szDecimals": 2, "name": c, "maxLeverage": 20, "marginTableId": 20} for c in coins]
    ctx = {
        "funding": "0.0000125", "openInterest": "10000.0", "prevDayPx": "100.0",
        "dayNtlVlm": "1000000.0", "premium": "0.0", "oraclePx": "110.0", "markPx": "110.0",
        "midPx": "110.0", "impactPxs": ["110.0", "110.0"], "dayBaseVlm": "10000.0",
    }  # fmt: skip
    positions = [
        {
            "type": "oneWay",
            "position": {
                "coin": c,
                "szi": "1.0" if i % 2 else "-1.0",
                "leverage": {"type": "cross", "value": "10"},
                "entryPx": f"{100 + i % 7}.0",
                "positionValue": "110.0",
                "unrealizedPnl": f"{(110 - 100 - i % 7) * (1 if i % 2 else -1)}.0",
                "returnOnEquity": "0.5",
                "liquidationPx": "60.0" if i % 2 else "160.0",
                "marginUsed": "11.0",
                "maxLeverage": "20",
                "cumFunding": {"allTime": "0.0", "sinceChange": "0.0", "sinceOpen": "0.0"},
            },
        }
        for i, c in enumerate(coins)
    ]
    summary = {
        "accountValue": f"{count * 50}.0", "totalNtlPos": f"{count * 110}.0",
        "totalRawUsd": f"{count * 50}.0", "totalMarginUsed": f"{count * 11}.0",
    }  # fmt: skip
    meta = {"universe": universe, "marginTables": []}
    usdc = {"name": "USDC", "szDecimals": 8, "weiDecimals": 8, "index": 0,
            "tokenId": "0x6d1e7cde53ba9467b783cb7c530ce054", "isCanonical": True,
            "evmContract": None, "fullName": None}  # fmt: skip
    spot = {"tokens": [usdc], "universe": []}
    return {
        "meta": meta,
        "metaAndAssetCtxs": [meta, [ctx] * count],
        "spotMeta": spot,
        "spotMetaAndAssetCtxs": [spot, []],
        "allMids": {c: "110.0" for c in coins},
        "perpDexs": [None],
        "userAbstraction": "disabled",
        "spotClearinghouseState": {"balances": []},
        "clearinghouseState": {
            "marginSummary": summary,
            "crossMarginSummary": summary,
            "crossMaintenanceMarginUsed": f"{count * 2}.0",
            "withdrawable": "0.0",
            "assetPositions": positions,
            "time": 1_700_000_000_000,
        },
        "userFills": [],
        "userFillsByTime": [],
    }


async def _serve(count: int) -> tuple[web.AppRunner, str, Counter[str]]:
    """The server, its URL, and the requests it answered by `/info` type."""
    answers = {kind: json.dumps(body) for kind, body in _answers(count).items()}
    asked: Counter[str] = Counter()

    async def info(request: web.Request) -> web.Response:
        kind = json.loads(await request.text()).get("type")
        asked[str(kind)] += 1
        return web.Response(text=answers.get(kind, "null"), content_type="application/json")

    app = web.Application()
    app.router.add_post("/info", info)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}", asked


async def _requests_per_call(call: Callable[[], Awaitable[object]], asked: Counter[str]) -> float:
    asked.clear()
    for _ in range(REQUEST_SAMPLES):
        await call()
    return sum(asked.values()) / REQUEST_SAMPLES


async def _one_size(count: int, repeats: int, workdir: Path) -> dict[str, float]:
    runner, url, asked = await _serve(count)
    spec = AccountSpec(name="bench", exchange="hyperliquid", api_url=url, wallet_address=WALLET)
    connector = connector_for(spec, None, cache_dir=None)
    bare = _bare_client(spec, None)
    history = History(workdir / f"history-{count}.sqlite")
    tracker = AccountTracker(spec, period=5.0)
    builder = SnapshotBuilder(RankEstimator())
    try:
        await connector.open()
        bare.set_markets(connector.client.markets)

        parts: dict[str, list[float]] = {"fetch_s": [], "build_s": [], "store_s": []}

        async def refresh() -> object:
            started = time.perf_counter()
            reading = await connector.fetch()
            fetched = time.perf_counter()
            # Each refresh is new data, as on a live venue, so History writes every row.
            tracker.record_reading(replace(reading, fetched_at=datetime.now(UTC)))
            snapshot = builder.build([tracker], datetime.now(UTC))
            built = time.perf_counter()
            history.record(snapshot)
            parts["fetch_s"].append(fetched - started)
            parts["build_s"].append(built - fetched)
            parts["store_s"].append(time.perf_counter() - built)
            return snapshot

        async def bare_fetch() -> object:
            return await bare.fetch_positions(params={"user": WALLET})

        async def bare_request() -> object:  # the reply alone: HTTP and JSON, no parse
            return await bare.publicPostInfo({"type": "clearinghouseState", "user": WALLET})

        app_s = ccxt_s = request_s = float("inf")
        rounds = max(3, repeats // 3)
        for _ in range(3):  # interleaved rounds, best of each: load hits all alike
            app_s = min(app_s, await median_seconds(refresh, rounds))
            ccxt_s = min(ccxt_s, await median_seconds(bare_fetch, rounds))
            request_s = min(request_s, await median_seconds(bare_request, rounds))
        positions = len((await refresh()).positions)  # type: ignore[attr-defined]
        requests_app = await _requests_per_call(refresh, asked)
        requests_ccxt = await _requests_per_call(bare_fetch, asked)
    finally:
        history.close()
        await bare.close()
        await connector.close()
        await runner.cleanup()
    # Where the time goes: our fetch (ccxt + mapping), score/estimate/snapshot, SQLite write.
    split = {name: statistics.median(values) for name, values in parts.items()}
    return {
        "app_s": app_s,
        "ccxt_s": ccxt_s,
        "ratio": app_s / ccxt_s,
        "request_s": request_s,
        # The work past the reply, per position: flat as N grows if nothing is quadratic.
        "app_us_per_position": max(0.0, app_s - request_s) / count * 1e6,
        "ccxt_us_per_position": max(0.0, ccxt_s - request_s) / count * 1e6,
        "positions": positions,
        "requests_app": requests_app,
        "requests_ccxt": requests_ccxt,
        **split,
    }


async def measure(repeats: int) -> dict[str, dict[str, float]]:
    workdir = Path(tempfile.mkdtemp(prefix="adlmon-refresh-"))
    try:
        return {str(n): await _one_size(n, repeats, workdir) for n in SIZES}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    import asyncio

    print(asyncio.run(measure(10)))
