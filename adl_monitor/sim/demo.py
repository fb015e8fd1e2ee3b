"""The demo accounts the simulated exchange serves, and their fixed, published credentials.

Every venue accepts the same key pair, so a user can point the app at the simulator without
looking anything up. Two extra keys per venue are *not* read-only, so the app's read-only key
check can be exercised against the simulator too:

* `demo-key` — read-only (the one the demo accounts use),
* `demo-trade-key` — may also trade,
* `demo-withdraw-key` — may trade and withdraw.

All three use secret `demo-secret` and (OKX) passphrase `demo-pass`. Hyperliquid needs no key:
positions are public by wallet address, see `HYPERLIQUID_DEMO_WALLET`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from adl_monitor.core.model.account_spec import (
    KEYLESS_EXCHANGES,
    PASSPHRASE_EXCHANGES,
    AccountSpec,
    Credentials,
)

DEMO_API_KEY = "demo-key"
DEMO_SECRET = "demo-secret"
DEMO_PASSWORD = "demo-pass"
DEMO_TRADE_KEY = "demo-trade-key"
DEMO_WITHDRAW_KEY = "demo-withdraw-key"

HYPERLIQUID_DEMO_WALLET = "0xdeadbeef00000000000000000000000000000001"

VENUES: tuple[str, ...] = ("bybit", "binanceusdm", "okx", "hyperliquid")
"""The venues the simulator speaks, as ccxt ids; each is served under `/<id>`."""

DEMO_ACCOUNT_NAMES: dict[str, str] = {
    "bybit": "demo-bybit",
    "binanceusdm": "demo-binance",
    "okx": "demo-okx",
    "hyperliquid": "demo-hyperliquid",
}


class KeyPower(StrEnum):
    """What a simulated API key may do beyond reading."""

    READ_ONLY = "read_only"
    TRADE = "trade"
    WITHDRAW = "withdraw"


KEY_POWERS: dict[str, KeyPower] = {
    DEMO_API_KEY: KeyPower.READ_ONLY,
    DEMO_TRADE_KEY: KeyPower.TRADE,
    DEMO_WITHDRAW_KEY: KeyPower.WITHDRAW,
}


@dataclass(frozen=True)
class DemoAccount:
    """One demo account as the app would configure it: a name, a venue and where to reach it."""

    name: str
    exchange: str
    api_url: str
    wallet_address: str | None = None

    def spec(self) -> AccountSpec:
        return AccountSpec(
            name=self.name,
            exchange=self.exchange,
            api_url=self.api_url,
            wallet_address=self.wallet_address,
        )

    def credentials(self) -> Credentials | None:
        return demo_credentials(self.exchange)


def demo_credentials(exchange: str) -> Credentials | None:
    """The simulator's public read-only demo key for `exchange`; None where no key is needed
    (Hyperliquid reads by wallet address)."""
    if exchange in KEYLESS_EXCHANGES:
        return None
    password = DEMO_PASSWORD if exchange in PASSPHRASE_EXCHANGES else None
    return Credentials(api_key=DEMO_API_KEY, secret=DEMO_SECRET, password=password)


def demo_accounts(base_url: str) -> list[DemoAccount]:
    """The demo accounts served under `base_url` (`http://127.0.0.1:PORT`), one per venue."""
    base = base_url.rstrip("/")
    return [
        DemoAccount(
            name=DEMO_ACCOUNT_NAMES[venue],
            exchange=venue,
            api_url=f"{base}/{venue}",
            wallet_address=HYPERLIQUID_DEMO_WALLET if venue == "hyperliquid" else None,
        )
        for venue in VENUES
    ]
