"""Noticing that the config file changed under a running app (GUI, `watch`).

A poll of the file's inode, mtime and size (no platform file-watcher: one `stat` every few
seconds costs nothing and also sees an editor's rename-into-place and a symlink re-pointed).
A change this process wrote itself (the Accounts or Settings dialog) is not reported: the
dialog has already applied it. What changed elsewhere is loaded and handed to the caller to
apply through its usual update paths; a file that cannot be used, or has gone, is reported in
one sentence and the app carries on with what it had.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from adl_monitor.storage.config import (
    AppConfig,
    ConfigError,
    file_signature,
    load_config,
    written_by_this_process,
)


@dataclass(frozen=True, slots=True)
class ConfigChange:
    """What the poll found: the new config to apply (None: keep the current one) and one
    sentence for the user."""

    config: AppConfig | None
    sentence: str


class ConfigWatcher:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen = file_signature(path)

    def poll(self) -> ConfigChange | None:
        """A change since the last poll, or None. Call it from one thread only."""
        now = file_signature(self.path)
        if now == self._seen:
            return None
        self._seen = now
        if now is not None and now == written_by_this_process(self.path):
            return None
        if now is None:
            return ConfigChange(
                None,
                f"The config file {self.path} was moved or deleted — still monitoring the "
                "accounts it had; put it back, or restart to apply.",
            )
        try:
            config = load_config(self.path)
        except ConfigError as error:
            return ConfigChange(
                None,
                f"The config file changed but cannot be used: {str(error).rstrip('.')}. Still "
                "monitoring with the previous accounts and settings.",
            )
        count = len(config.accounts)
        return ConfigChange(
            config,
            f"The config file {self.path} changed — reloaded: {count} "
            f"account{'s' if count != 1 else ''} and the settings.",
        )
