"""Start at login: an XDG autostart entry on Linux (freedesktop Desktop Application Autostart).

Other platforms are not handled yet; `supported()` says so and the settings dialog disables the
box instead of pretending.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

ENTRY_NAME = "adl-monitor.desktop"


def supported() -> bool:
    return sys.platform.startswith("linux")


def autostart_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart" / ENTRY_NAME


def launch_command() -> str:
    script = shutil.which("adl-monitor")
    if script:
        return shlex.quote(script)
    return f"{shlex.quote(sys.executable)} -m adl_monitor"


def entry_text() -> str:
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


def set_enabled(enabled: bool) -> Path | None:
    """Write or remove the autostart entry; returns its path (None where unsupported)."""
    if not supported():
        return None
    path = autostart_path()
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(entry_text(), encoding="utf-8")
    else:
        path.unlink(missing_ok=True)
    return path


def is_enabled() -> bool:
    return supported() and autostart_path().exists()
