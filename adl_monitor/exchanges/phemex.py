"""Phemex (USDT-M perpetuals, hedged API).

What differs here: one call, `/g-accounts/accountPositions`, returns both the account and its
positions, so it is read raw and the positions parsed with ccxt's own parser (ccxt's
`fetch_positions` would throw the account away and need a second call). The indicator is
`deleveragePercentileRr`. Phemex has no endpoint that reports a key's permissions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.security.key_verdict import KeyCheck, KeyVerdict
from adl_monitor.exchanges.base import UnifiedPosition, VenueConnector
from adl_monitor.exchanges.reply_shape import envelope
from adl_monitor.exchanges.values import as_dict, as_list, number

SETTLE = "USDT"
_INDICATOR_FIELDS = ("deleveragePercentileRr", "deleveragePercentileEr")


class PhemexConnector(VenueConnector):
    exchange_id = "phemex"
    market_types = ("swap",)
    reply_shape = envelope(
        "code", "0", "data", lists={"/g-accounts/accountPositions": ("data", "positions")}
    )

    def _indicator(self, unified: Mapping[str, Any]) -> object:
        # Both fields, under their names: coin-M `…Er` is scaled ×10^8 and the scale must know.
        info = as_dict(unified.get("info"))
        fields = {name: info[name] for name in _INDICATOR_FIELDS if info.get(name) is not None}
        return fields or None

    async def _read_account(self) -> tuple[list[UnifiedPosition], dict[str, AccountFigures]]:
        reply = as_dict(await self.client.privateGetGAccountsAccountPositions({"currency": SETTLE}))
        data = as_dict(reply.get("data"))
        positions = [self.client.parse_position(entry) for entry in as_list(data.get("positions"))]
        account = as_dict(data.get("account"))
        wallet = number(account, "accountBalanceRv")
        pnl = sum(number(as_dict(p.get("info")), "unRealisedPnlRv") or 0.0 for p in positions)
        figures = {
            SETTLE: AccountFigures(
                currency=SETTLE,
                wallet_balance=wallet,
                equity=None if wallet is None else wallet + pnl,
                initial_margin=number(account, "totalUsedBalanceRv"),
            )
        }
        return positions, figures

    async def _check_key(self) -> KeyCheck:
        return KeyCheck(
            KeyVerdict.UNVERIFIED,
            (),
            "could not verify: Phemex has no API endpoint that reports a key's permissions — "
            "make sure the key has only read permission on Phemex's API page",
        )

    def _configure(self, client: Any) -> None:
        client.options["defaultType"] = "swap"
