"""Why reading an account failed, in terms a trader can act on.

Connectors turn ccxt's exceptions into a `VenueFailure`; the engine turns that into the
account's status sentence ("Binance main: the API key was rejected — …").
"""

from __future__ import annotations

from enum import StrEnum


class FailureKind(StrEnum):
    BAD_KEY = "bad_key"
    PERMISSION = "permission"
    RATE_LIMIT = "rate_limit"
    NETWORK = "network"
    VENUE_DOWN = "venue_down"
    CLOCK_SKEW = "clock_skew"
    BAD_REPLY = "bad_reply"
    CONFIG = "config"
    UNKNOWN = "unknown"


# What to do, per kind; the engine prefixes the account name.
ADVICE: dict[FailureKind, str] = {
    FailureKind.BAD_KEY: "the API key or secret was rejected — check it, or add the account again",
    FailureKind.PERMISSION: "the API key lacks read permission for futures positions — "
    "enable 'read' for derivatives on the exchange",
    FailureKind.RATE_LIMIT: "the exchange is rate-limiting us — backing off and retrying",
    FailureKind.NETWORK: "cannot reach the exchange — check your internet connection; retrying",
    FailureKind.VENUE_DOWN: "the exchange is down or under maintenance — retrying",
    FailureKind.CLOCK_SKEW: "the exchange rejected the request timestamp — sync your system clock",
    FailureKind.BAD_REPLY: "the exchange sent a reply this app cannot read — check api_url, "
    "a proxy or a captive portal; if it persists the exchange may have changed its API; retrying",
    FailureKind.CONFIG: "the account is not set up completely — edit it in Accounts",
    FailureKind.UNKNOWN: "an unexpected error occurred — see the log file; retrying",
}


class VenueFailure(Exception):
    """A failure of one account's request, classified. `detail` is safe to log (no secrets)."""

    def __init__(
        self, kind: FailureKind, detail: str = "", retry_after: float | None = None
    ) -> None:
        super().__init__(f"{kind.value}: {detail}" if detail else kind.value)
        self.kind = kind
        self.detail = detail
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return self.kind in {
            FailureKind.RATE_LIMIT,
            FailureKind.NETWORK,
            FailureKind.VENUE_DOWN,
            FailureKind.BAD_REPLY,
            FailureKind.UNKNOWN,
        }

    def sentence(self, account: str) -> str:
        """One sentence naming the account and what to do."""
        return f"{account}: {ADVICE[self.kind]}."
