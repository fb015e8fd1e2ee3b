"""The TOML config file (DESIGN.md §6): accounts and settings, never secrets.

Reading uses tomllib; writing is atomic (temp file + fsync + rename) and keeps the previous file
as `config.toml.bak`. Every successful load also refreshes `config.toml.last-good`, so when the
user (or a crash of some editor) leaves a malformed file, the message names the line and column
and where the last good copy is, and the app never overwrites the broken file behind the user's
back: `save_config` refuses to replace a file it cannot parse.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomli_w

from adl_monitor.core.account_spec import SUPPORTED_EXCHANGES, AccountSpec
from adl_monitor.storage.paths import default_config_path

_ACCOUNT_KEYS = {"name", "exchange", "api_url", "wallet_address", "allow_trading_key"}
_LINE_COL = re.compile(r"\(at line (\d+), column (\d+)\)")


class ConfigError(Exception):
    """A config problem, phrased as one sentence that says where and what to do."""


@dataclass(frozen=True, slots=True)
class AppConfig:
    accounts: tuple[AccountSpec, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def account(self, name: str) -> AccountSpec | None:
        return next((a for a in self.accounts if a.name == name), None)

    def with_account(self, spec: AccountSpec) -> AppConfig:
        """Add the account, or replace the one with the same name (keeping its place)."""
        if self.account(spec.name) is None:
            return replace(self, accounts=(*self.accounts, spec))
        accounts = tuple(spec if a.name == spec.name else a for a in self.accounts)
        return replace(self, accounts=accounts)

    def without_account(self, name: str) -> AppConfig:
        return replace(self, accounts=tuple(a for a in self.accounts if a.name != name))

    def with_settings(self, settings: Mapping[str, Any]) -> AppConfig:
        return replace(self, settings=dict(settings))


def _backup_path(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _parse_account(index: int, table: object, path: Path) -> AccountSpec:
    where = f"{path}: account #{index + 1}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} is not a table — write it as [[accounts]] with name = …")
    unknown = set(table) - _ACCOUNT_KEYS
    if unknown:
        raise ConfigError(f"{where} has unknown keys {sorted(unknown)} — remove them")
    name, exchange = table.get("name"), table.get("exchange")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f'{where} has no name — add name = "…"')
    if exchange not in SUPPORTED_EXCHANGES:
        supported = ", ".join(SUPPORTED_EXCHANGES)
        raise ConfigError(
            f"{path}: account {name!r} has exchange {exchange!r}, which ADL Monitor does not "
            f"support — use one of {supported}"
        )
    for key in ("api_url", "wallet_address"):
        if key in table and not isinstance(table[key], str):
            raise ConfigError(f"{path}: account {name!r}: {key} must be a string")
    allow = table.get("allow_trading_key", False)
    if not isinstance(allow, bool):
        raise ConfigError(f"{path}: account {name!r}: allow_trading_key must be true or false")
    return AccountSpec(
        name=name.strip(),
        exchange=str(exchange),
        api_url=table.get("api_url") or None,
        wallet_address=table.get("wallet_address") or None,
        allow_trading_key=allow,
    )


def parse_config(text: str, path: Path) -> AppConfig:
    """Parse config text; raise ConfigError naming the line and column of a syntax error."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = _LINE_COL.search(str(error))
        where = f"line {match.group(1)}, column {match.group(2)}" if match else "somewhere"
        reason = _LINE_COL.sub("", str(error)).strip()
        last_good = _backup_path(path, ".last-good")
        keep = (
            f" The last good copy is {last_good}."
            if last_good.exists()
            else " Nothing was overwritten."
        )
        raise ConfigError(
            f"The config file {path} is not valid TOML at {where} ({reason}) — fix or "
            f"remove it.{keep}"
        ) from None
    accounts_raw = data.get("accounts", [])
    if not isinstance(accounts_raw, list):
        raise ConfigError(f"{path}: 'accounts' must be a list of [[accounts]] tables")
    accounts = tuple(_parse_account(i, t, path) for i, t in enumerate(accounts_raw))
    names = [a.name for a in accounts]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{path}: account names must be unique; repeated: {duplicates}")
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise ConfigError(f"{path}: [settings] must be a table")
    return AppConfig(accounts=accounts, settings=settings, path=path)


def load_config(path: Path | None = None) -> AppConfig:
    """Load the config; a missing file is an empty config. Raises ConfigError when malformed."""
    path = path or default_config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return AppConfig(path=path)
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"Cannot read the config file {path} ({error}) — check it.") from None
    config = parse_config(text, path)
    with contextlib.suppress(OSError):  # the copy is a convenience; the load succeeded
        shutil.copyfile(path, _backup_path(path, ".last-good"))
    return config


def render_config(config: AppConfig) -> str:
    accounts: list[dict[str, Any]] = []
    for spec in config.accounts:
        table: dict[str, Any] = {"name": spec.name, "exchange": spec.exchange}
        if spec.api_url:
            table["api_url"] = spec.api_url
        if spec.wallet_address:
            table["wallet_address"] = spec.wallet_address
        if spec.allow_trading_key:
            table["allow_trading_key"] = True
        accounts.append(table)
    document: dict[str, Any] = {}
    if config.settings:
        document["settings"] = dict(config.settings)
    document["accounts"] = accounts
    header = "# ADL Monitor config. Secrets are not here: they live in the OS keyring.\n"
    return header + tomli_w.dumps(document)


def save_config(config: AppConfig, path: Path | None = None) -> Path:
    """Write atomically; the previous file becomes `.bak`. Refuses to replace a broken file."""
    path = path or config.path or default_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        parse_config(path.read_text(encoding="utf-8"), path)  # raises on a broken file
    text = render_config(config)
    parse_config(text, path)  # never write what we could not read back
    fd, tmp_name = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            shutil.copyfile(path, _backup_path(path, ".bak"))
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path
