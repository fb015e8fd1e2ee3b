"""Smoke-test a built bundle: `--version`, a demo snapshot as JSON, and the window on Xvfb.

    python packaging/smoke_bundle.py dist/adl-monitor/adl-monitor

Prints the bundle's size and how long each step took to start, the figures the README quotes.
Each step runs in fresh config/data/cache/log directories, so the smoke test never touches the
user's own files.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.desktop_session import desktop_session, missing_programs, wait_for  # noqa: E402


def _dirs(base: Path) -> dict[str, str]:
    env = {}
    for kind in ("CONFIG", "DATA", "CACHE", "LOG"):
        (base / kind.lower()).mkdir(parents=True, exist_ok=True)
        env[f"ADLMON_{kind}_DIR"] = str(base / kind.lower())
    return env


def _size_mb(folder: Path) -> float:
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 2**20


def _painted(png: Path) -> bool:
    """Whether the screenshot shows a window (Xvfb's root is black; the window is not)."""
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    return any(
        image.pixelColor(x, y).lightness() > 40
        for x in range(100, image.width() - 200, 97)
        for y in range(100, image.height() - 100, 89)
    )


def main(argv: list[str]) -> int:
    bundle = Path(argv[0]).resolve()
    print(f"bundle: {bundle.parent} ({_size_mb(bundle.parent):.0f} MB)")
    with tempfile.TemporaryDirectory(prefix="adlmon-smoke-") as tmp:
        base = Path(tmp)
        env = {"PATH": "/usr/bin:/bin", **_dirs(base)}

        started = time.perf_counter()
        version = subprocess.run(
            [str(bundle), "--version"], env=env, capture_output=True, text=True, timeout=60
        )
        print(f"--version: {version.stdout.strip()!r} in {time.perf_counter() - started:.2f} s")
        if version.returncode != 0 or not version.stdout.startswith("adl-monitor "):
            print(version.stderr)
            return 1

        started = time.perf_counter()
        snapshot = subprocess.run(
            [str(bundle), "snapshot", "--demo", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        elapsed = time.perf_counter() - started
        try:
            document = json.loads(snapshot.stdout)
        except ValueError:
            print("snapshot --demo --json printed no JSON:\n" + snapshot.stderr[-2000:])
            return 1
        print(
            f"snapshot --demo --json: {len(document['positions'])} positions, "
            f"{len(document['accounts'])} accounts in {elapsed:.1f} s"
        )
        if not document["positions"]:
            return 1

        missing = missing_programs()
        if missing:
            print("window: skipped, needs " + ", ".join(missing))
            return 0
        with desktop_session(base / "desktop") as desktop:
            started = time.perf_counter()
            app = subprocess.Popen(
                [str(bundle), "--demo"],
                env={**desktop.env, **_dirs(base / "gui")},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )

            def window_shown() -> bool:
                found = desktop.run(
                    "xdotool", "search", "--onlyvisible", "--name", "ADL Monitor", check=False
                )
                return bool(found.stdout.strip())

            try:
                wait_for(window_shown, 90, "the window")
            except TimeoutError:
                app.kill()
                print("window: did not appear\n" + app.communicate()[1].decode()[-2000:])
                return 1
            print(f"window: mapped in {time.perf_counter() - started:.1f} s")
            shot = ROOT / "test-artifacts" / "bundle-window.png"
            try:
                wait_for(lambda: _painted(desktop.screenshot(shot)), 60, "a painted window")
            except TimeoutError:
                app.kill()
                print("window: never painted\n" + app.communicate()[1].decode()[-2000:])
                return 1
            print(f"window: painted in {time.perf_counter() - started:.1f} s ({shot})")
            time.sleep(5)  # let the first positions arrive, for the screenshot
            desktop.screenshot(shot)
            app.send_signal(signal.SIGINT)
            code = app.wait(30)
            if code != 0:
                print(f"window: exit code {code}\n" + app.communicate()[1].decode()[-2000:])
                return 1
    print("bundle smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
