"""A position stream that cannot open (Binance's `listenKey`, which the simulator does not serve)
is logged once, retried with capped exponential back-off, and logged again only when the
reason changes or the stream recovers (issue 12) — not a line every few seconds."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.engine.connector import Connector
from adl_monitor.engine.engine import Engine
from adl_monitor.engine.options import EngineOptions
from adl_monitor.sim.thread import SimExchangeThread
from tests.engine.conftest import FAST, RecordingFactory, demo_setup, until

STREAM = replace(
    FAST, use_websocket=True, reconcile_seconds=60.0, backoff_initial=0.02, backoff_max=0.1
)
WORKER_LOG = "adl_monitor.engine.account_worker"


def count_requests(sim: SimExchangeThread, venue: str, path: str) -> Callable[[], int]:
    """How many `path` requests `venue` has received, faulted ones included (the request log)."""
    log = sim.sim.requests
    return lambda: sum(1 for r in log.entries() if r.venue == venue and r.path == path)


def _engine(sim: SimExchangeThread, venue: str, factory: RecordingFactory, tmp: Path) -> Engine:
    accounts, credentials = demo_setup(sim)
    account = next(a for a in accounts if a.exchange == venue)
    return Engine(
        [account],
        credentials,
        EngineOptions(
            settings=STREAM, history_path=tmp / "history.sqlite3", connector_factory=factory
        ),
    )


def _stream_lines(caplog: pytest.LogCaptureFixture, words: str) -> list[str]:
    """The lines a user reads in the log file (INFO and above) that contain `words`."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == WORKER_LOG and r.levelno >= logging.INFO and words in r.getMessage()
    ]


async def test_a_failing_listen_key_is_logged_once_per_reason(
    start_sim: Callable[..., SimExchangeThread],
    factory: RecordingFactory,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sim = start_sim()
    listen_keys = count_requests(sim, "binanceusdm", "/fapi/v1/listenKey")
    sim.set_fault("binanceusdm", "503", "/fapi/v1/listenKey")
    engine = _engine(sim, "binanceusdm", factory, tmp_path)
    with caplog.at_level(logging.DEBUG, logger=WORKER_LOG):
        await engine.start()
        try:
            await until(lambda: listen_keys() >= 5)  # retried, with back-off
            failed_while_503 = _stream_lines(caplog, "position stream failed")
            sim.clear_faults("binanceusdm")  # now the simulator's own answer: no such route
            await until(lambda: len(_stream_lines(caplog, "position stream failed")) >= 2)
        finally:
            await engine.stop()

    assert len(failed_while_503) == 1, failed_while_503
    failed = _stream_lines(caplog, "position stream failed")
    assert len(failed) == 2 and failed[0] != failed[1]  # one line per reason
    assert "404" in failed[1]


async def test_a_stream_that_recovers_says_so_once(
    start_sim: Callable[..., SimExchangeThread],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Bybit's private websocket, whose first openings fail (the simulator cannot refuse a
    websocket handshake with a venue error, so the connector's watch raises the venue's
    failure three times), then opens for real."""
    sim = start_sim()
    failures_left = [3]

    class FlakyStreamFactory(RecordingFactory):
        def __call__(self, spec: AccountSpec, credentials: Credentials | None) -> Connector:
            connector = super().__call__(spec, credentials)
            real_watch = connector.watch

            async def watch() -> AccountReading:
                if failures_left[0] > 0:
                    failures_left[0] -= 1
                    raise VenueFailure(FailureKind.VENUE_DOWN, "HTTP 503 Service Unavailable")
                return await real_watch()

            connector.watch = watch  # type: ignore[method-assign]
            return connector

    engine = _engine(sim, "bybit", FlakyStreamFactory(tmp_path / "markets"), tmp_path)
    with caplog.at_level(logging.INFO, logger=WORKER_LOG):
        await engine.start()
        try:
            await until(lambda: bool(_stream_lines(caplog, "position stream is back")))
        finally:
            await engine.stop()

    assert failures_left == [0]
    assert len(_stream_lines(caplog, "position stream failed")) == 1
    assert len(_stream_lines(caplog, "position stream is back")) == 1
