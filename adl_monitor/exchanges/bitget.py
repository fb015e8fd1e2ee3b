"""Bitget (v2 mix, USDT-M futures).

What differs here: positions carry no ADL indicator; it is a separate call,
`GET /api/v2/mix/position/adlRank` → `rank` per symbol and hold side (the older `adlRank` field
is deprecated). Balances from `/api/v2/mix/account/accounts`. Bitget has no endpoint (in its docs
as ccxt 4.5.90 knows them) that reports a key's permissions. ADL closes are fills whose
`tradeSide` names ADL (`dte_sys_adl_…`), asked only when a position closed or shrank
(docs/adl-evidence.md).
"""

from __future__ import annotations

import asyncio
from typing import Any

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.account_reading import CloseCause, CloseEvidence
from adl_monitor.core.model.position import QueueKey
from adl_monitor.core.security.key_verdict import KeyCheck, KeyVerdict
from adl_monitor.exchanges.base import UnifiedPosition, VenueConnector
from adl_monitor.exchanges.closes import HistoryRecord, SeenRecords, match_records
from adl_monitor.exchanges.reply_shape import envelope
from adl_monitor.exchanges.values import as_dict, as_list, number, to_float

PRODUCT_TYPE = "USDT-FUTURES"
# Fill `tradeSide` → (side closed, cause). Hedge mode names the side; one-way mode names the
# trade (a sell closes a long). `burst_`/`reduce_`/`offset_` are liquidations: not ADL.
TRADE_SIDES: dict[str, tuple[str, CloseCause]] = {
    "dte_sys_adl_close_long": ("long", CloseCause.ADL),
    "dte_sys_adl_close_short": ("short", CloseCause.ADL),
    "dte_sys_adl_sell_in_single_side_mode": ("long", CloseCause.ADL),
    "dte_sys_adl_buy_in_single_side_mode": ("short", CloseCause.ADL),
    "burst_close_long": ("long", CloseCause.OWN),
    "burst_close_short": ("short", CloseCause.OWN),
    "reduce_close_long": ("long", CloseCause.OWN),
    "reduce_close_short": ("short", CloseCause.OWN),
    "offset_close_long": ("long", CloseCause.OWN),
    "offset_close_short": ("short", CloseCause.OWN),
    "burst_sell_single": ("long", CloseCause.OWN),
    "burst_buy_single": ("short", CloseCause.OWN),
    "reduce_sell_single": ("long", CloseCause.OWN),
    "reduce_buy_single": ("short", CloseCause.OWN),
}


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen = SeenRecords()

    async def _adl_closes(self, reduced: set[QueueKey]) -> dict[QueueKey, CloseEvidence]:
        reply = as_dict(
            await self.client.privateMixGetV2MixOrderFills(
                {"productType": PRODUCT_TYPE, "startTime": self._seen.since_ms, "limit": 100}
            )
        )
        fills = as_list(as_dict(reply.get("data")).get("fillList"))
        return match_records(map(self._record, fills), reduced, self._seen)

    def _record(self, entry: object) -> HistoryRecord | None:
        fill = as_dict(entry)
        trade_side = str(fill.get("tradeSide"))
        closes = TRADE_SIDES.get(trade_side)
        if closes is None:
            return None
        side, cause = closes
        return HistoryRecord(
            record=fill.get("tradeId"),
            symbol=self._symbol_for(fill.get("symbol")),
            side=side,
            evidence=CloseEvidence(cause, f"Bitget fills (tradeSide {trade_side})"),
            at_ms=to_float(fill.get("cTime")) or 0.0,
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

    async def _read_indicators(self, positions: list[UnifiedPosition]) -> dict[QueueKey, object]:
        if not positions:
            return {}
        reply = as_dict(
            await self.client.privateMixGetV2MixPositionAdlRank({"productType": PRODUCT_TYPE})
        )
        raw: dict[QueueKey, object] = {}
        for entry in as_list(reply.get("data")):
            row = as_dict(entry)
            symbol = self._symbol_for(row.get("symbol"))
            side = row.get("holdSide")
            if symbol is not None and side in ("long", "short") and row.get("rank") is not None:
                raw[QueueKey(symbol, str(side))] = row["rank"]
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
