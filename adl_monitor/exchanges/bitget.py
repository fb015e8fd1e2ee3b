"""Bitget (v2 mix, USDT-M futures).

What differs here: positions carry no ADL indicator; it is a separate call,
`GET /api/v2/mix/position/adlRank` → `rank` per symbol and hold side (the older `adlRank` field
is deprecated). Balances from `/api/v2/mix/account/accounts`. Bitget has no endpoint (in its docs
as ccxt 4.5.90 knows them) that reports a key's permissions.
"""

from __future__ import annotations

import asyncio
from typing import Any

from adl_monitor.core.account import AccountFigures
from adl_monitor.core.account_reading import PositionKey
from adl_monitor.core.key_check import KeyCheck, KeyVerdict
from adl_monitor.exchanges.base import UnifiedPosition, VenueConnector
from adl_monitor.exchanges.reply_shape import envelope
from adl_monitor.exchanges.values import as_dict, as_list, number

PRODUCT_TYPE = "USDT-FUTURES"


class BitgetConnector(VenueConnector):
    exchange_id = "bitget"
    market_types = ("swap",)
    supports_watch = True
    reply_shape = envelope(
        "code",
        "00000",
        "data",
        lists={
            route: ("data",)
            for route in ("/position/all-position", "/position/adlRank", "/account/accounts")
        },
    )

    async def _read_account(self) -> tuple[list[UnifiedPosition], dict[str, AccountFigures]]:
        positions, figures = await asyncio.gather(
            self.client.fetch_positions(None, {"productType": PRODUCT_TYPE}),
            self._read_figures(),
        )
        return positions, figures

    async def _read_figures(self) -> dict[str, AccountFigures]:
        reply = as_dict(
            await self.client.privateMixGetV2MixAccountAccounts({"productType": PRODUCT_TYPE})
        )
        figures: dict[str, AccountFigures] = {}
        for entry in as_list(reply.get("data")):
            row = as_dict(entry)
            currency = row.get("marginCoin")
            equity = number(row, "accountEquity")
            if not isinstance(currency, str) or equity is None:
                continue
            risk_rate = number(row, "crossedRiskRate")  # maintenance margin ÷ equity
            figures[currency.upper()] = AccountFigures(
                currency=currency.upper(),
                wallet_balance=equity - (number(row, "unrealizedPL") or 0.0),
                equity=equity,
                maintenance_margin=None if risk_rate is None else risk_rate * equity,
            )
        return figures

    async def _read_indicators(self, positions: list[UnifiedPosition]) -> dict[PositionKey, object]:
        if not positions:
            return {}
        reply = as_dict(
            await self.client.privateMixGetV2MixPositionAdlRank({"productType": PRODUCT_TYPE})
        )
        raw: dict[PositionKey, object] = {}
        for entry in as_list(reply.get("data")):
            row = as_dict(entry)
            symbol = self._symbol_for(row.get("symbol"))
            side = row.get("holdSide")
            if symbol is not None and side in ("long", "short") and row.get("rank") is not None:
                raw[(symbol, str(side))] = row["rank"]
        return raw

    async def _check_key(self) -> KeyCheck:
        return KeyCheck(
            KeyVerdict.UNVERIFIED,
            (),
            "could not verify: Bitget has no API endpoint that reports a key's permissions — "
            "make sure the key has only read permission on Bitget's API page",
        )

    def _configure(self, client: Any) -> None:
        client.options["defaultType"] = "swap"
