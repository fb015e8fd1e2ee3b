"""Cycles are collected on the GUI thread, never on a worker that happens to allocate."""

from __future__ import annotations

import gc
import threading
import weakref

from adl_monitor.ui.gui_thread_gc import GuiThreadGarbageCollector


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_a_cycle_made_on_a_worker_is_freed_by_the_gui_threads_timer(qtbot) -> None:  # type: ignore[no-untyped-def]
    collector = GuiThreadGarbageCollector(interval_ms=20)
    collector.start()
    try:
        assert not gc.isenabled()
        refs: list[weakref.ref[_Node]] = []
        freed_on: list[str] = []

        def make_garbage() -> None:
            for _ in range(2_000):  # far past generation 0's threshold
                node = _Node()
                weakref.finalize(node, lambda: freed_on.append(threading.current_thread().name))
                refs.append(weakref.ref(node))

        worker = threading.Thread(target=make_garbage, name="worker")
        worker.start()
        worker.join()
        assert all(ref() is not None for ref in refs)  # the worker collected nothing
        qtbot.waitUntil(lambda: all(ref() is None for ref in refs), timeout=10_000)
        assert set(freed_on) == {threading.current_thread().name}
    finally:
        collector.stop()
