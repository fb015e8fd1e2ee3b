"""`snapshot` (`Engine.run_once`) reads each account through the cycle its running worker uses
(engine/account_worker.py): the same connect, the same key check, the same failure sentences.
An account that fails says the same words in `adl-monitor snapshot` as in the window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import keyring
import keyring.errors
import pytest

from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.core.model.snapshot import AccountState
from adl_monitor.engine.connector import Connector
from adl_monitor.engine.engine import Engine
from adl_monitor.engine.options import EngineOptions
from adl_monitor.storage.secrets import SecretStore
from tests.engine.conftest import FAST, until
from tests.memory_keyring import MemoryKeyring

ACCOUNT = AccountSpec("desk", "bybit", api_url="http://127.0.0.1:9/bybit")


class LockedKeyring(MemoryKeyring):
    """A real keyring backend that refuses every read, as a locked desktop keyring does."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("the collection is locked")


def _no_connector(spec: AccountSpec, credentials: Credentials | None) -> Connector:
    raise ValueError("unknown option in the account's setup")


def _locked_keyring() -> Callable[[AccountSpec], Credentials | None]:
    keyring.set_keyring(LockedKeyring())  # the autouse fixture puts the previous one back
    return SecretStore().get


def _stored_key() -> Callable[[AccountSpec], Credentials | None]:
    return lambda spec: Credentials("key", "secret")


def _engine(tmp_path: Path, credentials: Callable[[AccountSpec], Credentials | None]) -> Engine:
    return Engine(
        [ACCOUNT],
        credentials,
        EngineOptions(
            settings=replace(FAST, request_timeout=2.0, slow_retry_seconds=30.0),
            history_path=tmp_path / "history.sqlite3",
            connector_factory=_no_connector,
        ),
    )


async def _running_sentence(engine: Engine) -> str:
    await engine.start()
    try:

        def failed() -> bool:
            latest = engine.latest
            return latest is not None and latest.accounts[0].state is AccountState.ERROR

        await until(failed)
        assert engine.latest is not None
        sentence = engine.latest.accounts[0].error
    finally:
        await engine.stop()
    assert sentence is not None
    return sentence


@pytest.mark.parametrize(
    ("credentials", "words"),
    [
        (_locked_keyring, "the system keyring could not be read — unlock it and retry"),
        (_stored_key, "the account is not set up completely — edit it in Accounts"),
    ],
    ids=["keyring-locked", "connector-cannot-be-built"],
)
async def test_snapshot_and_the_running_engine_say_the_same_sentence(
    tmp_path: Path,
    credentials: Callable[[], Callable[[AccountSpec], Credentials | None]],
    words: str,
) -> None:
    lookup = credentials()
    once = await _engine(tmp_path, lookup).run_once()
    running = await _running_sentence(_engine(tmp_path, lookup))

    (status,) = once.accounts
    assert status.state is AccountState.ERROR
    assert status.error == running
    assert status.error is not None and status.error.startswith("desk: ") and words in status.error
