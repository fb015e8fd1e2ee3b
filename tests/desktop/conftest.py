"""A real desktop for the `desktop` tests: Xvfb, a D-Bus session bus, dunst, trayer.

Each piece is a Debian package (`xvfb`, `dbus-x11`, `dunst`, `trayer`; Qt's xcb plugin also
wants `libxcb-cursor0`); CI installs them (`.ci/run`). When one is missing locally the tests are
skipped with the name of what to install. Every process started here is stopped by its pid.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REQUIRED = {
    "Xvfb": "xvfb",
    "dbus-launch": "dbus-x11",
    "dbus-monitor": "dbus",
    "dunst": "dunst",
    "dunstctl": "dunst",
    "trayer": "trayer",
    "xdotool": "xdotool",
    "import": "imagemagick",
}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/desktop" in str(item.fspath):
            item.add_marker(pytest.mark.desktop)


def _missing() -> list[str]:
    return sorted({f"{exe} (apt: {pkg})" for exe, pkg in REQUIRED.items() if not shutil.which(exe)})


def _free_display() -> int:
    for number in range(90, 200):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    raise RuntimeError("no free X display number between :90 and :199")


def _wait_for(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise TimeoutError(f"timed out waiting for {what}")


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@dataclass
class Desktop:
    env: dict[str, str]
    display: str
    workdir: Path

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args), env=self.env, capture_output=True, text=True, timeout=20, check=check
        )

    def screenshot(self, name: str, window: str = "root") -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.run("import", "-window", window, str(path))
        return path


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[Desktop]:
    missing = _missing()
    if missing:
        pytest.skip("desktop test needs " + ", ".join(missing))
    number = _free_display()
    display = f":{number}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DBUS_", "WAYLAND_", "XDG_SESSION", "QT_QPA"))
    }
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", XDG_CONFIG_HOME=str(tmp_path / "xdg"))
    processes: list[subprocess.Popen[bytes]] = []
    bus_pid: int | None = None
    logs = tmp_path / "logs"
    logs.mkdir()
    try:
        xvfb = subprocess.Popen(
            ["Xvfb", display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=(logs / "xvfb.log").open("wb"),
        )
        processes.append(xvfb)
        _wait_for(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), 10, "Xvfb")
        launched = subprocess.run(
            ["dbus-launch", "--sh-syntax"], env=env, capture_output=True, text=True, check=True
        )
        for line in launched.stdout.splitlines():
            if "=" in line and not line.startswith("export"):
                key, value = line.rstrip(";").split("=", 1)
                env[key] = value.strip("'")
        bus_pid = int(env["DBUS_SESSION_BUS_PID"])
        processes.append(
            subprocess.Popen(
                ["dunst"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=(logs / "dunst.log").open("wb"),
            )
        )
        processes.append(
            subprocess.Popen(
                [
                    "trayer",
                    "--edge",
                    "top",
                    "--align",
                    "right",
                    "--widthtype",
                    "pixel",
                    "--width",
                    "96",
                    "--height",
                    "24",
                    "--transparent",
                    "false",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=(logs / "trayer.log").open("wb"),
            )
        )
        desktop = Desktop(env=env, display=display, workdir=tmp_path)
        _wait_for(
            lambda: desktop.run("dunstctl", "is-paused", check=False).returncode == 0,
            10,
            "dunst on the session bus",
        )
        yield desktop
    finally:
        for process in reversed(processes):
            _stop(process)
        if bus_pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(bus_pid, signal.SIGTERM)


@dataclass
class NotificationLog:
    path: Path

    def notifications(self) -> list[tuple[str, str]]:
        """(title, body) of every Notify call seen on the session bus so far."""
        found: list[tuple[str, str]] = []
        lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        for index, line in enumerate(lines):
            if "member=Notify" not in line or "method call" not in line:
                continue
            strings = [
                entry.strip()[len('string "') : -1]
                for entry in lines[index + 1 : index + 8]
                if entry.strip().startswith('string "')
            ]
            # app_name, (uint32 replaces_id), app_icon, summary, body
            if len(strings) >= 4:
                found.append((strings[2], strings[3]))
        return found


@pytest.fixture
def notification_log(desktop: Desktop) -> Iterator[NotificationLog]:
    """`dbus-monitor` on the session bus, recording Notify calls to the daemon."""
    path = desktop.workdir / "logs" / "notifications.log"
    handle = path.open("wb")
    monitor = subprocess.Popen(
        ["dbus-monitor", "--session", "interface='org.freedesktop.Notifications'"],
        env=desktop.env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    time.sleep(0.3)  # let the monitor install its match rule
    try:
        yield NotificationLog(path)
    finally:
        _stop(monitor)
        handle.close()
