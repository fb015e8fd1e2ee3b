"""The tray icon: the worst level across all positions at a glance, and quick alert controls."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.snapshot import Snapshot
from adl_monitor.ui import formatting as fmt
from adl_monitor.ui.icons import tray_icon


def tomorrow_morning(now: datetime) -> datetime:
    """08:00 local time on the next day: "until tomorrow"."""
    local = now.astimezone()
    return (local + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)


class TrayIcon(QSystemTrayIcon):
    show_requested = Signal()
    snooze_requested = Signal(datetime)  # (aware) until which alerts are held
    pause_toggled = Signal(bool)
    quit_requested = Signal()
    message_shown = Signal(str, str)  # title, body: the fallback notification was shown

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._level = Level.NONE
        self.setIcon(tray_icon(Level.NONE))
        self.setToolTip(self.tr("ADL Monitor — starting"))
        self._menu = QMenu()
        self.show_action = self._menu.addAction(self.tr("Show ADL Monitor"))
        self.show_action.triggered.connect(self.show_requested)
        self._menu.addSeparator()
        self.snooze_menu = self._menu.addMenu(self.tr("Snooze alerts"))
        self._add_snooze(self.tr("For 15 minutes"), lambda now: now + timedelta(minutes=15))
        self._add_snooze(self.tr("For 1 hour"), lambda now: now + timedelta(hours=1))
        self._add_snooze(self.tr("Until tomorrow morning"), tomorrow_morning)
        self.pause_action = QAction(self.tr("Pause alerts"), self._menu)
        self.pause_action.setCheckable(True)
        self.pause_action.toggled.connect(self.pause_toggled)
        self._menu.addAction(self.pause_action)
        self._menu.addSeparator()
        self.quit_action = self._menu.addAction(self.tr("Quit"))
        self.quit_action.triggered.connect(self.quit_requested)
        self.setContextMenu(self._menu)
        self.activated.connect(self._on_activated)

    def _add_snooze(self, label: str, until: Callable[[datetime], datetime]) -> None:
        action = self.snooze_menu.addAction(label)

        def snooze() -> None:
            now = datetime.now().astimezone()
            self.snooze_requested.emit(until(now))

        action.triggered.connect(snooze)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.show_requested.emit()

    @property
    def level(self) -> Level:
        return self._level

    def set_snapshot(self, snapshot: Snapshot) -> None:
        """Colour = worst level across positions; tooltip = counts per level and failures."""
        level = snapshot.worst_level
        if level != self._level:
            self._level = level
            self.setIcon(tray_icon(level))
        self.setToolTip(self.summary(snapshot))

    def summary(self, snapshot: Snapshot) -> str:
        counts = Counter(risk.level for risk in snapshot.positions)
        lines = [self.tr("ADL Monitor — {n} positions").format(n=len(snapshot.positions))]
        parts = [
            self.tr("{count} {level}").format(count=counts[level], level=fmt.level_word(level))
            for level in (Level.RED, Level.ORANGE, Level.YELLOW, Level.GREEN)
            if counts[level]
        ]
        if parts:
            lines.append(", ".join(parts))
        stale = sum(1 for risk in snapshot.positions if risk.stale)
        if stale:
            lines.append(self.tr("{n} stale").format(n=stale))
        failing = [a.name for a in snapshot.accounts if a.error]
        if failing:
            lines.append(self.tr("Not updating: {names}").format(names=", ".join(failing)))
        if self.pause_action.isChecked():
            lines.append(self.tr("Alerts paused"))
        return "\n".join(lines)

    def show_alert_message(self, title: str, body: str, level: Level) -> None:
        """The fallback when the desktop has no notification service."""
        icon = (
            QSystemTrayIcon.MessageIcon.Critical
            if level >= Level.RED
            else QSystemTrayIcon.MessageIcon.Warning
        )
        if self.isVisible():
            self.showMessage(title, body, icon, 15_000)
        self.message_shown.emit(title, body)
