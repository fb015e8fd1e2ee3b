"""The verdict of a venue's API-key permission endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class KeyVerdict(StrEnum):
    READ_ONLY = "read_only"
    CAN_TRADE = "can_trade"
    CAN_WITHDRAW = "can_withdraw"
    UNVERIFIED = "unverified"  # the venue could not be asked, or has no such endpoint
    NOT_NEEDED = "not_needed"  # keyless venue (Hyperliquid)


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """`permissions` lists what the key may do beyond reading, as the venue names them;
    `message` says it in words (e.g. why it could not be verified)."""

    verdict: KeyVerdict
    permissions: tuple[str, ...] = ()
    message: str = ""

    @property
    def read_only(self) -> bool | None:
        if self.verdict in (KeyVerdict.READ_ONLY, KeyVerdict.NOT_NEEDED):
            return True
        if self.verdict is KeyVerdict.UNVERIFIED:
            return None
        return False
