"""Start at login, the way each desktop expects it:

* Linux and other freedesktop desktops: an XDG autostart entry,
  `$XDG_CONFIG_HOME/autostart/adl-monitor.desktop`;
* macOS: a per-user LaunchAgent, `~/Library/LaunchAgents/<label>.plist` with `RunAtLoad`;
* Windows: a value under `HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run`.

Each entry starts the app with the command that launched it this time (the console script if it
is on PATH, else this interpreter with `-m adl_monitor`), minimised to the tray if the user set
"start minimised".
"""

from __future__ import annotations

import contextlib
import importlib
import os
import plistlib
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Protocol

ENTRY_NAME = "adl-monitor.desktop"
LAUNCH_AGENT_LABEL = "io.github.adl-monitor"
WINDOWS_RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
WINDOWS_VALUE_NAME = "ADL Monitor"


def launch_arguments() -> list[str]:
    script = shutil.which("adl-monitor")
    if script:
        return [script]
    return [sys.executable, "-m", "adl_monitor"]


def launch_command() -> str:
    return shlex.join(launch_arguments())


class _Autostart(Protocol):
    def enable(self) -> None: ...
    def disable(self) -> None: ...
    def enabled(self) -> bool: ...
    @property
    def location(self) -> str: ...


class XdgAutostart:
    """A freedesktop Desktop Application Autostart entry."""

    def __init__(self, config_home: Path | None = None) -> None:
        base = config_home or Path(
            os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        )
        self.path = base / "autostart" / ENTRY_NAME

    @property
    def location(self) -> str:
        return str(self.path)

    def text(self) -> str:
        return (
            "[Desktop Entry]\n"
            "Type=Application\n"
            "Name=ADL Monitor\n"
            "Comment=Warns before an exchange auto-deleverages your winning position\n"
            f"Exec={launch_command()}\n"
            "Icon=adl-monitor\n"
            "Terminal=false\n"
            "X-GNOME-Autostart-enabled=true\n"
        )

    def enable(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(self.text(), encoding="utf-8")

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)

    def enabled(self) -> bool:
        return self.path.exists()


class LaunchAgentAutostart:
    """A macOS per-user LaunchAgent that runs the app once at login."""

    def __init__(self, home: Path | None = None) -> None:
        self.path = (
            (home or Path.home()) / "Library" / "LaunchAgents" / (LAUNCH_AGENT_LABEL + ".plist")
        )

    @property
    def location(self) -> str:
        return str(self.path)

    def document(self) -> dict[str, object]:
        return {
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": launch_arguments(),
            "RunAtLoad": True,
            "ProcessType": "Interactive",
        }

    def enable(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("wb") as handle:
            plistlib.dump(self.document(), handle)

    def disable(self) -> None:
        self.path.unlink(missing_ok=True)

    def enabled(self) -> bool:
        return self.path.exists()


class WindowsRunKeyAutostart:
    """The current user's Run key in the Windows registry."""

    @property
    def location(self) -> str:
        return f"HKEY_CURRENT_USER\\{WINDOWS_RUN_KEY}\\{WINDOWS_VALUE_NAME}"

    @staticmethod
    def _registry() -> Any:
        """`winreg`, which exists only on Windows (imported late so other systems can load us)."""
        return importlib.import_module("winreg")

    def _command(self) -> str:
        gui = shutil.which("adl-monitor-gui")  # no console window at login
        return subprocess.list2cmdline([gui] if gui else launch_arguments())

    def enable(self) -> None:
        reg = self._registry()
        with reg.OpenKey(reg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
            reg.SetValueEx(key, WINDOWS_VALUE_NAME, 0, reg.REG_SZ, self._command())

    def disable(self) -> None:
        reg = self._registry()
        with (
            reg.OpenKey(reg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY, 0, reg.KEY_SET_VALUE) as key,
            contextlib.suppress(FileNotFoundError),
        ):
            reg.DeleteValue(key, WINDOWS_VALUE_NAME)

    def enabled(self) -> bool:
        reg = self._registry()
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, WINDOWS_RUN_KEY) as key:
                reg.QueryValueEx(key, WINDOWS_VALUE_NAME)
        except FileNotFoundError:
            return False
        return True


def _backend() -> _Autostart | None:
    if sys.platform == "win32":
        return WindowsRunKeyAutostart()
    if sys.platform == "darwin":
        return LaunchAgentAutostart()
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return XdgAutostart()
    return None


def supported() -> bool:
    return _backend() is not None


def autostart_path() -> Path:
    """The Linux entry's path (kept for callers and tests that look at the file)."""
    return XdgAutostart().path


def set_enabled(enabled: bool) -> str | None:
    """Create or remove this platform's start-at-login entry; returns where it lives."""
    backend = _backend()
    if backend is None:
        return None
    if enabled:
        backend.enable()
    else:
        backend.disable()
    return backend.location


def is_enabled() -> bool:
    backend = _backend()
    return backend is not None and backend.enabled()
