"""API secrets: the OS keyring, or for headless use `ADLMON_<NAME>_*` environment variables.

Secrets never go to the config, the database, a log line or an exception message. A keyring
backend that would store them in plain text (keyrings.alt's file backends) or not at all (the
fail and null backends) counts as "no secure store": `set` then refuses, and the app offers a
session-only mode that keeps secrets in memory until it quits.
"""

from __future__ import annotations

import json
import logging
import os

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.core.security.held_secrets import hold

SERVICE = "adl-monitor"
_log = logging.getLogger(__name__)


class SecretStoreError(Exception):
    """The keyring failed; the message names the account and what to do (never the secret)."""


class InsecureStoreError(SecretStoreError):
    """No secure keyring is available; the caller may switch to session-only mode."""


def _leaf_backends(backend: KeyringBackend) -> list[KeyringBackend]:
    inner = getattr(backend, "backends", None)
    if isinstance(inner, list | tuple):
        return [leaf for b in inner for leaf in _leaf_backends(b)]
    return [backend]


def is_secure_backend(backend: KeyringBackend) -> bool:
    """False for the fail/null backends, any keyrings.alt backend, or a chainer of only those."""
    leaves = _leaf_backends(backend)
    if not leaves:
        return False
    for leaf in leaves:
        module = type(leaf).__module__
        if module.startswith("keyrings.alt"):
            continue
        if module in ("keyring.backends.fail", "keyring.backends.null"):
            continue
        return True
    return False


def env_credentials(spec: AccountSpec) -> Credentials | None:
    """`ADLMON_<NAME>_API_KEY` + `_SECRET` (+ `_PASSWORD`), or None when not both set."""
    prefix = spec.env_prefix
    api_key = os.environ.get(prefix + "API_KEY")
    secret = os.environ.get(prefix + "SECRET")
    if not api_key or not secret:
        return None
    return Credentials(api_key, secret, os.environ.get(prefix + "PASSWORD") or None)


class SecretStore:
    """Keyring facade. Lookups: environment first (explicit headless override), then keyring,
    then the session-only memory."""

    def __init__(self, *, session_only: bool = False) -> None:
        self._session_only = session_only
        self._memory: dict[str, Credentials] = {}

    @property
    def secure(self) -> bool:
        return is_secure_backend(keyring.get_keyring())

    @property
    def session_only(self) -> bool:
        return self._session_only

    def enable_session_only(self) -> None:
        """Keep secrets in memory for this run only (no secure keyring on this machine)."""
        self._session_only = True

    def get(self, spec: AccountSpec) -> Credentials | None:
        """The account's credentials, announced to the log's masking
        (core/security/held_secrets.py)."""
        return hold(self._lookup(spec))

    def _lookup(self, spec: AccountSpec) -> Credentials | None:
        from_env = env_credentials(spec)
        if from_env is not None:
            return from_env
        if spec.name in self._memory:
            return self._memory[spec.name]
        if not self.secure:
            return None
        try:
            stored = keyring.get_password(SERVICE, spec.name)
        except keyring.errors.KeyringError as error:
            _log.warning("keyring read failed for %s: %s", spec.name, type(error).__name__)
            raise SecretStoreError(
                f"{spec.name}: the system keyring could not be read — unlock it and retry"
            ) from None
        return _decode(spec.name, stored) if stored else None

    def set(self, spec: AccountSpec, credentials: Credentials) -> None:
        if self._session_only:
            self._memory[spec.name] = credentials
            return
        if not self.secure:
            raise InsecureStoreError(
                f"{spec.name}: no secure keyring is available on this system, so the key "
                "cannot be stored — install one (e.g. GNOME Keyring or KWallet) or use "
                "session-only mode"
            )
        payload = json.dumps(
            {
                "api_key": credentials.api_key,
                "secret": credentials.secret,
                "password": credentials.password,
            }
        )
        try:
            keyring.set_password(SERVICE, spec.name, payload)
        except keyring.errors.KeyringError as error:
            _log.warning("keyring write failed for %s: %s", spec.name, type(error).__name__)
            raise SecretStoreError(
                f"{spec.name}: the system keyring refused to store the key — unlock it and retry"
            ) from None

    def delete(self, spec: AccountSpec) -> None:
        self._memory.pop(spec.name, None)
        if not self.secure:
            return
        try:
            keyring.delete_password(SERVICE, spec.name)
        except keyring.errors.PasswordDeleteError:
            pass  # nothing stored: already gone
        except keyring.errors.KeyringError as error:
            _log.warning("keyring delete failed for %s: %s", spec.name, type(error).__name__)
            raise SecretStoreError(
                f"{spec.name}: the system keyring could not remove the key — remove it by hand"
            ) from None

    def in_keyring(self, spec: AccountSpec) -> bool:
        """Whether the keyring itself holds a key for `spec` (the environment not consulted)."""
        if not self.secure:
            return False
        try:
            return bool(keyring.get_password(SERVICE, spec.name))
        except keyring.errors.KeyringError:
            return False

    def has(self, spec: AccountSpec) -> bool:
        try:
            return self.get(spec) is not None
        except SecretStoreError:
            return False


def _decode(name: str, stored: str) -> Credentials | None:
    try:
        data = json.loads(stored)
        return Credentials(str(data["api_key"]), str(data["secret"]), data.get("password"))
    except (ValueError, KeyError, TypeError):
        _log.warning("keyring entry for %s is not in ADL Monitor's format", name)
        return None
