"""Test isolation shared by every test.

* Qt runs offscreen (desktop tests opt into Xvfb themselves).
* Each test gets its own config, data, cache and log directories and an in-memory keyring.
* No socket may connect anywhere but loopback: a test that would reach the internet fails.
* Python's cyclic garbage collector runs on the main (GUI) thread only, between tests, as the
  app runs it (ui/gui_thread_gc.py): collected on an engine thread, a Qt object left over from
  an earlier test crashes the process.
"""

from __future__ import annotations

import gc
import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests.memory_keyring import MemoryKeyring

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _check_address(sock: socket.socket, address: object) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    host = address[0] if isinstance(address, tuple) else str(address)
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost":
            return
        raise AssertionError(
            f"test tried to connect to {host!r}: only loopback is allowed"
        ) from None
    if not ip.is_loopback:
        raise AssertionError(f"test tried to connect to {host}: only loopback is allowed")


def _guarded_connect(self: socket.socket, address: object) -> None:
    _check_address(self, address)
    return _real_connect(self, address)  # type: ignore[arg-type]


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    _check_address(self, address)
    return _real_connect_ex(self, address)  # type: ignore[arg-type]


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Own config/data/cache/log dirs per test; no ADLMON_* secrets leak in from outside."""
    for name in list(os.environ):
        if name.startswith("ADLMON_"):
            monkeypatch.delenv(name)
    for kind in ("CONFIG", "DATA", "CACHE", "LOG"):
        path = tmp_path / kind.lower()
        path.mkdir()
        monkeypatch.setenv(f"ADLMON_{kind}_DIR", str(path))
    yield tmp_path


gc.disable()

FULL_COLLECT_EVERY = 100
"""Tests between two collections that also scan the frozen survivors of earlier tests."""

_tests_since_full_collect = 0


@pytest.fixture(autouse=True)
def collect_on_the_main_thread() -> Iterator[None]:
    """Collect the cycles a test left, here on the main thread, then freeze what survived.

    A full collection re-scans every live object — ccxt's exchange classes, Qt's wrappers,
    pytest's own — which costs a tenth of a second or more and, after each of a thousand tests,
    made the suite minutes slower. Frozen objects (`gc.freeze`) are skipped, so each collection
    scans only what the last test allocated; every `FULL_COLLECT_EVERY` tests the survivors are
    thawed and collected too, so garbage that was frozen while still alive is freed, still on
    this thread.
    """
    global _tests_since_full_collect
    yield
    _tests_since_full_collect += 1
    if _tests_since_full_collect >= FULL_COLLECT_EVERY:
        _tests_since_full_collect = 0
        gc.unfreeze()
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test talks to the real keyring API, backed by memory."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
