"""Where the app keeps its files: the platform's directories, overridable for tests and
portable installs with `ADLMON_CONFIG_DIR`, `ADLMON_DATA_DIR`, `ADLMON_CACHE_DIR`,
`ADLMON_LOG_DIR`."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "adl-monitor"


def _dir(env: str, default: str) -> Path:
    override = os.environ.get(env)
    path = Path(override) if override else Path(default)
    path.mkdir(parents=True, exist_ok=True)
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
