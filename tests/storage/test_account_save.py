"""Saving an account: the key goes to the keyring before the config names the account."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring

from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.storage.account_save import save_account
from adl_monitor.storage.config import AppConfig, ConfigError, load_config
from adl_monitor.storage.secrets import SERVICE, InsecureStoreError, SecretStore
from tests.memory_keyring import MemoryKeyring

SPEC = AccountSpec(name="main", exchange="bybit")
KEY = Credentials("key-1", "secret-1")


def test_the_key_is_stored_before_the_config_names_the_account(
    tmp_path: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    seen: list[bool] = []
    real_set = memory_keyring.set_password

    def set_password(service: str, name: str, password: str) -> None:
        seen.append(config.exists() and load_config(config).account(name) is not None)
        real_set(service, name, password)

    monkeypatch.setattr(memory_keyring, "set_password", set_password)
    save_account(SPEC, KEY, SecretStore(), config, new=True)
    assert seen == [False]  # the config did not name it yet
    assert load_config(config).account("main") == SPEC
    assert SecretStore().get(SPEC) == KEY


def test_a_keyring_that_refuses_leaves_the_config_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keyring, "get_keyring", lambda: NoKeyring())
    config = tmp_path / "config.toml"
    with pytest.raises(InsecureStoreError):
        save_account(SPEC, KEY, SecretStore(), config, new=True)
    assert not config.exists()


def _refuse(now: AppConfig) -> AppConfig:
    raise ConfigError("the config changed meanwhile")


def test_a_failed_config_write_takes_a_new_accounts_key_back_out(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    with pytest.raises(ConfigError):
        save_account(SPEC, KEY, SecretStore(), tmp_path / "c.toml", new=True, change=_refuse)
    assert (SERVICE, "main") not in memory_keyring.store


def test_a_failed_config_write_keeps_an_edited_accounts_new_key(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    """The config still names the account: deleting would leave it with no key at all."""
    with pytest.raises(ConfigError):
        save_account(SPEC, KEY, SecretStore(), tmp_path / "c.toml", new=False, change=_refuse)
    assert SecretStore().get(SPEC) == KEY
