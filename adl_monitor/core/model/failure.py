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
    TIMEOUT = "timeout"
    NOTHING_AT_API_URL = "nothing_at_api_url"
    WRONG_API_URL = "wrong_api_url"
    REDIRECT = "redirect"
    MISSING_PASSPHRASE = "missing_passphrase"
    WALLET_REJECTED = "wallet_rejected"


# What to do, per kind; the sentence prefixes the account name and, for a failure that passes
# (`VenueFailure.retryable`), says what happens next (`what_next`).
ADVICE: dict[FailureKind, str] = {
    FailureKind.BAD_KEY: "the API key or secret was rejected — check it, or add the account again",
    FailureKind.PERMISSION: "the API key lacks read permission for futures positions — "
    "enable 'read' for derivatives on the exchange",
    FailureKind.RATE_LIMIT: "the exchange is rate-limiting us",
    FailureKind.NETWORK: "cannot reach the exchange — check your internet connection",
    FailureKind.VENUE_DOWN: "the exchange is down or under maintenance",
    FailureKind.CLOCK_SKEW: "the exchange rejected the request timestamp — sync your system clock",
    FailureKind.BAD_REPLY: "the exchange sent a reply this app cannot read — check api_url, "
    "a proxy or a captive portal; if it persists the exchange may have changed its API",
    FailureKind.CONFIG: "the account is not set up completely — edit it in Accounts",
    FailureKind.UNKNOWN: "an unexpected error occurred — see the log file",
    FailureKind.TIMEOUT: "the exchange did not answer in time",
    FailureKind.NOTHING_AT_API_URL: "nothing answers at the account's api_url — check its "
    "address and port in Accounts",
    FailureKind.WRONG_API_URL: "the account's api_url does not look like the exchange's API "
    "(it answered 'not found') — check api_url in Accounts",
    FailureKind.REDIRECT: "the exchange redirected the request to {context}; the app sends keys "
    "to nobody else and follows no redirects — check api_url",
    FailureKind.MISSING_PASSPHRASE: "the API passphrase is missing — add it in Accounts",
    FailureKind.WALLET_REJECTED: "the exchange rejected the wallet address — check it in "
    "Accounts (0x followed by 40 hexadecimal digits)",
}


def what_next(kind: FailureKind, will_retry: bool) -> str:
    """What happens after a failure that passes: the running engine tries again by itself
    (`will_retry`); a one-shot command (`snapshot`, `accounts add`, a key check) has ended, so
    the user does."""
    if kind is FailureKind.RATE_LIMIT:
        return "backing off and retrying" if will_retry else "try again in a minute"
    return "retrying" if will_retry else "try again in a moment"


class VenueFailure(Exception):
    """A failure of one account's request, classified. `detail` is safe to log (no secrets)."""

    def __init__(
        self,
        kind: FailureKind,
        detail: str = "",
        retry_after: float | None = None,
        *,
        context: str = "",
    ) -> None:
        super().__init__(f"{kind.value}: {detail}" if detail else kind.value)
        self.kind = kind
        self.detail = detail
        self.retry_after = retry_after
        # The one word the sentence needs (the host a redirect pointed at); already made safe
        # to print by whoever raised the failure.
        self.context = context

    @property
    def retryable(self) -> bool:
        return self.kind in {
            FailureKind.RATE_LIMIT,
            FailureKind.NETWORK,
            FailureKind.VENUE_DOWN,
            FailureKind.BAD_REPLY,
            FailureKind.UNKNOWN,
            FailureKind.TIMEOUT,
            FailureKind.NOTHING_AT_API_URL,  # a local server (the simulator) may be starting
        }

    def sentence(self, account: str, *, will_retry: bool = True) -> str:
        """One sentence naming the account and what to do. `will_retry`: the caller reads the
        account again by itself (the running engine); a one-shot command passes False, and a
        failure that passes then tells the user to try again instead of "retrying"."""
        advice = ADVICE[self.kind]
        if "{context}" in advice:
            advice = advice.replace("{context}", self.context or "another address")
        if self.retryable:
            advice += ("; " if " — " in advice else " — ") + what_next(self.kind, will_retry)
        return f"{account}: {advice}."
