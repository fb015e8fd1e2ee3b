"""CLI tests run the real `adl-monitor` entry point in-process (and a few as a subprocess)
against the simulated exchange on 127.0.0.1."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from adl_monitor.sim.thread import SimExchangeThread


@pytest.fixture
def sim() -> Iterator[SimExchangeThread]:
    thread = SimExchangeThread(scenario="calm", seed=5, speed=0.0, traders_per_side=40)
    thread.start()
    yield thread
    thread.stop()


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "config.toml"


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Feed text to the command's stdin (not a terminal, so no prompt)."""

    def feed(text: str) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO(text))

    return feed


def write_config(path: Path, *accounts: dict[str, str]) -> Path:
    lines = []
    for account in accounts:
        lines.append("[[accounts]]")
        lines.extend(f'{key} = "{value}"' for key, value in account.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
