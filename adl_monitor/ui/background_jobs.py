"""One-off jobs off the GUI thread, with their result handed back on the GUI thread.

Starting the engine, a keyring write, an export: each may block for seconds, and the window
must not freeze meanwhile (docs/architecture.md "Threads": no network call, keyring call or
SQLite write on the GUI thread). `BackgroundJobs.run(job, on_done, on_error)` runs `job` on a
short worker thread and calls `on_done(result)` — or `on_error(exception)` — later on the GUI
thread. `follow(future, …)` does the same for work already running elsewhere (the engine's
loop answers with a `concurrent.futures.Future`).

Threads are short-lived and counted, so `wait()` at shutdown can make sure none is left
running. A callback whose QObject was destroyed meanwhile (a closed dialog) is skipped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject

from adl_monitor.ui.gui_relay import GuiRelay, on_gui_thread

_log = logging.getLogger(__name__)

T = TypeVar("T")
OnError = Callable[[BaseException], None]


class BackgroundJobs(GuiRelay):
    """Worker threads named `adl-monitor-<name>`, reporting to the GUI thread."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._threads: set[threading.Thread] = set()
        self._lock = threading.Lock()

    def run(
        self,
        job: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: OnError | None = None,
    ) -> None:
        """Run `job()` on a new worker thread; its result or exception comes back later on the
        GUI thread (an exception with no `on_error` is logged)."""

        def work() -> None:
            try:
                try:
                    result = job()
                except Exception as error:
                    self._report_error(error, on_error)
                else:
                    if on_done is not None:
                        self._call_back(on_done, result)
            finally:
                with self._lock:
                    self._threads.discard(threading.current_thread())

        thread = threading.Thread(target=work, name=f"adl-monitor-{self._name}", daemon=True)
        with self._lock:
            self._threads.add(thread)
        thread.start()

    def follow(
        self,
        future: Future[T],
        on_done: Callable[[T], None],
        on_error: OnError | None = None,
    ) -> None:
        """Call `on_done(result)` (or `on_error`) on the GUI thread once `future` completes."""

        def done(finished: Future[T]) -> None:
            error = finished.exception()
            if error is not None:
                self._report_error(error, on_error)
            else:
                self._call_back(on_done, finished.result())

        future.add_done_callback(done)

    def wait(self, timeout: float = 10.0) -> bool:
        """Join the running jobs (at shutdown); False when one is still running after
        `timeout` seconds in all."""
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join(timeout)
        with self._lock:
            return not any(thread.is_alive() for thread in self._threads)

    def _report_error(self, error: BaseException, on_error: OnError | None) -> None:
        if on_error is None:
            _log.warning("background job %s failed", self._name, exc_info=error)
        else:
            self._call_back(on_error, error)

    @on_gui_thread
    def _call_back(self, callback: Callable[[Any], None], value: object) -> None:
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, QObject) and not shiboken6.isValid(owner):
            return  # e.g. the dialog that asked was closed and deleted meanwhile
        callback(value)
