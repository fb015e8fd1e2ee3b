"""Which API keys ADL Monitor accepts — one rule set for `accounts add` and the Accounts dialog.

The app only reads, so the only key it wants is a read-only one. A key that can withdraw funds
is always refused: a leaked copy could empty the account. A key that can trade is refused unless
the user explicitly allows it, and the account then carries a permanent warning. A key the venue
could not vouch for (no permission endpoint, or the venue did not answer) is kept — refusing it
would lock out venues that cannot be asked — but the reason is kept with it, so the user is told
to check the key on the exchange. docs/security.md has the wider picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from adl_monitor.core.security.key_verdict import KeyCheck, KeyVerdict

NO_WAY_TO_ASK = "the exchange offers no way to ask"


class KeyOutcome(StrEnum):
    READ_ONLY = "read_only"  # accepted (or no key needed at all)
    TRADING_ALLOWED = "trading_allowed"  # accepted with a permanent warning
    UNVERIFIED = "unverified"  # accepted; the user is told why it could not be checked
    TRADING_REFUSED = "trading_refused"
    WITHDRAW_REFUSED = "withdraw_refused"


_ACCEPTED = frozenset({KeyOutcome.READ_ONLY, KeyOutcome.TRADING_ALLOWED, KeyOutcome.UNVERIFIED})


@dataclass(frozen=True, slots=True)
class KeyDecision:
    """What to do with a key, given the venue's verdict (`check`) on it."""

    outcome: KeyOutcome
    check: KeyCheck

    @property
    def accepted(self) -> bool:
        return self.outcome in _ACCEPTED

    @property
    def trading_key(self) -> bool:
        """Accepted although it can trade: the account must carry the warning."""
        return self.outcome is KeyOutcome.TRADING_ALLOWED

    @property
    def unverified_reason(self) -> str:
        """Why the key could not be verified, without a final full stop ("" if it was)."""
        if self.outcome is not KeyOutcome.UNVERIFIED:
            return ""
        return self.check.message.rstrip(".") or NO_WAY_TO_ASK


def accept_key(check: KeyCheck, allow_trading: bool) -> KeyDecision:
    """Apply the rules above to the venue's verdict; `allow_trading` is the user's explicit
    consent (`--allow-trading-key`, or the dialog's tick box)."""
    if check.verdict is KeyVerdict.CAN_WITHDRAW:
        return KeyDecision(KeyOutcome.WITHDRAW_REFUSED, check)
    if check.verdict is KeyVerdict.CAN_TRADE:
        outcome = KeyOutcome.TRADING_ALLOWED if allow_trading else KeyOutcome.TRADING_REFUSED
        return KeyDecision(outcome, check)
    if check.verdict is KeyVerdict.UNVERIFIED:
        return KeyDecision(KeyOutcome.UNVERIFIED, check)
    return KeyDecision(KeyOutcome.READ_ONLY, check)
