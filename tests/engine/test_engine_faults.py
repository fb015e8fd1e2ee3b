"""Faults the engine must turn into an honest account status: a captive-portal HTML page with
HTTP 200 (never "no positions"), and a rate limit whose Retry-After is honoured."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from adl_monitor.core.model.snapshot import AccountState, Snapshot
from adl_monitor.engine.engine import Engine
from adl_monitor.sim.thread import SimExchangeThread
from tests.engine.conftest import RecordingFactory, bybit_behind_proxy, until
from tests.engine.fault_proxy import FaultProxy


def _state(snapshot: Snapshot | None) -> AccountState | None:
    return snapshot.accounts[0].state if snapshot and snapshot.accounts else None


@pytest.fixture
async def proxied_bybit(
    start_sim: Callable[..., SimExchangeThread], factory: RecordingFactory, tmp_path: Path
) -> AsyncIterator[tuple[Engine, FaultProxy]]:
    async with bybit_behind_proxy(start_sim(), factory, tmp_path) as started:
        yield started


async def test_an_html_page_is_a_bad_reply_not_an_empty_account(
    proxied_bybit: tuple[Engine, FaultProxy],
) -> None:
    engine, proxy = proxied_bybit
    assert engine.latest is not None
    positions = {r.key for r in engine.latest.positions}
    assert positions

    proxy.fault = "html"
    await until(lambda: _state(engine.latest) is AccountState.STALE)
    latest = engine.latest
    assert latest is not None
    error = latest.accounts[0].error
    assert error is not None and error.startswith("demo-bybit: ") and "cannot read" in error
    assert {r.key for r in latest.positions} == positions  # kept, not emptied
    assert all(r.stale for r in latest.positions)

    proxy.fault = None
    await until(lambda: _state(engine.latest) is AccountState.LIVE)
    assert engine.latest is not None and not any(r.stale for r in engine.latest.positions)


async def test_a_rate_limit_is_waited_out_for_as_long_as_retry_after_says(
    proxied_bybit: tuple[Engine, FaultProxy],
) -> None:
    engine, proxy = proxied_bybit
    proxy.retry_after = 1.5  # far longer than the 0.3 s back-off cap of these settings
    proxy.fault_once = True
    proxy.fault = "rate_limit"
    await until(lambda: any(fault == "rate_limit" for _, fault in proxy.hits))
    await until(lambda: _state(engine.latest) is AccountState.STALE)
    latest = engine.latest
    assert latest is not None and latest.accounts[0].error is not None
    assert "rate-limiting" in latest.accounts[0].error
    limited_at = next(t for t, fault in proxy.hits if fault == "rate_limit")
    # Requests of the same refresh already in flight arrive together with the limited one;
    # the next refresh must not come before Retry-After.
    in_flight = limited_at + 0.1
    await until(lambda: proxy.hits[-1][0] > in_flight)
    next_request = next(t for t, _ in proxy.hits if t > in_flight)
    assert next_request - limited_at >= proxy.retry_after - 0.05
    await until(lambda: _state(engine.latest) is AccountState.LIVE)


@pytest.mark.parametrize(
    ("code", "message", "advice"),
    [
        (
            10002,
            "invalid request, please check your server timestamp or recv_window param",
            "sync your system clock",
        ),
        (10005, "Permission denied, please check your API key permissions.", "permission"),
        (10003, "API key is invalid.", "was rejected"),
    ],
    ids=["clock-skew", "permission", "bad-key"],
)
async def test_errors_the_user_must_fix_are_an_error_state_until_fixed(
    proxied_bybit: tuple[Engine, FaultProxy], code: int, message: str, advice: str
) -> None:
    engine, proxy = proxied_bybit
    proxy.bybit_error = (code, message)
    proxy.fault = "bybit_error"
    await until(lambda: _state(engine.latest) is AccountState.ERROR)
    latest = engine.latest
    assert latest is not None
    error = latest.accounts[0].error
    assert error is not None and error.startswith("demo-bybit: ") and advice in error

    proxy.fault = None  # the user fixed it
    engine.refresh_now()
    await until(lambda: _state(engine.latest) is AccountState.LIVE)
