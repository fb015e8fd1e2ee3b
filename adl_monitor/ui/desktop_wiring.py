"""What the composition root hands the desktop app, so the UI builds no engine and opens no
sources itself (adl_monitor/wiring/desktop.py fills it in; docs/architecture.md "Wiring").

The two starters run on a worker thread (`EngineBridge` calls them): they may import ccxt,
start the simulator and read the keyring. A start the root refuses for a reason the user can fix
(a broken config) raises `bridge.StartRefused` with one sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adl_monitor.ui.bridge import EngineSession

EngineStarter = Callable[[], "EngineSession"]


@dataclass(frozen=True)
class DesktopWiring:
    config_path: Path | None
    """The config file the dialogs edit and the app watches (None: the platform's default)."""
    demo: bool
    """`--demo`: the simulated exchange even when accounts are configured."""
    start_engine: EngineStarter
    """The engine the command line asked for: the config's accounts, or the simulator under
    `--demo` or when none is configured yet."""
    start_configured_engine: EngineStarter
    """The engine on the user's own config: leaving the simulator for the first account added,
    or trying again once a config that failed to start is fixed."""
