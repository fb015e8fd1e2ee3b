"""Alerts as native desktop notifications, with the tray balloon as the fallback.

desktop-notifier speaks freedesktop Notifications over D-Bus on Linux (and the native centres on
macOS/Windows). Its API is asyncio, and its click callbacks need a running loop, so it lives on a
small loop thread of its own: never on the GUI thread (a D-Bus round trip must not freeze the
window) and not on the engine's loop (a stuck notification daemon must not delay a refresh).
Results come back to the GUI thread through the `GuiRelay` (ui/gui_relay.py).

When no notification service answers (no session bus, no daemon), the library only logs; we
detect that because its `on_dispatched` callback never ran, and show the alert as a tray balloon.

asyncio is imported with the first alert, not with the window: the first paint does not wait
for it (issue 13).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from adl_monitor.core.alerts.alert import Alert, AlertKind
from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.position import PositionId
from adl_monitor.ui.gui_relay import GuiRelay
from adl_monitor.ui.icons import app_icon_png

if TYPE_CHECKING:
    import asyncio

_log = logging.getLogger(__name__)

APP_NAME = "ADL Monitor"
RETRY_SERVICE_AFTER = 300.0
"""Seconds to use the fallback straight away after the notification service failed, instead of
paying (and logging) a failed D-Bus connection for every alert."""


class _LoopThread:
    """An asyncio loop running forever in a daemon thread."""

    def __init__(self) -> None:
        import asyncio

        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="adl-monitor-notifier", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import asyncio

        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()
        # Sends queued just before stop() were never started: start them, then cancel whatever
        # is still pending, so no coroutine is dropped un-awaited while the window closes.
        self.loop.run_until_complete(asyncio.sleep(0))
        pending = asyncio.all_tasks(self.loop)
        for task in pending:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.loop.close()

    def stop(self) -> None:
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=2)


class Notifier(GuiRelay):
    """`notify(alert)` from the GUI thread; `clicked(key)` when the user clicks one."""

    clicked = Signal(object)  # (account, symbol, side) of the alert's position
    sent = Signal(str, str)  # title, body: delivered to the notification service
    fallback = Signal(str, str, object)  # title, body, Level: no service, show it another way

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._loop: _LoopThread | None = None
        self._notifier: Any = None
        self._service_failed_at: float | None = None  # time.monotonic(), loop thread only
        self._shown: dict[PositionId, str] = {}  # position → its level notification
        self._one_at_a_time: asyncio.Lock | None = None  # created on the loop thread

    def notify(self, alert: Alert, *, sound: bool) -> None:
        import asyncio

        if self._loop is None:
            self._loop = _LoopThread()
        key = alert.position_id
        future = asyncio.run_coroutine_threadsafe(self._send(alert, key, sound), self._loop.loop)
        future.add_done_callback(self._log_failure)

    @staticmethod
    def _log_failure(future: Any) -> None:
        error = future.exception()
        if error is not None:
            _log.warning("notification could not be sent: %s", type(error).__name__)

    def _desktop_notifier(self) -> Any:
        from desktop_notifier import DesktopNotifier, Icon

        if self._notifier is None:
            self._notifier = DesktopNotifier(
                app_name=APP_NAME, app_icon=Icon(path=app_icon_png(256))
            )
        return self._notifier

    async def _send(self, alert: Alert, key: PositionId, sound: bool) -> None:
        """One send at a time: a red that follows an orange within a second must find the
        orange's identifier to replace it, not race it onto the screen beside it."""
        import asyncio

        if self._one_at_a_time is None:
            self._one_at_a_time = asyncio.Lock()
        async with self._one_at_a_time:
            await self._send_now(alert, key, sound)

    async def _send_now(self, alert: Alert, key: PositionId, sound: bool) -> None:
        from desktop_notifier import DEFAULT_SOUND, Button, Urgency

        failed_at = self._service_failed_at
        if failed_at is not None and time.monotonic() - failed_at < RETRY_SERVICE_AFTER:
            self.relay("fallback", alert.title, alert.body, alert.level)
            return
        dispatched = threading.Event()
        show_label = QApplication.translate("Notifier", "Show")

        def on_click() -> None:
            self.relay("clicked", key)

        identifier: str | None = None
        try:
            notifier = self._desktop_notifier()
            await self._clear_replaced(notifier, alert, key)
            identifier = await notifier.send(
                title=alert.title,
                message=alert.body,
                urgency=Urgency.Critical if alert.level >= Level.RED else Urgency.Normal,
                buttons=[Button(title=show_label, on_pressed=on_click)],
                on_clicked=on_click,
                on_dispatched=dispatched.set,
                sound=DEFAULT_SOUND if sound else None,
            )
        except Exception as error:  # any backend failure means: use the fallback
            _log.warning("desktop notification failed: %s", type(error).__name__)
        if dispatched.is_set():
            if alert.kind is AlertKind.LEVEL and identifier is not None:
                self._shown[key] = identifier
            self._service_failed_at = None
            self.relay("sent", alert.title, alert.body)
        else:
            self._service_failed_at = time.monotonic()
            self._notifier = None  # reconnect from scratch next time
            self.relay("fallback", alert.title, alert.body, alert.level)

    async def _clear_replaced(self, notifier: Any, alert: Alert, key: PositionId) -> None:
        """An escalation (orange → red within the cooldown) takes the place of the position's
        earlier notification: one on screen per position, and it says the latest level."""
        if alert.kind is not AlertKind.LEVEL:
            return
        previous = self._shown.pop(key, None)
        if alert.escalates and previous is not None:
            try:
                await notifier.clear(previous)
            except Exception as error:  # already dismissed, or the service restarted
                _log.info("earlier notification not cleared: %s", type(error).__name__)

    def close(self) -> None:
        if self._loop is not None:
            self._loop.stop()
            self._loop = None
