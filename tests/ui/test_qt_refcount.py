"""The window survives long sessions: no Qt call may leak references to None, True or False.

PySide6 6.12.0 on Python 3.11 drops one reference to None per void Qt call; the app then aborts
with `none_dealloc` after 2-3 minutes, longer than any other test here runs. This test turns the
event loop thousands of times with the real window painting real rows and the chart redrawing,
and fails on the first binding that drifts, long before the count could reach zero.
"""

from __future__ import annotations

import ctypes
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from adl_monitor.core.model.position import Side
from adl_monitor.ui import qt_refcount
from adl_monitor.ui.main_window import MainWindow
from tests.ui.conftest import NOW, make_risk, make_snapshot

TURNS = 3000
LEAK_LIMIT = 300


def _refcounts() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_thousands_of_event_loop_turns_keep_none_alive(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(tmp_path / "window.ini")
    qtbot.addWidget(window)
    window.resize(1400, 800)
    window.show()
    qtbot.waitExposed(window)
    symbols = ("BTC/USDT:USDT", "ETH/USDT:USDT", "SOL/USDT:USDT")

    def tick(turn: int) -> None:
        at = NOW + timedelta(seconds=turn)
        risks = [
            make_risk(
                account=f"acct-{i % 3}",
                symbol=symbols[i % 3],
                side=Side.LONG if i % 2 else Side.SHORT,
                exchange_tier=1 + (turn + i) % 5,
                estimated_tier=1 + (turn + 2 * i) % 5,
                score=1.0 + turn % 7,
                fetched_at=at,
            )
            for i in range(12)
        ]
        window.apply_snapshot(make_snapshot(*risks, at=at))

    start = _refcounts()

    def check(turn: int) -> None:
        # A leaking binding loses at least one reference per Qt call: fail on the way down,
        # long before the count reaches zero and the interpreter aborts.
        lost = [s - n for s, n in zip(start, _refcounts(), strict=True)]
        assert max(lost) < LEAK_LIMIT, (
            f"references to None/True/False fell by {lost} after {turn} event-loop turns"
        )

    tick(0)
    window.table.selectRow(0)  # the chart panel redraws this position on every snapshot
    for turn in range(TURNS // 20):  # new data every turn: rows repaint, the chart redraws
        tick(turn)
        QApplication.processEvents()
        check(turn)
    before = _refcounts()
    for turn in range(TURNS):  # no new data: repaints and timers only
        if turn % 10 == 0:
            window.table.viewport().update()
        QApplication.processEvents()
        check(turn)
    drift = [a - b for b, a in zip(before, _refcounts(), strict=True)]
    # With no new data nothing should hold more or fewer references than before (stored chart
    # samples legitimately hold some during the first phase).
    assert all(abs(d) < LEAK_LIMIT for d in drift), (
        f"references to None/True/False drifted by {drift} over {TURNS} event-loop turns"
    )
    assert not qt_refcount.leaking_singletons()


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal on Python 3.12+")
def test_start_up_probe_recognises_a_leaking_binding(qapp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A binding that loses a reference per call is caught before the window opens."""
    none = ctypes.py_object(None)
    calls = 0

    def leaking_process_events() -> None:
        nonlocal calls
        calls += 1
        ctypes.pythonapi.Py_DecRef(none)

    monkeypatch.setattr(qt_refcount, "_qt_call_returning_none", leaking_process_events)
    try:
        assert qt_refcount.leaking_singletons()
    finally:
        for _ in range(calls):  # give back what the fake took
            ctypes.pythonapi.Py_IncRef(none)
    assert "PySide6" in qt_refcount.leak_sentence()
    assert "<6.12" in qt_refcount.leak_sentence()
