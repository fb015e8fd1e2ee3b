"""Without a notification service, an alert still reaches the user through the tray."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from adl_monitor.core.alerts.alert import Alert, AlertKind
from adl_monitor.core.model.levels import Level
from adl_monitor.ui.notifier import Notifier
from adl_monitor.ui.tray import TrayIcon


def _alert() -> Alert:
    return Alert(
        kind=AlertKind.LEVEL,
        at=datetime.now(UTC),
        account="demo-bybit",
        exchange="bybit",
        symbol="BTC/USDT:USDT",
        side="long",
        level=Level.RED,
        tier=5,
        title="Bybit BTC/USDT:USDT long is now red (tier 5)",
        body="PnL +18.0 %, effective leverage 21×. Reduce by 40 % to reach tier 3.",
    )


@pytest.fixture
def no_session_bus(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")


def test_falls_back_to_the_tray_without_a_notification_service(qtbot, no_session_bus) -> None:  # type: ignore[no-untyped-def]
    tray = TrayIcon()
    notifier = Notifier()
    notifier.fallback.connect(tray.show_alert_message)
    try:
        with qtbot.waitSignal(tray.message_shown, timeout=10_000) as blocker:
            notifier.notify(_alert(), sound=False)
        title, body = blocker.args
        assert "BTC/USDT:USDT long" in title and "red" in title
        assert "Reduce by 40 %" in body
        # The next alert goes straight to the tray: no second failed D-Bus round trip.
        with qtbot.waitSignal(tray.message_shown, timeout=10_000):
            notifier.notify(_alert(), sound=False)
    finally:
        notifier.close()
        tray.deleteLater()


class _SlowService:
    """A notification service that takes its time to answer, as a busy D-Bus daemon does."""

    def __init__(self) -> None:
        self.cleared: list[str] = []
        self._sent = 0

    async def send(self, **kwargs: object) -> str:
        import asyncio

        await asyncio.sleep(0.3)
        self._sent += 1
        on_dispatched = kwargs["on_dispatched"]
        assert callable(on_dispatched)
        on_dispatched()
        return f"notification-{self._sent}"

    async def clear(self, identifier: str) -> None:
        self.cleared.append(identifier)


def test_a_red_right_after_an_orange_replaces_it_even_before_the_orange_is_on_screen(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    service = _SlowService()
    notifier = Notifier()
    monkeypatch.setattr(notifier, "_desktop_notifier", lambda: service)
    orange = dataclasses.replace(_alert(), level=Level.ORANGE, tier=4, title="… is now orange")
    red = dataclasses.replace(_alert(), escalates=True)
    try:
        with qtbot.waitSignals([notifier.sent, notifier.sent], timeout=10_000):
            notifier.notify(orange, sound=False)
            notifier.notify(red, sound=False)
        assert service.cleared == ["notification-1"]
    finally:
        notifier.close()
