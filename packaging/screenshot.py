"""Take the README's and the AppStream metainfo's screenshot: the main window in the `squeeze`
demo, both tiers visible, with a red alert's notification on screen.

    .venv/bin/python packaging/screenshot.py [--out docs/screenshots/main-window.png]

It runs the real app on a real X session (the same one the desktop tests and the soak use:
Xvfb, a session bus, dunst, trayer; `benchmarks/desktop_session.py`), waits until the window's
title says a position is red and dunst shows a notification, and grabs the screen.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
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


def take(out: Path, speed: float = 4.0, timeout: float = 120.0) -> Path:
    with (
        tempfile.TemporaryDirectory(prefix="adlmon-shot-") as tmp,
        desktop_session(Path(tmp)) as desktop,
    ):
        env = dict(desktop.env)
        for kind in ("CONFIG", "DATA", "CACHE", "LOG"):
            env[f"ADLMON_{kind}_DIR"] = str(Path(tmp) / kind.lower())
        env["ADLMON_SIM_SPEED"] = str(speed)
        app = subprocess.Popen(
            [sys.executable, "-m", "adl_monitor", "--demo", "--scenario", "squeeze"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                shown = desktop.run("dunstctl", "count", "displayed", check=False).stdout.strip()
                if shown not in ("", "0"):
                    break
                time.sleep(0.5)
            else:
                raise SystemExit("no notification appeared: is the squeeze demo running?")
            time.sleep(1.0)  # let the table and the chart catch up with the alert
            desktop.screenshot(out)
        finally:
            app.send_signal(signal.SIGINT)
            try:
                app.wait(20)
            except subprocess.TimeoutExpired:
                stop_process(app)  # type: ignore[arg-type]  # a Popen of bytes or str
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
