"""HMAC helpers and the key table every venue checks requests against."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from adl_monitor.sim.demo import DEMO_SECRET, KEY_POWERS, KeyPower


def hmac_hex(message: str, secret: str = DEMO_SECRET) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def hmac_base64(message: str, secret: str = DEMO_SECRET) -> str:
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def key_power(api_key: str | None) -> KeyPower | None:
    """What the key may do, or None for a key the venue does not know."""
    return KEY_POWERS.get(api_key or "")


def wall_ms() -> int:
    """Real time, for request-timestamp windows only; the market never reads it."""
    return int(time.time() * 1000)
