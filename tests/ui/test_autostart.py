"""Start-at-login entries: the macOS LaunchAgent and the XDG entry are files we can read back
on any system; the Windows Run key needs the real registry and runs only there."""

from __future__ import annotations

import plistlib
import sys
from pathlib import Path

import pytest

from adl_monitor.ui.autostart import (
    LAUNCH_AGENT_LABEL,
    LaunchAgentAutostart,
    WindowsRunKeyAutostart,
    XdgAutostart,
    launch_arguments,
)


def test_launch_agent_runs_the_app_at_login(tmp_path: Path) -> None:
    agent = LaunchAgentAutostart(home=tmp_path)
    assert not agent.enabled()
    agent.enable()
    path = tmp_path / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"
    with path.open("rb") as handle:
        document = plistlib.load(handle)
    assert document["RunAtLoad"] is True
    assert document["Label"] == LAUNCH_AGENT_LABEL
    assert document["ProgramArguments"] == launch_arguments()
    agent.disable()
    assert not agent.enabled() and not path.exists()


def test_xdg_entry_starts_the_app(tmp_path: Path) -> None:
    entry = XdgAutostart(config_home=tmp_path)
    entry.enable()
    text = entry.path.read_text(encoding="utf-8")
    assert "Exec=" in text and "Type=Application" in text
    assert entry.enabled()
    entry.disable()
    assert not entry.enabled()


@pytest.mark.skipif(sys.platform != "win32", reason="the Run key lives in the Windows registry")
def test_windows_run_key_round_trip() -> None:
    run_key = WindowsRunKeyAutostart()
    was = run_key.enabled()
    try:
        run_key.enable()
        assert run_key.enabled()
        run_key.disable()
        assert not run_key.enabled()
    finally:
        if was:
            run_key.enable()
