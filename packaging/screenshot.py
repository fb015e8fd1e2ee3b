"""Take the README's and the AppStream metainfo's screenshot: the main window in the `squeeze`
demo, both tiers visible, with a red alert's notification on screen.

    .venv/bin/python packaging/screenshot.py [--out docs/screenshots/main-window.png]

It runs the real app on a real X session (the same one the desktop tests and the soak use:
Xvfb, a session bus, dunst, trayer; `benchmarks/desktop_session.py`), waits for the first
*critical* notification on the session bus (a red alert: orange ones come first and would make
a screenshot with a nearly empty chart), and grabs the screen.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the repo's benchmarks/ holds the desktop session

from benchmarks.desktop_session import (  # noqa: E402
    desktop_session,
    missing_programs,
    stop_process,
)

DEFAULT_OUT = ROOT / "docs" / "screenshots" / "main-window.png"
DUNSTRC = """[global]
    notification_limit = 1
    sort = yes
    width = 380
    offset = 16x60
"""
"""One notification on screen, the most urgent: four stacked alerts would hide the table."""


def watch_for_red(env: dict[str, str]) -> tuple[subprocess.Popen[str], threading.Event]:
    """Listen to the session bus; the event is set by the first Notify with urgency 2 (critical).

    dbus-monitor prints a hint as `string "urgency"` followed by `variant byte 2`.
    """
    monitor = subprocess.Popen(
        ["dbus-monitor", "--session", "interface='org.freedesktop.Notifications',member='Notify'"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    red = threading.Event()

    def read() -> None:
        assert monitor.stdout is not None
        after_urgency = False
        for line in monitor.stdout:
            if after_urgency and "byte 2" in line:
                red.set()
            after_urgency = 'string "urgency"' in line

    threading.Thread(target=read, daemon=True).start()
    return monitor, red


def _with_dunstrc(workdir: Path) -> Path:
    """The session reads `workdir/xdg` as XDG_CONFIG_HOME (benchmarks/desktop_session.py)."""
    config = workdir / "xdg" / "dunst" / "dunstrc"
    config.parent.mkdir(parents=True)
    config.write_text(DUNSTRC)
    return workdir


def take(out: Path, speed: float = 4.0, timeout: float = 120.0) -> Path:
    with (
        tempfile.TemporaryDirectory(prefix="adlmon-shot-") as tmp,
        desktop_session(_with_dunstrc(Path(tmp))) as desktop,
    ):
        env = dict(desktop.env)
        for kind in ("CONFIG", "DATA", "CACHE", "LOG"):
            env[f"ADLMON_{kind}_DIR"] = str(Path(tmp) / kind.lower())
        env["ADLMON_SIM_SPEED"] = str(speed)
        monitor, red = watch_for_red(env)
        app = subprocess.Popen(
            [sys.executable, "-m", "adl_monitor", "--demo", "--scenario", "squeeze"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            if not red.wait(timeout):
                raise SystemExit("no red notification appeared: is the squeeze demo running?")
            time.sleep(1.5)  # let dunst draw it, and the table and the chart catch up
            desktop.screenshot(out)
        finally:
            monitor.terminate()
            app.send_signal(signal.SIGINT)
            try:
                app.wait(20)
            except subprocess.TimeoutExpired:
                stop_process(app)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(prog="packaging/screenshot.py", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    missing = missing_programs()
    if missing:
        print("missing: " + ", ".join(missing), file=sys.stderr)
        return 2
    print(take(args.out))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
