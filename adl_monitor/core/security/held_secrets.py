"""The credentials this process holds, announced to whatever masks them in its output.

A secret can reach a log line or a crash report without any `secret=` shape around it: an
exception that quotes what a library was given, a venue reply that echoes the key. So the log
masks the held values themselves (adl_monitor/logging_setup.py, `remember_secret`). The places
where credentials enter the process — the keyring and environment lookup (storage/secrets.py),
`accounts add` reading stdin, the Accounts dialog's form — call `hold` here; core imports
nothing, so storage and the UI can announce without importing the logging setup, which
registers itself as a listener when it is imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from adl_monitor.core.model.account_spec import Credentials

_listeners: list[Callable[[str], None]] = []
_Held = TypeVar("_Held", bound=Credentials | None)


def on_held_secret(listener: Callable[[str], None]) -> None:
    """Call `listener(value)` for every key, secret and passphrase held from now on."""
    if listener not in _listeners:
        _listeners.append(listener)


def hold(credentials: _Held) -> _Held:
    """Announce `credentials`' values to the listeners; return them unchanged."""
    if credentials is not None:
        for value in (credentials.api_key, credentials.secret, credentials.password):
            if value:
                for listener in _listeners:
                    listener(value)
    return credentials
