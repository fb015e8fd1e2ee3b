"""Secrets: the real keyring API, env overrides, plaintext backends refused, nothing leaks."""

from __future__ import annotations

import logging

import keyring
import pytest
from keyring.backends import fail, null

from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.storage.secrets import (
    SERVICE,
    InsecureStoreError,
    SecretStore,
    is_secure_backend,
)
from tests.memory_keyring import MemoryKeyring

SPEC = AccountSpec("Binance main-1", "binanceusdm")
CREDS = Credentials("AKIA1234567", "s3cr3t-value", "pass-phrase")


def test_store_and_read_back_through_keyring(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    store.set(SPEC, CREDS)
    assert SecretStore().get(SPEC) == CREDS
    assert (SERVICE, SPEC.name) in memory_keyring.store
    store.delete(SPEC)
    assert SecretStore().get(SPEC) is None
    store.delete(SPEC)  # deleting twice is fine


def test_environment_overrides_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    SecretStore().set(SPEC, CREDS)
    monkeypatch.setenv("ADLMON_BINANCE_MAIN_1_API_KEY", "envkey")
    monkeypatch.setenv("ADLMON_BINANCE_MAIN_1_SECRET", "envsecret")
    got = SecretStore().get(SPEC)
    assert got == Credentials("envkey", "envsecret", None)


def test_env_needs_both_key_and_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADLMON_BINANCE_MAIN_1_API_KEY", "envkey")
    assert SecretStore().get(SPEC) is None


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()])
def test_plaintext_or_null_backends_are_refused(backend: keyring.backend.KeyringBackend) -> None:
    keyring.set_keyring(backend)
    store = SecretStore()
    assert not store.secure
    with pytest.raises(InsecureStoreError, match="no secure keyring"):
        store.set(SPEC, CREDS)
    store.enable_session_only()
    store.set(SPEC, CREDS)
    assert store.get(SPEC) == CREDS  # kept for this session only


def test_keyrings_alt_counts_as_insecure() -> None:
    plaintext_type = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    assert not is_secure_backend(plaintext_type())
    assert is_secure_backend(MemoryKeyring())


def test_secret_never_in_repr_str_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store = SecretStore()
    store.set(SPEC, CREDS)
    got = store.get(SPEC)
    text = repr(got) + str(got) + caplog.text
    assert "s3cr3t-value" not in text and "pass-phrase" not in text
    assert "AKIA1234567" not in text  # even the key is shortened


def test_corrupt_keyring_entry_reads_as_missing(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.store[(SERVICE, SPEC.name)] = "not json"
    assert SecretStore().get(SPEC) is None
