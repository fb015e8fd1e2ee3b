"""The `squeeze` demo's ADL hit reaches the desktop: `adl-monitor --demo --scenario squeeze` as
its own process, a real notification daemon on the session bus (issue 8, item 5).

Bybit's insurance runs dry about 47 sim-seconds in and its ADL closes the demo's SOL long, red
and in profit. Before the fix the row just vanished and no notification came.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.desktop.conftest import Desktop, NotificationLog
from tests.desktop.test_squeeze_alert import _wait


@pytest.mark.desktop
def test_the_squeeze_adl_hit_is_notified_with_its_evidence(
    desktop: Desktop, notification_log: NotificationLog
) -> None:
    env = dict(desktop.env, ADLMON_SIM_SPEED="4")
    stderr_path = desktop.workdir / "logs" / "app-adl.stderr"
    stderr_path.parent.mkdir(parents=True, exist_ok=True)
    with stderr_path.open("wb") as stderr:
        app = subprocess.Popen(
            [sys.executable, "-m", "adl_monitor", "--demo", "--scenario", "squeeze"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:

        def hits() -> list[tuple[str, str]]:
            return [(t, b) for t, b in notification_log.notifications() if "deleveraged" in t]

        title, body = _wait(hits, 60, "an auto-deleveraged notification", app)[0]
        assert title == "Bybit SOL/USDT:USDT long was auto-deleveraged"
        # Seed 1's population: ADL takes part of the long, then the rest, within a second; the
        # notification names whichever close the app read first.
        assert "of this position by ADL" in body
        assert "Bybit execution list (execType AdlTrade)" in body
        assert "Last seen at red" in body
    finally:
        app.terminate()
        app.wait(20)
