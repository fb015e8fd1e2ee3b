"""An account as the user configured it, and the credentials that unlock it.

Lives in core (not storage) so that `exchanges/` can receive it without importing storage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ENV_UNSAFE = re.compile(r"[^A-Z0-9]")

# ccxt ids this app knows how to read ADL from.
SUPPORTED_EXCHANGES: tuple[str, ...] = (
    "binanceusdm",
    "binancecoinm",
    "bybit",
    "okx",
    "gate",
    "htx",
    "kucoinfutures",
    "bitget",
    "phemex",
    "hyperliquid",
)
KEYLESS_EXCHANGES: frozenset[str] = frozenset({"hyperliquid"})
PASSPHRASE_EXCHANGES: frozenset[str] = frozenset({"okx", "kucoinfutures", "bitget"})


@dataclass(frozen=True, slots=True)
class AccountSpec:
    """What the config file says about one account. Never holds a secret."""

    name: str
    exchange: str
    api_url: str | None = None
    wallet_address: str | None = None
    allow_trading_key: bool = False

    @property
    def env_prefix(self) -> str:
        """`ADLMON_<NAME>_` with NAME upper-cased and anything but A-Z/0-9 turned into `_`."""
        return f"ADLMON_{_ENV_UNSAFE.sub('_', self.name.upper())}_"

    @property
    def needs_key(self) -> bool:
        return self.exchange not in KEYLESS_EXCHANGES


@dataclass(frozen=True, slots=True)
class Credentials:
    """An API key pair. The secret parts never show in a repr, a str or a log line."""

    api_key: str
    secret: str = field(repr=False)
    password: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        shown = self.api_key[:4] + "…" if len(self.api_key) > 4 else "…"
        return f"Credentials(api_key={shown!r}, secret=<hidden>, password=<hidden>)"

    __str__ = __repr__
