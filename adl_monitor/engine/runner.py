"""`EngineRunner`: the engine on a dedicated thread with one stock asyncio loop.

The GUI (through ui/bridge.py) and `adl-monitor watch` drive the engine through this class
only. Every ccxt object, every keyring lookup and every SQLite write happens on the runner's
threads, never the caller's. Methods are thread-safe and return at once: commands are posted to
the loop; queries return a `concurrent.futures.Future`.

Listeners are called on the engine's thread. A Qt bridge re-emits them as queued signals.

Shutdown order (docs/architecture.md, "Threads"): close the exchanges, cancel the tasks, stop
the loop, join the thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime
from typing import Any, TypeVar

from adl_monitor.core.alerts.rules import AlertSettings
from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.core.model.position import PositionId
from adl_monitor.core.model.snapshot import Snapshot
from adl_monitor.core.security.key_verdict import KeyCheck
from adl_monitor.engine.engine import Engine, EngineListener
from adl_monitor.engine.options import EngineOptions
from adl_monitor.engine.settings import EngineSettings
from adl_monitor.storage.history import HistoryPoint

__all__ = ["EngineListener", "EngineOptions", "EngineRunner", "EngineSettings"]

_log = logging.getLogger(__name__)
T = TypeVar("T")


class EngineRunner:
    """Owns a thread running one asyncio loop, and the `Engine` on it."""

    def __init__(
        self,
        accounts: Sequence[AccountSpec],
        credentials: Callable[[AccountSpec], Credentials | None],
        options: EngineOptions | None = None,
    ) -> None:
        self.engine = Engine(accounts, credentials, options)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._start_error: BaseException | None = None

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, timeout: float = 10.0) -> None:
        """Start the thread and the engine; returns once the engine runs (accounts connect
        in the background). Raises RuntimeError when the engine could not start."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._thread_main, name="adlmon-engine", daemon=True)
        self._thread.start()
        if not self._started.wait(timeout):
            raise RuntimeError("the monitoring engine did not start in time")
        if self._start_error is not None:
            raise RuntimeError(f"the monitoring engine failed to start: {self._start_error}")

    def _thread_main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self.engine.start())
        except BaseException as error:
            _log.warning("engine start failed", exc_info=True)
            self._start_error = error
            self._started.set()
            loop.close()
            return
        self._started.set()
        try:
            loop.run_forever()
        finally:
            try:
                pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
                for task in pending:
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                loop.close()

    def stop(self, timeout: float = 10.0) -> None:
        """Close exchanges, cancel tasks, stop the loop, join the thread. Idempotent."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None or not thread.is_alive():
            return
        try:
            asyncio.run_coroutine_threadsafe(self.engine.stop(), loop).result(timeout)
        except Exception:
            _log.warning("engine stop did not finish cleanly", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        if thread.is_alive():
            _log.error("the engine thread did not end within %.0f s", timeout)

    def __enter__(self) -> EngineRunner:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- commands (fire and forget) --------------------------------------------------------

    def add_listener(self, listener: EngineListener) -> None:
        """Safe before or after `start()`; the listener is called on the engine thread."""
        if self._loop is None:
            self.engine.add_listener(listener)
        else:
            self._call(self.engine.add_listener, listener)

    def remove_listener(self, listener: EngineListener) -> None:
        self._call(self.engine.remove_listener, listener)

    def refresh_now(self) -> None:
        self._call(self.engine.refresh_now)

    def set_accounts(self, accounts: Sequence[AccountSpec]) -> None:
        self._submit(self.engine.set_accounts(tuple(accounts)))

    def reload_account(self, name: str) -> None:
        self._submit(self.engine.reload_account(name))

    def update_settings(self, settings: EngineSettings) -> None:
        self._call(self.engine.update_settings, settings)

    def update_alert_settings(self, settings: AlertSettings) -> None:
        self._call(self.engine.update_alert_settings, settings)

    def snooze(self, until: datetime | None) -> None:
        self._call(self.engine.snooze, until)

    def pause_alerts(self, paused: bool) -> None:
        self._call(self.engine.pause_alerts, paused)

    # -- queries (futures) -----------------------------------------------------------------

    def verify_key(
        self, spec: AccountSpec, credentials: Credentials | None = None
    ) -> concurrent.futures.Future[KeyCheck]:
        """The venue's verdict on a key (None: the stored one). Never fails: problems come
        back as `KeyCheck(UNVERIFIED, message=<one sentence>)`."""
        return self._submit(self.engine.verify_key(spec, credentials))

    def history_for(
        self, key: PositionId, since: datetime
    ) -> concurrent.futures.Future[list[HistoryPoint]]:
        """Recorded points of position `key` = (account, symbol, side) since `since`."""
        return self._submit(self.engine.history_for(key, since))

    @property
    def latest(self) -> Snapshot | None:
        """The last published snapshot (a frozen object: safe to read from any thread)."""
        return self.engine.latest

    @property
    def history_notice(self) -> str | None:
        """A sentence for the user when the history file had to be set aside, else None."""
        return self.engine.history_notice

    # -- plumbing --------------------------------------------------------------------------

    def _require_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None or self._loop.is_closed():
            raise RuntimeError("the engine is not running — call start() first")
        return self._loop

    def _call(self, function: Callable[..., Any], *args: Any) -> None:
        self._require_loop().call_soon_threadsafe(function, *args)

    def _submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        try:
            loop = self._require_loop()
        except RuntimeError:
            coroutine.close()
            raise
        return asyncio.run_coroutine_threadsafe(coroutine, loop)
