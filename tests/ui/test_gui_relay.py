"""Work reported from other threads reaches the window on the GUI thread, and none outlives it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QApplication

from adl_monitor.ui.background_jobs import BackgroundJobs
from adl_monitor.ui.bridge import EngineBridge, EngineSession
from adl_monitor.ui.gui_relay import GuiRelay, on_gui_thread


def _on_gui_thread() -> bool:
    return QThread.currentThread() is QApplication.instance().thread()  # type: ignore[union-attr]


class Reporter(GuiRelay):
    reported = Signal(str, object)
    _private = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, bool]] = []

    @on_gui_thread
    def note(self, text: str) -> None:
        self.seen.append((text, _on_gui_thread()))


def _in_thread(work: Any) -> None:
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


def test_a_signal_relayed_from_a_worker_arrives_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    reporter = Reporter()
    arrived: list[tuple[str, object, bool]] = []
    reporter.reported.connect(lambda name, value: arrived.append((name, value, _on_gui_thread())))
    with qtbot.waitSignal(reporter.reported, timeout=5_000):
        _in_thread(lambda: reporter.relay("reported", "BTC", {"tier": 5}))
    assert arrived == [("BTC", {"tier": 5}, True)]


def test_a_marked_method_called_from_a_worker_runs_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    reporter = Reporter()
    _in_thread(lambda: reporter.note("from the engine"))
    assert reporter.seen == []  # queued, not run on the worker
    qtbot.waitUntil(lambda: reporter.seen == [("from the engine", True)], timeout=5_000)


def test_an_unknown_or_private_event_is_refused_at_once(qtbot) -> None:  # type: ignore[no-untyped-def]
    reporter = Reporter()
    for event in ("no_such_signal", "_private", "relay"):
        with pytest.raises(AttributeError, match=event):
            reporter.relay(event, 1)


def test_a_job_runs_off_the_gui_thread_and_answers_on_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    jobs = BackgroundJobs("test")
    ran_on_gui: list[bool] = []
    answers: list[tuple[object, bool]] = []

    def job() -> int:
        ran_on_gui.append(_on_gui_thread())
        return 42

    def boom() -> int:
        raise ValueError("the keyring is locked")

    jobs.run(job, lambda result: answers.append((result, _on_gui_thread())))
    jobs.run(boom, on_error=lambda error: answers.append((str(error), _on_gui_thread())))
    qtbot.waitUntil(lambda: len(answers) == 2, timeout=5_000)
    assert ran_on_gui == [False]
    assert sorted(answers, key=str) == [("the keyring is locked", True), (42, True)]
    assert jobs.wait(5.0)
    assert not [t for t in threading.enumerate() if t.name == "adl-monitor-test"]


def test_an_answer_for_a_closed_window_is_dropped(qtbot) -> None:  # type: ignore[no-untyped-def]
    class Window(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.answers: list[object] = []

        def show_answer(self, value: object) -> None:
            self.setObjectName(str(value))  # raises on a deleted object
            self.answers.append(value)

    jobs = BackgroundJobs("test")
    window = Window()
    release = threading.Event()
    jobs.run(release.wait, window.show_answer)
    import shiboken6

    shiboken6.delete(window)  # the dialog was closed while its job ran
    release.set()
    assert jobs.wait(5.0)
    seen = Reporter()
    with qtbot.waitSignal(seen.reported, timeout=5_000):  # the queue has turned once more
        seen.relay("reported", "later", None)
    assert window.answers == []  # skipped: no error reaches pytest-qt's exception capture


def test_stopping_the_bridge_leaves_no_worker_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()

    def slow_failing_start() -> EngineSession:
        release.wait(5.0)
        raise RuntimeError("no engine in this test")

    def jobs() -> set[threading.Thread]:
        return {t for t in threading.enumerate() if t.name == "adl-monitor-engine"}

    earlier = jobs()  # another test's, if any: not this bridge's business
    bridge = EngineBridge(slow_failing_start)
    bridge.start()
    assert jobs() - earlier
    release.set()
    bridge.stop()
    assert not jobs() - earlier
