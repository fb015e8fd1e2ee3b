"""The trader's day on the `squeeze` scenario, on a real X desktop with a real notification daemon.

`adl-monitor --demo --scenario squeeze` runs as its own process (the simulator's clock sped up).
A position turns red; the app raises a native notification over D-Bus, which we read off the
session bus; clicking it (dunst's default action) brings the window to that position's chart.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from adl_monitor.core.model.levels import Level
from adl_monitor.ui.colours import LEVEL_COLOURS
from tests.desktop.conftest import ARTIFACTS, Desktop, NotificationLog

POSITION = re.compile(r"(?P<symbol>[A-Z]+/[A-Z]+:[A-Z]+) (?P<side>long|short)")
QT_NOISE = re.compile(r"^(QObject|QWidget|QPainter|QSystemTrayIcon|qt\.|Warning:)", re.M)


def _wait(predicate, timeout: float, what: str, app: subprocess.Popen[bytes]):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.poll() is not None:
            pytest.fail(f"the app exited ({app.returncode}) while waiting for {what}")
        result = predicate()
        if result:
            return result
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}")


def _has_colour(png, colour: str, top_right: tuple[int, int]) -> bool:  # type: ignore[no-untyped-def]
    """Whether a pixel of exactly `colour` is in the screenshot's top-right corner."""
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    width, height = top_right
    return any(
        image.pixelColor(x, y).name() == colour
        for x in range(image.width() - width, image.width())
        for y in range(height)
    )


def _window_id(desktop: Desktop) -> str:
    found = desktop.run("xdotool", "search", "--onlyvisible", "--name", "ADL Monitor", check=False)
    ids = found.stdout.split()
    return ids[-1] if ids else ""


def _window_title(desktop: Desktop, window: str) -> str:
    return desktop.run("xdotool", "getwindowname", window, check=False).stdout.strip()


@pytest.mark.desktop
def test_a_position_turning_red_notifies_and_the_click_shows_its_chart(
    desktop: Desktop, notification_log: NotificationLog
) -> None:
    env = dict(desktop.env, ADLMON_SIM_SPEED="4")
    logs = desktop.workdir / "logs"
    stderr_path = logs / "app.stderr"
    with stderr_path.open("wb") as stderr:
        app = subprocess.Popen(
            [sys.executable, "-m", "adl_monitor", "--demo", "--scenario", "squeeze"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        window = _wait(lambda: _window_id(desktop), 20, "the main window", app)

        def reds() -> list[tuple[str, str]]:
            return [(t, b) for t, b in notification_log.notifications() if "red" in t]

        # dunst keeps critical (red) notifications until clicked and lists the oldest first:
        # position 0 is the first red notification the app raised.
        title, body = _wait(reds, 30, "a notification of a red position", app)[0]
        match = POSITION.search(title)
        assert match, f"the notification does not name a position: {title!r}"
        assert "PnL" in body and "effective leverage" in body, body
        position = f"{match['symbol']} {match['side']}"

        def who(title: str) -> str:
            """The venue, symbol and side a title names (the words before its arrow)."""
            return title.split(" →")[0]

        def turned_red() -> tuple[str, str, str] | None:
            seen = notification_log.notifications()
            oranges = {who(t): t for t, _ in seen if "→ orange" in t}
            return next(
                ((oranges[who(t)], t, b) for t, b in seen if "→ red" in t and who(t) in oranges),
                None,
            )

        # The scenario's story: a position climbs to orange, then to red within the cooldown.
        # The red is told (not held back until the ADL), and it takes the orange's place on
        # screen: the orange is closed first, so one notification per position is showing.
        orange, escalated, advice = _wait(
            turned_red, 45, "a position going from orange to red", app
        )
        assert re.search(r"\b([Aa]dd|[Rr]educe|[Cc]lose|[Rr]ealise)\b", advice), advice
        assert notification_log.closed_between(orange, escalated), (
            "the orange stayed beside the red"
        )

        # The tray host (trayer, top right) shows our icon in the worst level's colour. Tiers
        # move with the price noise (a red can dip back to orange), so wait for a moment when
        # something is red — the squeeze keeps its front longs red for minutes.
        def tray_is_red() -> bool:
            screen = desktop.screenshot(ARTIFACTS / "desktop-squeeze-notification.png")
            return _has_colour(screen, LEVEL_COLOURS[Level.RED], top_right=(160, 30))

        _wait(tray_is_red, 30, "the tray icon to turn red", app)

        # Hide every row with the find box, so nothing is selected; then click the notification.
        desktop.run("xdotool", "windowfocus", "--sync", window, check=False)
        desktop.run("xdotool", "key", "ctrl+f")
        desktop.run("xdotool", "type", "no-such-position")
        _wait(
            lambda: _window_title(desktop, window) == "ADL Monitor",
            10,
            "the selection to clear",
            app,
        )
        desktop.run("dunstctl", "action", "0")
        _wait(
            lambda: position in _window_title(desktop, window),
            15,
            f"the window to show {position} after the click",
            app,
        )
        time.sleep(8.0)  # let the chart gather half a minute of sim time for the artifact
        shot = desktop.screenshot(ARTIFACTS / "desktop-main-window.png", window)
        assert shot.stat().st_size > 10_000

        desktop.run("xdotool", "key", "--window", window, "ctrl+q", check=False)
        app.wait(20)
        assert app.returncode == 0
    finally:
        if app.poll() is None:
            app.terminate()
            app.wait(10)
    errors = stderr_path.read_text(encoding="utf-8", errors="replace")
    assert not QT_NOISE.search(errors), errors
