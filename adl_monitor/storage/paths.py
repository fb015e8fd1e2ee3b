"""Where the app keeps its files: the platform's directories, overridable for tests and
portable installs with `ADLMON_CONFIG_DIR`, `ADLMON_DATA_DIR`, `ADLMON_CACHE_DIR`,
`ADLMON_LOG_DIR`.

Every one of these directories is the app's own (an override too: the user handed it to the
app), so it is made 0700 and the app's files in it 0600 — created so, and fixed on start when
an older version left them 0644/0755 (see core/security/private_files.py for why).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from adl_monitor.core.security.private_files import private_dir, tighten

APP_NAME = "adl-monitor"

# The files the app writes in each directory; only these are tightened on start, so a user
# file that happens to sit in an override directory is left alone.
_OWN_FILES: dict[str, tuple[str, ...]] = {
    "ADLMON_CONFIG_DIR": ("config.toml*", "window.ini"),
    "ADLMON_DATA_DIR": (
        "*.sqlite3",
        "*.sqlite3-wal",
        "*.sqlite3-shm",
        "*.sqlite3.damaged-*",
        "*calibration.json",
    ),
    "ADLMON_CACHE_DIR": ("markets-*.json",),
    "ADLMON_LOG_DIR": ("adl-monitor.log*",),
}
_tightened: set[tuple[str, Path]] = set()


def _dir(env: str, default: str) -> Path:
    override = os.environ.get(env)
    path = private_dir(Path(override) if override else Path(default))
    if not override:  # e.g. ~/.local/state/adl-monitor/log: the app's parent too
        for parent in path.parents:
            if parent.name == APP_NAME:
                tighten(parent)
    if (env, path) not in _tightened:  # once per directory and process: the start-up fix
        _tightened.add((env, path))
        for pattern in _OWN_FILES[env]:
            for file in path.glob(pattern):
                tighten(file)
    return path


def config_dir() -> Path:
    return _dir("ADLMON_CONFIG_DIR", platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return _dir("ADLMON_DATA_DIR", platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    return _dir("ADLMON_CACHE_DIR", platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return _dir("ADLMON_LOG_DIR", platformdirs.user_log_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    return config_dir() / "config.toml"


def default_history_path() -> Path:
    return data_dir() / "history.sqlite3"
