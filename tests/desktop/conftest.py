"""A real desktop for the `desktop` tests (`benchmarks/desktop_session.py`: Xvfb, a D-Bus
session bus, dunst, trayer), and a recorder of the notifications sent to it.

When a program is missing locally the tests are skipped with the name of what to install.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.desktop_session import Desktop, desktop_session, missing_programs, stop_process

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the desktop tests, and keep them on one pytest-xdist worker (`--dist loadgroup`):
    two sessions starting at once could pick the same free X display."""
    for item in items:
        if "tests/desktop" in str(item.fspath):
            item.add_marker(pytest.mark.desktop)
            item.add_marker(pytest.mark.xdist_group("desktop"))


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[Desktop]:
    missing = missing_programs()
    if missing:
        pytest.skip("desktop test needs " + ", ".join(missing))
    with desktop_session(tmp_path) as session:
        yield session


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

    def closed_between(self, earlier: str, later: str) -> bool:
        """Whether the app closed a notification (CloseNotification) after the Notify whose
        summary is `earlier` and before the one whose summary is `later`: how a replaced
        notification looks on the bus (other positions' calls may come in between)."""
        lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        summaries = {f'string "{earlier}"': "earlier", f'string "{later}"': "later"}
        seen_earlier = closed = False
        for line in lines:
            if summaries.get(line.strip()) == "earlier":
                seen_earlier, closed = True, False
            elif seen_earlier and "member=CloseNotification" in line:
                closed = True
            elif summaries.get(line.strip()) == "later":
                return seen_earlier and closed
        return False


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
        stop_process(monitor)
        handle.close()
