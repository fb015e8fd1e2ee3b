"""Saving an account: the one order both `accounts add` and the Accounts dialog follow.

The key goes to the keyring first, the account to the config file second. That way the config
never names an account whose key is missing: a keyring that refuses (locked, or none on this
machine) stops the save before the config changes, and the engine — which follows the config
file — never starts an account it cannot unlock. If the config write then fails, a key stored
for a new account is deleted again, so nothing is left half-saved. (An edited account keeps its
new key: the config already names it, and deleting would lose the old key too.)

Both steps may block (a keyring prompt, the config lock): the GUI calls this off its thread.
The key is verified before any of this (core/security/key_acceptance.py decides what is accepted).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.storage.config import AppConfig, update_config
from adl_monitor.storage.secrets import SecretStore


def save_account(
    spec: AccountSpec,
    credentials: Credentials | None,
    store: SecretStore,
    config_path: Path | None,
    *,
    new: bool,
    change: Callable[[AppConfig], AppConfig] | None = None,
) -> AppConfig:
    """Store `credentials` (None: keep what is stored, or none is needed), then write the
    config with `change` applied (default: add or replace `spec`). Returns the new config.

    Raises the keyring's `SecretStoreError` (nothing saved) or the config's error (a new
    account's key removed again)."""
    if credentials is not None:
        store.set(spec, credentials)
    try:
        return update_config(change or (lambda now: now.with_account(spec)), config_path)
    except BaseException:
        if credentials is not None and new:
            store.delete(spec)
        raise
