"""`watch` follows its config file: an account added, removed or edited, or a setting changed,
while it runs is applied through the engine's own update paths (`set_accounts`,
`update_settings`, `update_alert_settings`), with one line on stderr saying so. A file that
cannot be used, or has gone, is said in one line and monitoring carries on as it was.

The GUI does the same with a Qt timer (ui/app.py); both use storage/config_watch.py.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from adl_monitor.storage.config_watch import ConfigWatcher

if TYPE_CHECKING:
    from adl_monitor.engine.runner import EngineRunner
    from adl_monitor.wiring.sources import Sources

POLL_SECONDS = 2.0


class ConfigFollower:
    def __init__(
        self,
        sources: Sources,
        runner: EngineRunner,
        refresh_seconds: float | None = None,
    ) -> None:
        """`refresh_seconds`: the `--refresh` flag, which keeps overriding the config's."""
        assert sources.config_path is not None
        self._sources = sources
        self._runner = runner
        self._refresh = refresh_seconds
        self._watcher = ConfigWatcher(sources.config_path)
        self._next_poll = time.monotonic() + POLL_SECONDS

    def tick(self) -> None:
        """Call often; the file is looked at every POLL_SECONDS."""
        if time.monotonic() < self._next_poll:
            return
        self._next_poll = time.monotonic() + POLL_SECONDS
        change = self._watcher.poll()
        if change is None:
            return
        print(change.sentence, file=sys.stderr, flush=True)
        config, sources = change.config, self._sources
        if config is None:
            return
        if config.accounts != sources.accounts:
            sources.accounts = config.accounts
            self._runner.set_accounts(config.accounts)
        if config.settings != sources.settings:
            sources.settings = config.settings
            settings = sources.monitor_settings(self._refresh)
            for problem in settings.problems:
                print(problem, file=sys.stderr, flush=True)
            self._runner.update_settings(settings.engine)
            self._runner.update_alert_settings(settings.alerts)
