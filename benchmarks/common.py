"""Shared by the benchmarks: a frozen simulator, demo accounts, request counting, timing."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.sim.thread import SimExchangeThread


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    benchmark: str
    measured: str
    ratio: str
    note: str = ""


def start_sim(scenario: str = "calm") -> SimExchangeThread:
    """The simulator with its clock frozen, so every call sees the same book."""
    sim = SimExchangeThread(scenario=scenario, seed=11, speed=0.0)
    sim.start()
    return sim


def demo_accounts(
    sim: SimExchangeThread,
) -> tuple[list[AccountSpec], Callable[[AccountSpec], Credentials | None]]:
    accounts = sim.sim.demo_accounts()
    by_name = {a.name: a.credentials() for a in accounts}
    return [a.spec() for a in accounts], lambda spec: by_name.get(spec.name)


class RequestCounter:
    """Counts the HTTP requests a ccxt client makes (wraps its `fetch`)."""

    def __init__(self, client: Any) -> None:
        self.count = 0
        original = client.fetch

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return await original(*args, **kwargs)

        client.fetch = counted


async def median_seconds(call: Callable[[], Awaitable[object]], repeats: int) -> float:
    """Median wall time of `repeats` sequential calls, after one warm-up call."""
    await call()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"
