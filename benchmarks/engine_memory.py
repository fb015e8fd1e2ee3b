"""Memory the engine holds per monitored account (tracemalloc), against one bare ccxt client.

Measured as the difference between an engine running 5 copies of the four demo accounts and
one running a single copy, so what every engine pays once (imports, the estimator's priors,
the event loop) is not charged to the accounts.
"""

from __future__ import annotations

import asyncio
import copy
import gc
import tempfile
import tracemalloc
from dataclasses import replace
from pathlib import Path
from typing import Any

from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.core.model.snapshot import AccountState
from adl_monitor.engine.engine import Engine
from adl_monitor.engine.options import EngineOptions
from adl_monitor.engine.settings import EngineSettings
from adl_monitor.exchanges.registry import connector_for
from benchmarks.common import Row, demo_accounts, start_sim
from benchmarks.fetch_overhead import _bare_client

SETTINGS = EngineSettings(refresh_seconds=1.0, use_websocket=False, record_history=False)


async def _engine_memory(
    specs: list[AccountSpec], credentials: dict[str, Credentials | None], cache: Path
) -> int:
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    engine = Engine(
        specs, lambda s: credentials[s.exchange], EngineOptions(settings=SETTINGS, cache_dir=cache)
    )
    await engine.start()
    try:
        for _ in range(400):
            latest = engine.latest
            if (
                latest
                and len(latest.accounts) == len(specs)
                and all(a.state is AccountState.LIVE for a in latest.accounts)
            ):
                break
            await asyncio.sleep(0.05)
        else:
            raise RuntimeError("the benchmark accounts did not all go live")
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        await engine.stop()


async def _markets(
    specs: list[AccountSpec], credentials: dict[str, Credentials | None]
) -> dict[str, Any]:
    markets = {}
    for spec in specs:
        connector = connector_for(spec, credentials[spec.exchange], cache_dir=None)
        await connector.open()
        markets[spec.name] = connector.client.markets
        await connector.close()
    return markets


async def _bare_memory(
    specs: list[AccountSpec],
    credentials: dict[str, Credentials | None],
    markets: dict[str, Any],
) -> int:
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    clients = [_bare_client(spec, credentials[spec.exchange]) for spec in specs]
    try:
        for spec, client in zip(specs, clients, strict=True):
            client.set_markets(copy.deepcopy(markets[spec.name]))
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        for client in clients:
            await client.close()


async def run(repeats: int) -> list[Row]:
    sim = start_sim()
    try:
        accounts, lookup = demo_accounts(sim)
        credentials = {spec.exchange: lookup(spec) for spec in accounts}
        with tempfile.TemporaryDirectory() as cache_dir:
            cache = Path(cache_dir)
            await _engine_memory(accounts, credentials, cache)  # warm-up: imports, caches
            markets = await _markets(accounts, credentials)
            tracemalloc.start()
            try:
                one = await _engine_memory(accounts, credentials, cache)
                copies = 5
                many_specs = [
                    replace(spec, name=f"{spec.name}-{i}")
                    for i in range(copies)
                    for spec in accounts
                ]
                many = await _engine_memory(many_specs, credentials, cache)
                bare = await _bare_memory(accounts, credentials, markets)
            finally:
                tracemalloc.stop()
        per_account = (many - one) / (len(many_specs) - len(accounts))
        per_bare = bare / len(accounts)
    finally:
        sim.stop()
    return [
        Row(
            "engine memory per account",
            f"{per_account / 1024:.0f} KiB",
            f"{per_account / per_bare:.2f}× a bare ccxt client",
            f"bare client with markets: {per_bare / 1024:.0f} KiB",
        )
    ]
