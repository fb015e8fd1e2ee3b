"""The main window: the positions table, the selected position's charts, accounts' health.

It draws what the bridge delivers and sends the user's commands back; it knows nothing of the
engine's thread. Window geometry, the splitter and the table's column layout persist in an INI
file beside the config (QSettings), not in the config TOML, which stays hand-editable.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QPaintEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from adl_monitor.core.alerts.alert import Alert
from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.position import PositionId
from adl_monitor.core.model.snapshot import Snapshot
from adl_monitor.core.venues.display_names import venue_display_name
from adl_monitor.ui import formatting as fmt
from adl_monitor.ui.account_status_bar import AccountStatusStrip
from adl_monitor.ui.demo_banner import DemoBanner
from adl_monitor.ui.detail_panel import DetailPanel
from adl_monitor.ui.icons import app_icon
from adl_monitor.ui.position_filter import PositionFilterProxy
from adl_monitor.ui.position_history import PositionHistory
from adl_monitor.ui.position_model import Column, PositionTableModel, Role
from adl_monitor.ui.table_columns import ColumnMenu, apply_default_layout
from adl_monitor.ui.tier_delegate import TierLightsDelegate
from adl_monitor.ui.timing_report import report_once

_LEVEL_FILTERS = (Level.NONE, Level.YELLOW, Level.ORANGE, Level.RED)
LAYOUT_VERSION = 1
TABLE_LAYOUT_VERSION = 3
"""Bumped when the default columns change, so a saved header from before is not restored."""


class MainWindow(QMainWindow):
    refresh_requested = Signal()
    settings_requested = Signal()
    accounts_requested = Signal()
    export_requested = Signal()
    quit_requested = Signal()
    position_selected = Signal(object)  # PositionId | None
    first_shown = Signal()

    def __init__(self, window_state_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("ADL Monitor"))
        self.setWindowIcon(app_icon())
        self._state_path = window_state_path
        self._shown_once = False
        self._painted_once = False
        self._first_announced = False
        self.keep_in_tray = False  # set by the app from the close-to-tray setting
        self.history = PositionHistory()

        self.model = PositionTableModel(self)
        self.model.defer_sort = True
        self.proxy = PositionFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.EXCHANGE_TIER, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.lights = TierLightsDelegate(self.table)
        for column in (Column.EXCHANGE_TIER, Column.ESTIMATED_TIER):
            self.table.setItemDelegateForColumn(column, self.lights)
        apply_default_layout(self.table)
        self.column_menu = ColumnMenu(self.table)

        self.detail = DetailPanel(self.history)

        self.banner = DemoBanner()
        self.banner.add_account_requested.connect(self.accounts_requested)
        self.notice = QLabel("")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.hide()

        self.account_filter = QComboBox()
        self.venue_filter = QComboBox()
        self.level_filter = QComboBox()
        self.account_filter.addItem(self.tr("All accounts"), None)
        self.venue_filter.addItem(self.tr("All venues"), None)
        level_names = {
            Level.NONE: self.tr("All levels"),
            Level.YELLOW: self.tr("Yellow and worse"),
            Level.ORANGE: self.tr("Orange and worse"),
            Level.RED: self.tr("Red only"),
        }
        for level in _LEVEL_FILTERS:
            self.level_filter.addItem(level_names[level], int(level))
        self.find_box = QLineEdit()
        self.find_box.setPlaceholderText(self.tr("Find (Ctrl+F)"))
        self.find_box.textChanged.connect(self.proxy.set_find_text)
        self.account_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_account(self.account_filter.currentData())
        )
        self.venue_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_venue(self.venue_filter.currentData())
        )
        self.level_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_minimum_level(Level(self.level_filter.currentData()))
        )
        filters = QHBoxLayout()
        filters.addWidget(self.account_filter)
        filters.addWidget(self.venue_filter)
        filters.addWidget(self.level_filter)
        filters.addStretch(1)
        filters.addWidget(self.find_box, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.notice)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.accounts_strip = AccountStatusStrip()
        self.statusBar().addWidget(self.accounts_strip, 1)
        self.alert_state = QLabel("")
        self.statusBar().addPermanentWidget(self.alert_state)
        self.last_alert = QLabel("")
        self.last_alert.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.last_alert)
        self.last_update = QLabel(self.tr("Starting…"))
        self.statusBar().addPermanentWidget(self.last_update)

        self._build_actions()
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()
        self._last_snapshot: Snapshot | None = None
        self._auto_select = True
        self.resize(_first_run_size())
        self.restore_layout()

    # -- actions and shortcuts -----------------------------------------------------------
    def _build_actions(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        self.accounts_action = QAction(self.tr("&Accounts…"), self)
        self.accounts_action.triggered.connect(self.accounts_requested)
        self.settings_action = QAction(self.tr("&Settings…"), self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.settings_requested)
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.quit_requested)
        self.export_action = QAction(self.tr("&Export history…"), self)
        self.export_action.triggered.connect(self.export_requested)
        for action in (self.accounts_action, self.export_action, self.settings_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = menu.addMenu(self.tr("&View"))
        self.refresh_action = QAction(self.tr("&Refresh now"), self)
        self.refresh_action.setShortcuts([QKeySequence("F5"), QKeySequence("Ctrl+R")])
        self.refresh_action.triggered.connect(self.refresh_requested)
        self.find_action = QAction(self.tr("&Find…"), self)
        self.find_action.setShortcut(QKeySequence("Ctrl+F"))
        self.find_action.triggered.connect(self.focus_find)
        view_menu.addAction(self.refresh_action)
        view_menu.addAction(self.find_action)
        for action in (
            self.settings_action,
            self.quit_action,
            self.refresh_action,
            self.find_action,
        ):
            self.addAction(action)  # shortcuts work while the menu bar is hidden, too

    def focus_find(self) -> None:
        self.find_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_box.selectAll()

    # -- data in -------------------------------------------------------------------------
    def apply_snapshot(self, snapshot: Snapshot) -> None:
        self._last_snapshot = snapshot
        self.history.add_snapshot(snapshot)
        QTimer.singleShot(0, self.history.record_pending)  # its own pass of the event loop
        self.model.set_snapshot(snapshot)
        if snapshot.positions:
            report_once("first-positions")
        self.accounts_strip.set_accounts(snapshot.accounts)
        self._update_filter_choices(snapshot)
        self.last_update.setText(
            self.tr("Updated {time}").format(time=fmt.local_time(snapshot.generated_at))
        )
        key = self.detail.key
        if key is None and self._auto_select and self.proxy.rowCount():
            # The riskiest position's chart, until the user picks another one.
            self._auto_select = False
            self.table.selectRow(0)
            return
        if key is not None:
            row = self.model.row_of(key)
            risk = self.model.risk_at(row) if row is not None else None
            self.detail.show_position(risk, chart_later=True)

    @property
    def last_snapshot(self) -> Snapshot | None:
        return self._last_snapshot

    def show_demo(self, scenario: str | None, configured: bool) -> None:
        self.banner.show_demo(scenario, configured)

    def hide_demo(self) -> None:
        self.banner.hide()

    def show_notice(self, text: str) -> None:
        """A sentence above the table (e.g. the engine could not start); empty hides it."""
        self.notice.setText(text)
        self.notice.setStyleSheet("color: #db2828; font-weight: bold;")
        self.notice.setVisible(bool(text))

    def show_status_message(self, text: str) -> None:
        """A passing sentence in the status bar (e.g. where an export went)."""
        self.statusBar().showMessage(text, 30_000)

    def note_alert(self, alert: Alert) -> None:
        """The latest alert, in the status bar (a temporary message would hide the accounts)."""
        self.last_alert.setText(
            self.tr("Last alert {time}: {title}").format(
                time=fmt.local_time(alert.at), title=alert.title
            )
        )
        self.last_alert.setToolTip(alert.body)

    def set_alert_state(self, text: str) -> None:
        self.alert_state.setText(text)

    def _update_filter_choices(self, snapshot: Snapshot) -> None:
        accounts = sorted(
            {s.name for s in snapshot.accounts} | {r.position.account for r in snapshot.positions}
        )
        venues = sorted(
            {s.exchange for s in snapshot.accounts}
            | {r.position.exchange for r in snapshot.positions}
        )
        self._sync_combo(self.account_filter, [(a, a) for a in accounts])
        self._sync_combo(self.venue_filter, [(venue_display_name(v), v) for v in venues])

    @staticmethod
    def _sync_combo(combo: QComboBox, items: list[tuple[str, str]]) -> None:
        present = [combo.itemData(i) for i in range(1, combo.count())]
        if present == [data for _, data in items]:
            return
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for label, data in items:
            combo.addItem(label, data)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)
        if index < 0:
            combo.currentIndexChanged.emit(0)

    def _tick(self) -> None:
        now = datetime.now(UTC)
        self.model.tick(now)  # repaints the ages, and the lights of stale rows only
        self.accounts_strip.tick(now)

    # -- selection -----------------------------------------------------------------------
    def _on_selection(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.detail.show_position(None)
            self.setWindowTitle(self.tr("ADL Monitor"))
            self.position_selected.emit(None)
            return
        risk = rows[0].data(Role.RISK)
        self.detail.show_position(risk)
        p = risk.position
        self.setWindowTitle(
            self.tr("{symbol} {side} · {account} — ADL Monitor").format(
                symbol=p.symbol, side=p.side.value, account=p.account
            )
        )
        self.position_selected.emit(risk.key)

    def select_position(self, key: PositionId) -> bool:
        """Select the position's row (clearing filters that hide it); False if unknown."""
        row = self.model.row_of(key)
        if row is None:
            return False
        source = self.model.index(row, 0)
        index = self.proxy.mapFromSource(source)
        if not index.isValid():
            self.find_box.clear()
            for combo in (self.account_filter, self.venue_filter, self.level_filter):
                combo.setCurrentIndex(0)
            index = self.proxy.mapFromSource(source)
        self.table.selectionModel().select(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def selected_key(self) -> PositionId | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(Role.KEY) if rows else None

    def show_and_raise(self) -> None:
        if self.isMinimized():
            self.showNormal()
        else:
            self.show()
        self.raise_()
        self.activateWindow()

    # -- layout persistence --------------------------------------------------------------
    def _qsettings(self) -> QSettings:
        return QSettings(str(self._state_path), QSettings.Format.IniFormat)

    def save_layout(self) -> None:
        state = self._qsettings()
        state.setValue("window/geometry", self.saveGeometry())
        state.setValue("window/state", self.saveState(LAYOUT_VERSION))
        state.setValue("window/splitter", self.splitter.saveState())
        state.setValue("table/header", self.table.horizontalHeader().saveState())
        state.setValue("table/layout_version", TABLE_LAYOUT_VERSION)
        state.sync()

    def restore_layout(self) -> None:
        state = self._qsettings()
        geometry = state.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        window_state = state.value("window/state")
        if window_state is not None:
            self.restoreState(window_state, LAYOUT_VERSION)
        splitter = state.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        header = state.value("table/header")
        # An older release's header hid the Suggestion column behind a scroll bar: keep the
        # window's geometry but start the table from the new default layout.
        if header is not None and _int(state.value("table/layout_version")) >= TABLE_LAYOUT_VERSION:
            self.table.horizontalHeader().restoreState(header)

    # -- events --------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            QTimer.singleShot(1500, self._announce_first_paint)  # in case no paint arrives

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted_once:
            self._painted_once = True
            report_once("first-paint")
            QTimer.singleShot(0, self._announce_first_paint)

    def _announce_first_paint(self) -> None:
        """`first_shown` once, after the window's first paint: then the engine may start."""
        if not self._first_announced:
            self._first_announced = True
            # Shown only once there is text to clear; on X11 its icon is looked up in the
            # desktop's icon theme, which took 5–9 ms before the first paint (issue 13).
            self.find_box.setClearButtonEnabled(True)
            self.first_shown.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        if self.keep_in_tray:
            event.ignore()
            self.hide()
            return
        event.accept()
        self.quit_requested.emit()


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _first_run_size() -> QSize:
    """Before any saved geometry: most of the screen, so every column fits without scrolling."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:  # the stub omits it, but Qt returns no screen when none is attached
        return QSize(1280, 780)  # type: ignore[unreachable]
    available = screen.availableGeometry()
    return QSize(
        max(960, min(1680, int(available.width() * 0.92))),
        max(600, min(1050, int(available.height() * 0.9))),
    )
