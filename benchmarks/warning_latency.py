"""Warning latency: from the engine receiving the reply that turns a position red to the
notification call, through the running engine (workers, publisher, snapshot, alert rules,
listeners) against the loopback simulator.

Instrumented in the benchmark only: a wrapper connector stamps `time.monotonic()` the moment
the real connector's `fetch()` returns its reading, and alternately marks every ADL indicator
of that reading tier 5 (red) and tier 1, so the alert rules (cooldown and hysteresis set to 0)
see a new rise to red every other refresh. The listener stamps `on_alert` for a red level
alert: that is where the app calls the notifier (through the Qt bridge, one queued signal).

The wrapper also announces a 0.5-s venue cadence (`position_interval`): the engine never
refreshes faster than a venue publishes (engine/settings.py), and at the venues' own 5 s a
10-s run saw one red refresh only — the cold first one. The first refresh (estimator, imports
and caches warming up) is reported apart, as `first_refresh_ms`; p50 and p99 are the steady
state a trader lives in.
The engine's coalescing window (`EngineSettings.coalesce_seconds`, 50 ms by default) is part
of what is measured: it is the price of one snapshot for accounts that answer together.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import replace
from datetime import timedelta
from typing import Any

from adl_monitor.core.alerts.alert import Alert
from adl_monitor.core.alerts.rules import AlertSettings
from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.snapshot import Snapshot
from adl_monitor.engine.connector import venue_connector_factory
from adl_monitor.engine.engine import Engine
from adl_monitor.engine.options import EngineOptions
from adl_monitor.engine.settings import EngineSettings
from benchmarks.common import demo_accounts, start_sim

REFRESH_SECONDS = 0.5


class _Flipping:
    """The real connector; each reading's indicators alternately red and calm, time-stamped."""

    def __init__(self, inner: Any, received: dict[str, float]) -> None:
        self._inner = inner
        self._received = received
        self._red = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @property
    def supports_watch(self) -> bool:
        return False  # REST only: one reply per refresh, each one stamped

    @property
    def position_interval(self) -> float:
        return REFRESH_SECONDS  # the simulator is ours: its cadence is what we say

    async def fetch(self) -> AccountReading:
        reading = await self._inner.fetch()
        self._red = not self._red
        tier = 5 if self._red else 1
        adl = {key: replace(value, tier=tier) for key, value in reading.adl.items()}
        self._received[reading.positions[0].account if reading.positions else ""] = time.monotonic()
        return replace(reading, adl=adl)


class _Listener:
    def __init__(self, received: dict[str, float]) -> None:
        self.received = received
        self.latencies: list[float] = []
        self.first_refresh: list[float] = []  # the first snapshot that alerted: cold start
        self._warm = False

    def on_snapshot(self, snapshot: Snapshot) -> None:
        self._warm = self._warm or bool(self.first_refresh)

    def on_alert(self, alert: Alert) -> None:
        at = time.monotonic()
        if alert.level is Level.RED and alert.account in self.received:
            into = self.latencies if self._warm else self.first_refresh
            into.append((at - self.received[alert.account]) * 1000)


async def _run(seconds: float) -> _Listener:
    sim = start_sim()
    try:
        accounts, credentials = demo_accounts(sim)
        received: dict[str, float] = {}
        real = venue_connector_factory(None)

        def factory(spec: Any, creds: Any) -> Any:
            return _Flipping(real(spec, creds), received)

        engine = Engine(
            [a for a in accounts if a.exchange != "hyperliquid"],  # HL has no indicator
            credentials,
            EngineOptions(
                settings=EngineSettings(
                    refresh_seconds=REFRESH_SECONDS, record_history=False, use_websocket=False
                ),
                alert_settings=AlertSettings(cooldown=timedelta(0), hysteresis=timedelta(0)),
                connector_factory=factory,
            ),
        )
        listener = _Listener(received)
        engine.add_listener(listener)
        await engine.start()
        try:
            await asyncio.sleep(seconds)
        finally:
            await engine.stop()
        return listener
    finally:
        sim.stop()


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(seconds: float) -> dict[str, float | None]:
    listener = await _run(seconds)
    latencies = listener.latencies
    return {
        "p50": statistics.median(latencies) if latencies else None,
        "p99": _percentile(latencies, 0.99),
        "alerts": float(len(latencies)),
        "first_refresh_ms": max(listener.first_refresh, default=None),
    }


if __name__ == "__main__":
    print(asyncio.run(measure(15)))
