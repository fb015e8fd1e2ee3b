"""A reading that turns a position red is published at once, not held for the coalescing
window that gathers routine readings of several accounts into one snapshot
(core/alerts/urgency.py; benchmarks/warning_latency.py measures the latency)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from adl_monitor.core.alerts.alert import AlertKind
from adl_monitor.core.model.levels import Level
from adl_monitor.sim.thread import SimExchangeThread
from tests.engine.conftest import FAST, recorded_bybit_engine, until
from tests.engine.test_adl_evidence import SOL_LONG

WINDOW = 600.0  # a coalescing window no test outlives: only an urgent reading gets through


async def test_a_red_reading_does_not_wait_for_the_coalescing_window(
    squeeze: SimExchangeThread, tmp_path: Path
) -> None:
    settings = replace(FAST, coalesce_seconds=WINDOW)
    engine, recorder = recorded_bybit_engine(squeeze, tmp_path, settings)
    await engine.start()
    try:
        squeeze.advance(30)  # the rally puts the SOL long at the front of the queue: red
        await until(
            lambda: any(
                a.level is Level.RED for a in recorder.alerts_for(SOL_LONG, AlertKind.LEVEL)
            ),
            30,
        )
    finally:
        await engine.stop()
