"""A real X desktop on this machine: Xvfb, a D-Bus session bus, a notification daemon, a tray.

Shared by the desktop tests (`tests/desktop/conftest.py`) and the benchmarks that run the real
window (`soak`): both need the same session, and a tray host and a notification daemon are
what make the app behave as on a user's desktop. Each piece is a Debian package (`xvfb`,
`dbus-x11`, `dunst`, `trayer`; Qt's xcb plugin also wants `libxcb-cursor0`); `.ci/run`
installs them. Every process started here is stopped by its pid when the session ends.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

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
SCREEN = "1600x1000x24"
TRAYER = (
    "trayer",
    *("--edge", "top", "--align", "right", "--widthtype", "pixel"),
    *("--width", "96", "--height", "24", "--transparent", "false"),
)


def missing_programs() -> list[str]:
    """What is not installed, as "program (apt: package)"."""
    return sorted({f"{exe} (apt: {pkg})" for exe, pkg in REQUIRED.items() if not shutil.which(exe)})


def free_display() -> int:
    for number in range(90, 200):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    raise RuntimeError("no free X display number between :90 and :199")


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise TimeoutError(f"timed out waiting for {what}")


def stop_process(process: subprocess.Popen[bytes] | None, timeout: float = 5.0) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)


@dataclass
class Desktop:
    """The running session: the environment a program needs to appear on it."""

    env: dict[str, str]
    display: str
    workdir: Path

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args), env=self.env, capture_output=True, text=True, timeout=20, check=check
        )

    def screenshot(self, path: Path, window: str = "root") -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.run("import", "-window", window, str(path))
        return path


@contextlib.contextmanager
def desktop_session(workdir: Path) -> Iterator[Desktop]:
    """Xvfb on a free display, a session bus, dunst and trayer; logs go to `workdir/logs`."""
    number = free_display()
    display = f":{number}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DBUS_", "WAYLAND_", "XDG_SESSION", "QT_QPA"))
    }
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", XDG_CONFIG_HOME=str(workdir / "xdg"))
    processes: list[subprocess.Popen[bytes]] = []
    bus_pid: int | None = None
    logs = workdir / "logs"
    logs.mkdir(parents=True, exist_ok=True)

    def start(name: str, *command: str) -> None:
        log = (logs / f"{name}.log").open("wb")
        processes.append(subprocess.Popen(command, env=env, stdout=log, stderr=log))

    try:
        start("xvfb", "Xvfb", display, "-screen", "0", SCREEN, "-nolisten", "tcp")
        wait_for(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), 10, "Xvfb")
        launched = subprocess.run(
            ["dbus-launch", "--sh-syntax"], env=env, capture_output=True, text=True, check=True
        )
        for line in launched.stdout.splitlines():
            if "=" in line and not line.startswith("export"):
                key, value = line.rstrip(";").split("=", 1)
                env[key] = value.strip("'")
        bus_pid = int(env["DBUS_SESSION_BUS_PID"])
        start("dunst", "dunst")
        start("trayer", *TRAYER)
        desktop = Desktop(env=env, display=display, workdir=workdir)
        wait_for(
            lambda: desktop.run("dunstctl", "is-paused", check=False).returncode == 0,
            10,
            "dunst on the session bus",
        )
        yield desktop
    finally:
        for process in reversed(processes):
            stop_process(process)
        if bus_pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(bus_pid, signal.SIGTERM)
