"""Preferences: refresh cadence, which levels alert, cooldown, quiet hours, tray behaviour."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from adl_monitor.core.model.levels import Level
from adl_monitor.storage import settings as opt
from adl_monitor.storage.config import ConfigError
from adl_monitor.ui import autostart
from adl_monitor.ui import formatting as fmt

_ALERTABLE = (Level.YELLOW, Level.ORANGE, Level.RED)


class SettingsDialog(QDialog):
    """Edits a copy of the settings; OK saves them to the config file and emits `applied`."""

    applied = Signal(opt.Settings)

    def __init__(
        self, settings: opt.Settings, config_path: Path | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("ADL Monitor settings"))
        self._settings = settings.copy()
        self._config_path = config_path

        self.refresh = QSpinBox()
        self.refresh.setRange(0, 600)
        self.refresh.setSuffix(self.tr(" s"))
        self.refresh.setSpecialValueText(self.tr("each exchange's own pace"))
        self.refresh.setToolTip(
            self.tr(
                "0 keeps each venue's own cadence (Binance's ADL data only changes every 30 s); "
                "a venue is never asked more often than its own cadence, whatever the value"
            )
        )
        self.level_boxes = {
            level: QCheckBox(fmt.level_word(level).capitalize()) for level in _ALERTABLE
        }
        self.cooldown = QSpinBox()
        self.cooldown.setRange(1, 1440)
        self.cooldown.setSuffix(self.tr(" min"))
        self.quiet = QCheckBox(self.tr("Hold alerts during quiet hours"))
        self.quiet_start = QTimeEdit()
        self.quiet_start.setDisplayFormat("HH:mm")
        self.quiet_end = QTimeEdit()
        self.quiet_end.setDisplayFormat("HH:mm")
        self.red_in_quiet = QCheckBox(self.tr("Red alerts still come through in quiet hours"))
        self.sound = QCheckBox(self.tr("Play a sound with alerts"))
        self.close_to_tray = QCheckBox(self.tr("Closing the window keeps monitoring in the tray"))
        self.start_minimised = QCheckBox(self.tr("Start minimised to the tray"))
        self.start_at_login = QCheckBox(self.tr("Start when I log in"))
        if not autostart.supported():
            self.start_at_login.setEnabled(False)
            self.start_at_login.setToolTip(self.tr("Not available on this system yet"))
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #db2828;")

        monitoring = QGroupBox(self.tr("Monitoring"))
        form = QFormLayout(monitoring)
        form.addRow(self.tr("Refresh every"), self.refresh)

        alerts = QGroupBox(self.tr("Alerts"))
        alert_form = QFormLayout(alerts)
        levels_row = QHBoxLayout()
        for box in self.level_boxes.values():
            levels_row.addWidget(box)
        levels_row.addStretch(1)
        alert_form.addRow(self.tr("Alert at"), levels_row)
        alert_form.addRow(self.tr("Not again for the same position within"), self.cooldown)
        alert_form.addRow(self.quiet)
        quiet_row = QHBoxLayout()
        quiet_row.addWidget(QLabel(self.tr("from")))
        quiet_row.addWidget(self.quiet_start)
        quiet_row.addWidget(QLabel(self.tr("to")))
        quiet_row.addWidget(self.quiet_end)
        quiet_row.addStretch(1)
        alert_form.addRow(quiet_row)
        alert_form.addRow(self.red_in_quiet)
        alert_form.addRow(self.sound)

        window = QGroupBox(self.tr("Window"))
        window_layout = QVBoxLayout(window)
        for box in (self.close_to_tray, self.start_minimised, self.start_at_login):
            window_layout.addWidget(box)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons

        layout = QVBoxLayout(self)
        for widget in (monitoring, alerts, window, self.error, buttons):
            layout.addWidget(widget)
        self.quiet.toggled.connect(self._update_enabled)
        self._load()

    def _load(self) -> None:
        s = self._settings
        refresh: float = s.get(opt.REFRESH_SECONDS)
        self.refresh.setValue(round(refresh))
        # A refused value in a hand-edited config: say so; OK writes what the dialog shows.
        self.error.setText(" ".join(s.problems()))
        levels: tuple[str, ...] = s.get(opt.ALERT_LEVELS)
        chosen = set(levels)
        for level, box in self.level_boxes.items():
            box.setChecked(level.label in chosen)
        self.cooldown.setValue(s.get(opt.ALERT_COOLDOWN_MINUTES))
        self.quiet.setChecked(s.get(opt.QUIET_HOURS))
        self.quiet_start.setTime(QTime.fromString(s.get(opt.QUIET_START), "HH:mm"))
        self.quiet_end.setTime(QTime.fromString(s.get(opt.QUIET_END), "HH:mm"))
        self.red_in_quiet.setChecked(s.get(opt.RED_IN_QUIET_HOURS))
        self.sound.setChecked(s.get(opt.SOUND))
        self.close_to_tray.setChecked(s.get(opt.CLOSE_TO_TRAY))
        self.start_minimised.setChecked(s.get(opt.START_MINIMISED))
        self.start_at_login.setChecked(s.get(opt.START_AT_LOGIN) or autostart.is_enabled())
        self._update_enabled()

    def _update_enabled(self) -> None:
        quiet = self.quiet.isChecked()
        for widget in (self.quiet_start, self.quiet_end, self.red_in_quiet):
            widget.setEnabled(quiet)

    def settings(self) -> opt.Settings:
        """The settings as the dialog shows them now."""
        s = self._settings.copy()
        s.set(opt.REFRESH_SECONDS, self.refresh.value())
        s.set(
            opt.ALERT_LEVELS,
            tuple(level.label for level, box in self.level_boxes.items() if box.isChecked()),
        )
        s.set(opt.ALERT_COOLDOWN_MINUTES, self.cooldown.value())
        s.set(opt.QUIET_HOURS, self.quiet.isChecked())
        s.set(opt.QUIET_START, self.quiet_start.time().toString("HH:mm"))
        s.set(opt.QUIET_END, self.quiet_end.time().toString("HH:mm"))
        s.set(opt.RED_IN_QUIET_HOURS, self.red_in_quiet.isChecked())
        s.set(opt.SOUND, self.sound.isChecked())
        s.set(opt.CLOSE_TO_TRAY, self.close_to_tray.isChecked())
        s.set(opt.START_MINIMISED, self.start_minimised.isChecked())
        s.set(opt.START_AT_LOGIN, self.start_at_login.isChecked())
        return s

    def accept(self) -> None:
        settings = self.settings()
        try:
            settings.save(self._config_path)
            autostart.set_enabled(settings.get(opt.START_AT_LOGIN))
        except (ConfigError, OSError) as error:
            self.error.setText(
                self.tr("The settings could not be saved: {error}").format(error=error)
            )
            return
        self._settings = settings
        self.applied.emit(settings)
        super().accept()
