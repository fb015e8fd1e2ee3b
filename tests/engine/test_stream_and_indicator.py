"""A position stream that leaves out the venue's ADL indicator (Binance's adlQuantile is a call of
its own) does not slow REST to its reconcile period: the tier would be a minute old, and the
estimate could no longer tell when Binance recomputed it (core/estimate/recompute_clock.py)."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from datetime import UTC, datetime

from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.engine.account_tracker import AccountTracker
from adl_monitor.engine.account_worker import AccountWorker
from adl_monitor.exchanges.registry import connector_for
from tests.engine.conftest import FAST

STREAMS = replace(FAST, use_websocket=True, reconcile_seconds=60.0)
"""Streams on: REST would only reconcile once a minute while a stream delivers."""


async def rest_due_in(exchange: str, *, since_rest: float) -> float:
    """Seconds until the account's next REST read, its stream delivering (a message just now)
    and its last REST read `since_rest` seconds ago."""
    spec = AccountSpec(f"a {exchange}", exchange)
    worker = AccountWorker(
        AccountTracker(spec, period=5.0),
        make_connector=connector_for,
        lookup_credentials=lambda _spec: None,
        settings=lambda: STREAMS,
        on_change=lambda **_: None,
        rng=random.Random(1),
        clock=lambda: datetime.now(UTC),
    )
    connector = connector_for(spec, None)  # built, never opened: nothing is sent
    worker._connector = connector
    worker.venue_period = connector.position_interval
    now = asyncio.get_running_loop().time()
    worker.tracker.streaming = True
    worker._last_rest, worker._last_data, worker._last_stream = now - since_rest, now, now
    return worker._rest_due_in()


async def test_rest_waits_for_the_reconcile_only_where_the_stream_carries_the_indicator() -> None:
    """Two refresh periods since the last REST read, a stream message just now. Bybit's stream
    carries its tier: REST waits for the reconcile. Binance's carries no adlQuantile (nor does
    Bitget's carry its indicator): REST is due now."""
    assert await rest_due_in("bybit", since_rest=10.0) > 0
    assert await rest_due_in("okx", since_rest=10.0) > 0
    assert await rest_due_in("binanceusdm", since_rest=10.0) <= 0
    assert await rest_due_in("bitget", since_rest=10.0) <= 0
    # A period has not passed since its last REST read: Binance waits too.
    assert await rest_due_in("binanceusdm", since_rest=1.0) > 0
