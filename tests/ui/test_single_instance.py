"""A second launch raises the running window instead of starting a second engine."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest
from PySide6.QtNetwork import QLocalSocket

from adl_monitor.ui.single_instance import (
    InstanceServer,
    ask_running_instance_to_raise,
    server_name,
)


def test_a_second_launch_asks_the_first_to_raise(qtbot) -> None:  # type: ignore[no-untyped-def]
    name = f"adl-monitor-test-{uuid.uuid4().hex[:8]}"
    assert not ask_running_instance_to_raise(name)  # nobody listens yet

    server = InstanceServer(name)
    assert server.listen()
    try:
        with qtbot.waitSignal(server.raise_requested, timeout=10_000):
            assert ask_running_instance_to_raise(name)
    finally:
        server.close()
    assert not ask_running_instance_to_raise(name)


def test_the_name_follows_the_data_directory(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first = server_name()
    monkeypatch.setenv("ADLMON_DATA_DIR", str(tmp_path / "elsewhere"))
    assert server_name() != first
    assert len(server_name()) < 40  # Unix socket paths are short


def _listening(name: str) -> bool:
    socket = QLocalSocket()
    socket.connectToServer(name)
    connected = socket.waitForConnected(200)
    socket.abort()
    return connected


def test_the_real_app_runs_once_per_data_directory(qapp) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "adl_monitor", "--demo"]
    first = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not _listening(server_name()):
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first instance never listened"
            time.sleep(0.2)
        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stdout
        assert first.poll() is None  # the first one is still up
    finally:
        first.terminate()
        try:
            first.wait(timeout=20)
        except subprocess.TimeoutExpired:
            first.kill()
            pytest.fail("the first instance did not stop on SIGTERM")
