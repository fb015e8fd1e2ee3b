"""HMAC helpers and the key table every venue checks requests against.

The table starts with the published demo keys (sim/demo.py). A test may add read-only keys
of its own with `KeyTable.add_read_only` (`SimExchange.add_read_only_key`), for instance
keys that carry a marker it then searches for everywhere the app writes; there is no HTTP
route for it, so nothing outside the process can add a key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

from adl_monitor.sim.demo import DEMO_PASSWORD, DEMO_SECRET, KEY_POWERS, KeyPower


def hmac_hex(message: str, secret: str = DEMO_SECRET) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def hmac_base64(message: str, secret: str = DEMO_SECRET) -> str:
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True, slots=True)
class SimKey:
    """One API key the simulated venues accept: what it may do, its secret and passphrase."""

    power: KeyPower
    secret: str = DEMO_SECRET
    passphrase: str = DEMO_PASSWORD

    def __repr__(self) -> str:
        return f"SimKey({self.power.value})"  # never the secret, even in a test's failure


class KeyTable:
    """The keys one simulated exchange accepts, shared by its venues."""

    def __init__(self) -> None:
        self._keys: dict[str, SimKey] = {key: SimKey(power) for key, power in KEY_POWERS.items()}

    def add_read_only(self, api_key: str, secret: str, passphrase: str | None = None) -> None:
        """Accept `api_key` (read-only) signed with `secret`; OKX also checks `passphrase`."""
        if not api_key or not secret:
            raise ValueError("a simulated key needs both an API key and a secret")
        self._keys[api_key] = SimKey(KeyPower.READ_ONLY, secret, passphrase or DEMO_PASSWORD)

    def get(self, api_key: str | None) -> SimKey | None:
        """The key's entry, or None for a key the venue does not know."""
        return self._keys.get(api_key or "")

    def power(self, api_key: str | None) -> KeyPower | None:
        """What the key may do, or None for a key the venue does not know."""
        key = self.get(api_key)
        return key.power if key is not None else None

    def secret(self, api_key: str | None) -> str:
        """The secret a request made with `api_key` must be signed with."""
        key = self.get(api_key)
        return key.secret if key is not None else DEMO_SECRET

    def passphrase(self, api_key: str | None) -> str:
        key = self.get(api_key)
        return key.passphrase if key is not None else DEMO_PASSWORD


def wall_ms() -> int:
    """Real time, for request-timestamp windows only; the market never reads it."""
    return int(time.time() * 1000)
