"""The TOML config file (docs/config.md): accounts and settings, never secrets.

Reading uses tomllib; writing is atomic (temp file + fsync + rename) and keeps the previous file
as `config.toml.bak`. Every successful load also refreshes `config.toml.last-good`, so when the
user (or a crash of some editor) leaves a malformed file, the message names the line and column
and where the last good copy is, and the app never overwrites the broken file behind the user's
back: `save_config` refuses to replace a file it cannot parse.

Nothing in the file is ignored silently: an unknown table or key (`[[acounts]]`) is an error
that names the line and the close match, and every account passes `account_problem` (a usable
api_url, a name whose `ADLMON_<NAME>_*` form is its own).

Writers take an exclusive lock on `config.toml.lock` beside the file, and `update_config`
re-reads the file under that lock, so six `accounts add` run at once keep six accounts. A
symlinked config is written through the link: the link's target is replaced, the link stays.
All copies are 0600 (core/security/private_files.py).
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomli_w

from adl_monitor.core.model.account_spec import (
    SUPPORTED_EXCHANGES,
    AccountSpec,
    account_problem,
    shown,
)
from adl_monitor.core.security.private_files import (
    copy_private,
    private_dir,
    tighten,
    write_private,
)
from adl_monitor.storage.file_lock import exclusive_lock
from adl_monitor.storage.paths import default_config_path

_TOP_LEVEL_KEYS = ("accounts", "settings")
_PROPER_FORM = {"accounts": "[[accounts]]", "settings": "[settings]"}
_ACCOUNT_KEYS = (
    "name",
    "exchange",
    "api_url",
    "wallet_address",
    "allow_trading_key",
    "simulator",
)
_LINE_COL = re.compile(r"\(at line (\d+), column (\d+)\)")
_ACCOUNTS_HEADER = re.compile(r"^\s*\[\[\s*accounts\s*\]\]")
_written_by_me: dict[Path, tuple[int, int, int]] = {}


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


def _line_of(text: str, key: str, start: int = 0) -> int | None:
    """The 1-based line where `key` is set or opens a table, searching from line `start`."""
    pattern = re.compile(rf"""^\s*(?:\[\[?\s*)?["']?{re.escape(key)}["']?\s*(?:\]|=|\.)""")
    lines = text.splitlines()
    for number in range(start, len(lines)):
        if pattern.match(lines[number]):
            return number + 1
    return None


def _account_line(text: str, index: int) -> int:
    """The 0-based line of the `index`-th `[[accounts]]` header (0 when written inline)."""
    headers = [n for n, line in enumerate(text.splitlines()) if _ACCOUNTS_HEADER.match(line)]
    return headers[index] if index < len(headers) else 0


def _unknown_key_sentence(
    where: str, key: str, known: Sequence[str], line: int | None, value: object = None
) -> str:
    """`value` tells how the key was written: a list of tables `[[key]]`, a table `[key]`, or
    a plain `key = …`; the suggestion is written the way the known key is meant to be."""

    def form(name: str, written: object) -> str:
        if isinstance(written, list) and written and all(isinstance(v, dict) for v in written):
            return f"[[{name}]]"
        return f"[{name}]" if isinstance(written, dict) else name

    at = f", line {line}" if line is not None else ""
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"did you mean {_PROPER_FORM.get(close[0], close[0])}?" if close else "remove it"
    kind = "key" if form(key, value) == key else "table"
    return (
        f"{where}{at}: unknown {kind} {form(shown(key), value)} — {hint} (known: "
        f"{', '.join(known)}). ADL Monitor ignores nothing in its config silently."
    )


def _parse_account(
    index: int, table: object, path: Path, text: str, earlier: Sequence[AccountSpec]
) -> AccountSpec:
    where = f"{path}: account #{index + 1}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} is not a table — write it as [[accounts]] with name = …")
    start = _account_line(text, index)
    unknown = sorted(set(table) - set(_ACCOUNT_KEYS))
    if unknown:
        line = _line_of(text, unknown[0], start)
        raise ConfigError(_unknown_key_sentence(where, unknown[0], _ACCOUNT_KEYS, line))
    name, exchange = table.get("name"), table.get("exchange")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f'{where} (line {start + 1}) has no name — add name = "…"')
    supported = ", ".join(SUPPORTED_EXCHANGES)
    if exchange is None:
        raise ConfigError(
            f'{path}: account {name!r} has no exchange = "…" (one of: {supported}) — add it '
            f"under its [[accounts]] on line {start + 1}."
        )
    if exchange not in SUPPORTED_EXCHANGES:
        close = difflib.get_close_matches(str(exchange), SUPPORTED_EXCHANGES, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ConfigError(
            f"{path}: account {name!r} has exchange {exchange!r}, which ADL Monitor does not "
            f"support — {hint}Use one of: {supported}."
        )
    for key in ("api_url", "wallet_address"):
        if key in table and not isinstance(table[key], str):
            raise ConfigError(f"{path}: account {name!r}: {key} must be a string")
    allow, simulator = table.get("allow_trading_key", False), table.get("simulator", False)
    for key, flag in (("allow_trading_key", allow), ("simulator", simulator)):
        if not isinstance(flag, bool):
            raise ConfigError(f"{path}: account {name!r}: {key} must be true or false")
    spec = AccountSpec(
        name=name.strip(),
        exchange=str(exchange),
        api_url=table.get("api_url") or None,
        wallet_address=table.get("wallet_address") or None,
        allow_trading_key=allow is True,
        simulator=simulator is True,
    )
    problem = account_problem(spec, earlier)
    if problem is not None:
        raise ConfigError(f"{path}: {problem} Fix it in the config (line {start + 1}).")
    return spec


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
    for key in data:
        if key not in _TOP_LEVEL_KEYS:
            sentence = _unknown_key_sentence(
                str(path), key, _TOP_LEVEL_KEYS, _line_of(text, key), data[key]
            )
            raise ConfigError(sentence)
    accounts_raw = data.get("accounts", [])
    if not isinstance(accounts_raw, list):
        raise ConfigError(f"{path}: 'accounts' must be a list of [[accounts]] tables")
    parsed: list[AccountSpec] = []
    for index, table in enumerate(accounts_raw):
        spec = _parse_account(index, table, path, text, parsed)
        if any(a.name == spec.name for a in parsed):
            raise ConfigError(
                f"{path}: account names must be unique; {spec.name!r} is there twice — rename "
                "or remove one."
            )
        parsed.append(spec)
    accounts = tuple(parsed)
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
    target = _target(path)
    for own in (target, *(_backup_path(target, s) for s in (".bak", ".lock"))):
        tighten(own)  # an older version left them 0644
    with contextlib.suppress(OSError):  # the copy is a convenience; the load succeeded
        copy_private(target, _backup_path(target, ".last-good"))
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
        if spec.simulator:
            table["simulator"] = True
        accounts.append(table)
    document: dict[str, Any] = {}
    if config.settings:
        document["settings"] = dict(config.settings)
    document["accounts"] = accounts
    header = "# ADL Monitor config. Secrets are not here: they live in the OS keyring.\n"
    return header + tomli_w.dumps(document)


def _target(path: Path) -> Path:
    """The file to write: the link's target for a symlinked config, so the link survives."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


@contextlib.contextmanager
def config_lock(path: Path) -> Iterator[None]:
    """Hold the writer lock of the config at `path`: `config.toml.lock` beside the file (beside
    the link's target for a symlinked config, so every way to the file shares one lock)."""
    target = _target(path)
    private_dir(target.parent, tighten_existing=False)
    with exclusive_lock(_backup_path(target, ".lock")):
        yield


def file_signature(path: Path) -> tuple[int, int, int] | None:
    """(inode, mtime in ns, size) of the file at `path` (through a link), None when absent."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_ino, status.st_mtime_ns, status.st_size)


def written_by_this_process(path: Path) -> tuple[int, int, int] | None:
    """(inode, mtime, size) of the config as this process last wrote it, for the watcher."""
    return _written_by_me.get(path.absolute())


def _write_locked(config: AppConfig, path: Path) -> Path:
    target = _target(path)
    if target.exists():
        parse_config(target.read_text(encoding="utf-8"), path)  # raises on a broken file
    text = render_config(config)
    parse_config(text, path)  # never write what we could not read back
    if target.exists():
        copy_private(target, _backup_path(target, ".bak"))
    write_private(target, text.encode("utf-8"))
    signature = file_signature(path)
    if signature is not None:
        _written_by_me[path.absolute()] = signature
    return path


def save_config(config: AppConfig, path: Path | None = None) -> Path:
    """Write atomically; the previous file becomes `.bak`. Refuses to replace a broken file.

    This replaces the whole file with `config`; to change part of it next to other writers,
    use `update_config`."""
    path = path or config.path or default_config_path()
    with config_lock(path):
        return _write_locked(config, path)


def update_config(change: Callable[[AppConfig], AppConfig], path: Path | None = None) -> AppConfig:
    """Re-read the config under the writer lock, apply `change`, write it; return the result.

    `change` sees the file as it is now, not as it was when the caller last read it, so a
    concurrent writer's account is kept; it may raise to write nothing."""
    path = path or default_config_path()
    with config_lock(path):
        updated = change(load_config(path))
        _write_locked(updated, path)
    return replace(updated, path=path)
