"""The tray icon's colour is the worst level across all positions; its menu drives alerts."""

from __future__ import annotations

from datetime import datetime

import pytest

from adl_monitor.core.model.levels import Level
from adl_monitor.ui.colours import LEVEL_COLOURS
from adl_monitor.ui.icons import tray_probe_point
from adl_monitor.ui.tray import TrayIcon, tomorrow_morning
from tests.ui.conftest import make_risk, make_snapshot


def _icon_colour(tray: TrayIcon, size: int = 32) -> str:
    image = tray.icon().pixmap(size, size).toImage()
    return image.pixelColor(tray_probe_point(size).toPoint()).name()


@pytest.fixture
def tray(qapp):  # type: ignore[no-untyped-def]
    icon = TrayIcon()
    yield icon
    icon.deleteLater()


def test_icon_colour_follows_the_worst_level(tray: TrayIcon) -> None:
    assert _icon_colour(tray) == LEVEL_COLOURS[Level.NONE]
    tray.set_snapshot(
        make_snapshot(make_risk("a", exchange_tier=1), make_risk("b", exchange_tier=3))
    )
    assert _icon_colour(tray) == LEVEL_COLOURS[Level.YELLOW]
    tray.set_snapshot(
        make_snapshot(make_risk("a", exchange_tier=5), make_risk("b", exchange_tier=3))
    )
    assert _icon_colour(tray) == LEVEL_COLOURS[Level.RED]
    assert tray.level is Level.RED
    tray.set_snapshot(make_snapshot(make_risk("a", exchange_tier=4)))
    assert _icon_colour(tray) == LEVEL_COLOURS[Level.ORANGE]
    tray.set_snapshot(make_snapshot())
    assert _icon_colour(tray) == LEVEL_COLOURS[Level.NONE]


def test_tooltip_summarises_levels_and_stale_rows(tray: TrayIcon) -> None:
    tray.set_snapshot(
        make_snapshot(
            make_risk("a", exchange_tier=5),
            make_risk("b", exchange_tier=4),
            make_risk("c", exchange_tier=4, stale=True),
        )
    )
    tip = tray.toolTip()
    assert "3 positions" in tip
    assert "1 red, 2 orange" in tip
    assert "1 stale" in tip


def test_snooze_and_pause_menu_entries_emit_commands(qtbot, tray: TrayIcon) -> None:  # type: ignore[no-untyped-def]
    actions = {a.text(): a for a in tray.snooze_menu.actions()}
    with qtbot.waitSignal(tray.snooze_requested) as blocker:
        actions["For 15 minutes"].trigger()
    until = blocker.args[0]
    minutes = (until - datetime.now().astimezone()).total_seconds() / 60
    assert 14 <= minutes <= 15
    with qtbot.waitSignal(tray.snooze_requested) as blocker:
        actions["Until tomorrow morning"].trigger()
    assert blocker.args[0].hour == 8
    with qtbot.waitSignal(tray.pause_toggled) as blocker:
        tray.pause_action.trigger()
    assert blocker.args == [True]
    with qtbot.waitSignal(tray.quit_requested):
        tray.quit_action.trigger()


def test_tomorrow_morning_is_the_next_day() -> None:
    now = datetime(2026, 11, 25, 23, 30).astimezone()
    assert tomorrow_morning(now).day == 26
