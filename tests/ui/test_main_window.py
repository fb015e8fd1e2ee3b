"""The main window: layout that persists, shortcuts, status bar sentences, landing on a position."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from adl_monitor.core.model.snapshot import AccountState, AccountStatus, Snapshot
from adl_monitor.core.model.venue_risk import BINANCE_SOURCE, VenueRisk, VenueRiskLevel
from adl_monitor.ui.main_window import MainWindow
from adl_monitor.ui.position_model import Column, Role
from tests.ui.conftest import NOW, make_risk, make_snapshot, minutes_ago


def _window(qtbot, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(tmp_path / "window.ini")
    qtbot.addWidget(window)
    return window


def test_geometry_and_column_layout_persist(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, tmp_path)
    window.resize(700, 500)
    header = window.table.horizontalHeader()
    header.moveSection(header.visualIndex(Column.SUGGESTION), 0)
    header.resizeSection(Column.SYMBOL, 211)
    window.save_layout()

    again = _window(qtbot, tmp_path)
    again_header = again.table.horizontalHeader()
    assert again_header.visualIndex(Column.SUGGESTION) == 0
    assert again_header.sectionSize(Column.SYMBOL) == 211
    assert (again.width(), again.height()) == (700, 500)


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's own limitation
def test_shortcuts(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, tmp_path)
    assert QKeySequence("F5") in window.refresh_action.shortcuts()
    assert QKeySequence("Ctrl+R") in window.refresh_action.shortcuts()
    assert window.settings_action.shortcut() == QKeySequence("Ctrl+,")
    assert window.quit_action.shortcut() == QKeySequence("Ctrl+Q")
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    with qtbot.waitSignal(window.refresh_requested):
        qtbot.keyClick(window.windowHandle(), Qt.Key.Key_F5)
    with qtbot.waitSignal(window.settings_requested):
        qtbot.keyClick(window.windowHandle(), Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.find_box.hasFocus)


def test_status_bar_names_each_accounts_state(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, tmp_path)
    error = "okx-main: the API key or secret was rejected — check it, or add the account again."
    snapshot = Snapshot(
        generated_at=NOW,
        accounts=(
            AccountStatus("bybit-main", "bybit", AccountState.LIVE, NOW, key_read_only=False),
            AccountStatus("binance", "binanceusdm", AccountState.STALE, minutes_ago(3)),
            AccountStatus("okx-main", "okx", AccountState.ERROR, None, error=error),
        ),
    )
    window.apply_snapshot(snapshot)
    window.accounts_strip.tick(NOW)
    strip = window.accounts_strip
    assert "live" in strip.badge("bybit-main").text()  # type: ignore[union-attr]
    assert "trading key" in strip.badge("bybit-main").text()  # type: ignore[union-attr]
    assert "stale, last data 3 min ago" in strip.badge("binance").text()  # type: ignore[union-attr]
    assert strip.error_label.text() == error


def test_first_snapshot_selects_the_riskiest_and_charts_it(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, tmp_path)
    window.apply_snapshot(
        make_snapshot(make_risk("calm", exchange_tier=1), make_risk("hot", exchange_tier=5))
    )
    assert window.selected_key() == ("hot", "BTC/USDT:USDT", "long")
    assert window.detail.key == ("hot", "BTC/USDT:USDT", "long")
    assert "hot" in window.windowTitle()
    (_times, marks) = window.detail.mark_curve.getData()
    assert list(marks) == [66_000.0]


def test_landing_on_a_filtered_out_position_clears_the_filters(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, tmp_path)
    window.apply_snapshot(
        make_snapshot(make_risk("calm", exchange_tier=1), make_risk("hot", exchange_tier=5))
    )
    window.find_box.setText("hot")
    assert window.select_position(("calm", "BTC/USDT:USDT", "long"))
    assert window.find_box.text() == ""
    assert window.selected_key() == ("calm", "BTC/USDT:USDT", "long")
    assert not window.select_position(("nobody", "X/Y:Y", "long"))


def test_strings_are_translatable(qapp) -> None:  # type: ignore[no-untyped-def]
    """A catalogue for another language changes what the user reads."""
    from PySide6.QtCore import QCoreApplication, QTranslator

    class German(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):  # type: ignore[no-untyped-def]
            return {"Add account": "Konto hinzufügen", "Exchange tier": "Börsen-Stufe"}.get(
                source, ""
            )

    german = German()
    QCoreApplication.installTranslator(german)
    try:
        from adl_monitor.ui.demo_banner import DemoBanner
        from adl_monitor.ui.position_model import PositionTableModel

        assert DemoBanner().button.text() == "Konto hinzufügen"
        model = PositionTableModel()
        assert model.headerData(Column.EXCHANGE_TIER, Qt.Orientation.Horizontal) == "Börsen-Stufe"
    finally:
        QCoreApplication.removeTranslator(german)


def test_closing_keeps_monitoring_in_the_tray_when_asked(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, tmp_path)
    quits: list[bool] = []
    window.quit_requested.connect(lambda: quits.append(True))
    window.keep_in_tray = True
    window.close()
    assert not window.isVisible() and not quits
    window.keep_in_tray = False
    window.close()
    assert quits == [True]
    assert (tmp_path / "window.ini").exists()  # the layout was saved on the way out


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's own limitation
def test_what_to_do_is_visible_at_the_default_size_without_scrolling(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from adl_monitor.ui.table_columns import MIN_SUGGESTION_WIDTH

    window = _window(qtbot, tmp_path)
    window.resize(1470, 900)  # the first-run size on a 1,600 px screen
    window.show()
    advice = "Add 1,250 USDT margin or close 0.42 BTC (35 %) to drop from red to yellow."
    venue_risk = VenueRisk(VenueRiskLevel.MEDIUM, "medium", BINANCE_SOURCE, NOW)
    hot = replace(make_risk("hot", exchange_tier=5, advice=advice), venue_risk=venue_risk)
    window.apply_snapshot(make_snapshot(hot))
    qtbot.waitExposed(window)
    table = window.table
    assert table.horizontalScrollBar().maximum() == 0
    header = table.horizontalHeader()
    suggestion_right = header.sectionViewportPosition(Column.SUGGESTION) + header.sectionSize(
        Column.SUGGESTION
    )
    assert header.sectionSize(Column.SUGGESTION) >= MIN_SUGGESTION_WIDTH
    assert suggestion_right <= table.viewport().width() + 1
    row = window.proxy.index(0, Column.SUGGESTION)
    assert row.data(Qt.ItemDataRole.ToolTipRole) == advice
    for column in (
        Column.LIQUIDATION,
        Column.NOTIONAL,
        Column.PNL_PCT,
        Column.LEVERAGE,
        Column.VENUE_RISK,
    ):
        assert table.sizeHintForColumn(column) <= header.sectionSize(column) + 2, column.name
    cut_headers = [
        column.name
        for column in Column
        if not header.isSectionHidden(column)
        and header.sectionSizeHint(column) > header.sectionSize(column)
    ]
    assert not cut_headers, "header titles cut short at the default size"


def test_hidden_columns_come_back_from_the_header_menu(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, tmp_path)
    header = window.table.horizontalHeader()
    assert header.isSectionHidden(Column.ENTRY)
    menu = window.column_menu.build()
    entry = next(a for a in menu.actions() if a.text() == "Entry")
    entry.trigger()
    assert not header.isSectionHidden(Column.ENTRY)
    suggestion = next(a for a in menu.actions() if a.text() == "Suggestion")
    assert not suggestion.isEnabled()
    window.save_layout()
    assert not _window(qtbot, tmp_path).table.horizontalHeader().isSectionHidden(Column.ENTRY)


def test_selection_stays_on_the_same_position_when_a_refresh_re_sorts(
    qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, tmp_path)
    names = [f"acct{i}" for i in range(8)]
    window.apply_snapshot(
        make_snapshot(*(make_risk(n, exchange_tier=1 + i % 4) for i, n in enumerate(names)))
    )
    chosen = ("acct4", "BTC/USDT:USDT", "long")
    assert window.select_position(chosen)
    before = window.table.currentIndex().row()
    window.apply_snapshot(
        make_snapshot(*(make_risk(n, exchange_tier=5 if n == "acct4" else 1) for n in names))
    )
    qtbot.waitUntil(lambda: window.table.currentIndex().row() == 0 != before)
    assert window.selected_key() == chosen
    assert window.detail.key == chosen
    assert window.table.currentIndex().data(Role.KEY) == chosen


def test_a_refresh_redraws_the_selected_positions_chart(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The chart follows the table a moment later (not in the same paint), and it does."""
    window = _window(qtbot, tmp_path)
    window.apply_snapshot(make_snapshot(make_risk("hot", exchange_tier=5)))
    later = make_risk("hot", exchange_tier=5, fetched_at=NOW + timedelta(seconds=5))
    later = replace(later, position=replace(later.position, mark_price=67_000.0))
    window.apply_snapshot(make_snapshot(later, at=NOW + timedelta(seconds=5)))
    assert window.proxy.index(0, Column.MARK).data() == "67,000.0"
    qtbot.waitUntil(lambda: list(window.detail.mark_curve.getData()[1]) == [66_000.0, 67_000.0])


def test_clicking_a_column_header_sorts_the_table_by_it(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, tmp_path)
    symbols = ["ETH/USDT:USDT", "BTC/USDT:USDT", "SOL/USDT:USDT"]
    window.apply_snapshot(make_snapshot(*(make_risk("main", s) for s in symbols)))
    window.table.sortByColumn(Column.SYMBOL, Qt.SortOrder.AscendingOrder)
    shown = [window.proxy.index(r, Column.SYMBOL).data() for r in range(3)]
    assert shown == sorted(symbols)
    header = window.table.horizontalHeader()
    assert header.sortIndicatorSection() == Column.SYMBOL
    assert window.proxy.sortColumn() == Column.SYMBOL


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's own limitation
def test_the_find_box_can_be_cleared_once_the_window_has_painted(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Its clear button (an icon looked up in the desktop's theme) waits for the first paint."""
    window = _window(qtbot, tmp_path)
    with qtbot.waitSignal(window.first_shown):
        window.show()
    assert window.find_box.isClearButtonEnabled()
