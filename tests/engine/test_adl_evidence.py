"""ADL hits that vanish a position are announced: the `squeeze` demo through the real engine,
real ccxt clients and the simulator on 127.0.0.1 (issue 8, item 5).

In `squeeze` (seed 1, the demo's population) Bybit's insurance runs dry 47 sim-seconds in and
its ADL closes the demo's whole SOL long — red, and in profit. The row must keep the position
for one reading flagged `adl_hit` with Bybit's evidence named, and one "auto-deleveraged" alert
must fire; before the fix the position just vanished.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from adl_monitor.core.alerts.alert import AlertKind
from adl_monitor.core.model.levels import Level
from adl_monitor.sim.thread import SimExchangeThread
from tests.engine.conftest import FAST, recorded_bybit_engine, until

SOL_LONG = ("demo-bybit", "SOL/USDT:USDT", "long")


@pytest.mark.parametrize("websocket", [False, True], ids=["rest", "websocket"])
async def test_the_squeeze_sol_long_closed_by_adl_is_announced_once(
    squeeze: SimExchangeThread, tmp_path: Path, websocket: bool
) -> None:
    settings = replace(FAST, use_websocket=websocket, reconcile_seconds=60.0)
    engine, recorder = recorded_bybit_engine(squeeze, tmp_path, settings)
    await engine.start()
    try:
        await until(lambda: bool(recorder.rows(SOL_LONG)))
        if websocket:
            await until(lambda: engine.streaming("demo-bybit"))
        squeeze.advance(30)  # the rally puts the SOL long at the front of the queue
        await until(lambda: recorder.rows(SOL_LONG)[-1].level is Level.RED)
        assert recorder.rows(SOL_LONG)[-1].pnl_pct > 0  # type: ignore[operator]
        executions = squeeze.sim.dialects["bybit"].served
        assert executions["/v5/execution/list"] == 0  # nothing closed yet: never asked
        # Bybit's insurance runs dry and ADL closes the long (0:47 with seed 1's population):
        # step the sim clock until the simulator says it happened.
        for _ in range(60):
            if squeeze.truth()["venues"]["bybit"]["adl_events"]:
                break
            squeeze.advance(2)
        assert squeeze.truth()["venues"]["bybit"]["adl_events"][0]["symbol"] == "SOL/USDT:USDT"
        await until(lambda: bool(recorder.alerts_for(SOL_LONG, AlertKind.ADL_HIT)), 15)
        for _ in range(3):  # more readings, REST ones too: the hit is not announced again
            count = len(recorder.snapshots)
            engine.refresh_now()
            await until(lambda count=count: len(recorder.snapshots) > count)
    finally:
        await engine.stop()

    flagged = [r for r in recorder.rows(SOL_LONG) if r.adl_hit]
    assert flagged, "the SOL long vanished without adl_hit"
    assert all(r.position.contracts == 0 for r in flagged)  # carried at size zero, then gone
    assert all(r.level is Level.NONE for r in flagged)  # closed: no longer a risk
    assert flagged[0].adl_evidence == "Bybit execution list (execType AdlTrade)"
    assert SOL_LONG not in {r.key for r in recorder.snapshots[-1].positions}  # then it is gone
    assert executions["/v5/execution/list"] == 1  # asked once: when the long vanished
    (alert,) = recorder.alerts_for(SOL_LONG, AlertKind.ADL_HIT)
    assert alert.title == "Bybit SOL/USDT:USDT long was auto-deleveraged"
    assert alert.level is Level.RED
    assert "closed all of this position by ADL" in alert.body
    assert "Bybit execution list (execType AdlTrade)" in alert.body
    assert not recorder.alerts_for(SOL_LONG, AlertKind.ADL_UNCONFIRMED)
