"""Hyperliquid: positions are public by wallet address, so there is no key to check.

What differs here: one `POST /info {"type": "clearinghouseState"}` returns the positions and the
margin summary together (ccxt's fetch_positions and fetch_balance would each make it), and the
venue publishes no ADL indicator — the local estimate is the only tier.
"""

from __future__ import annotations

from typing import Any

from adl_monitor.core.account import AccountFigures
from adl_monitor.core.failure import FailureKind, VenueFailure
from adl_monitor.core.key_check import KeyCheck, KeyVerdict
from adl_monitor.exchanges.base import UnifiedPosition, VenueConnector
from adl_monitor.exchanges.reply_shape import ReplyShape
from adl_monitor.exchanges.values import as_dict, as_list, number, to_float

SETTLE = "USDC"


class HyperliquidConnector(VenueConnector):
    exchange_id = "hyperliquid"
    market_types = ("swap",)
    # HTTP 422: the venue could not read the wallet address (a typo, a wrong length).
    reply_shape = ReplyShape(status_failures={422: FailureKind.WALLET_REJECTED})

    def _configure(self, client: Any) -> None:
        if not self.spec.wallet_address:
            raise VenueFailure(FailureKind.CONFIG, "no wallet address configured")
        client.walletAddress = self.spec.wallet_address

    async def _read_account(self) -> tuple[list[UnifiedPosition], dict[str, AccountFigures]]:
        state = as_dict(
            await self.client.publicPostInfo(
                {"type": "clearinghouseState", "user": self.spec.wallet_address}
            )
        )
        if "marginSummary" not in state and "assetPositions" not in state:
            raise VenueFailure(FailureKind.BAD_REPLY, "clearinghouseState without positions")
        positions = [self.client.parse_position(e) for e in as_list(state.get("assetPositions"))]
        summary = as_dict(state.get("marginSummary"))
        equity = number(summary, "accountValue")
        pnl = sum(to_float(p.get("unrealizedPnl")) or 0.0 for p in positions)
        figures = {
            SETTLE: AccountFigures(
                currency=SETTLE,
                wallet_balance=None if equity is None else equity - pnl,
                equity=equity,
                maintenance_margin=number(state, "crossMaintenanceMarginUsed"),
                initial_margin=number(summary, "totalMarginUsed"),
            )
        }
        return positions, figures

    async def check_key(self) -> KeyCheck:
        return KeyCheck(KeyVerdict.NOT_NEEDED, (), "no key: positions are read by wallet address")
