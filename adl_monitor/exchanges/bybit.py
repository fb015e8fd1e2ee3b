"""Bybit (v5, unified trading account).

What differs here: the indicator is `adlRankIndicator` in every position of `/v5/position/list`
(ccxt's unified ADL method asks for one symbol only, so it is not used); a position the venue
deleveraged carries `positionStatus == "Adl"`. The position list needs a category per call and,
for linear contracts, a settle coin (USDT and USDC perpetuals are listed apart; ccxt asks for
USDT alone unless told), so it is three requests — more only for a list longer than a page
(200 positions), followed by its cursor; balances come from the unified wallet. A position
closed by ADL only shows in the execution list (`execType` "AdlTrade"), asked when a position
shrank (docs/adl-evidence.md).

Margin mode: ccxt leaves `marginMode` empty (Bybit deprecated `tradeMode` for UTA 2.0), but the
classic formula needs it — an isolated position's effective leverage rests on its own margin, a
cross one on the account's equity. Bybit documents `tradeMode` 1 = isolated for classic and
UTA 1.0 positions, and for UTA 2.0 an account-wide `marginMode` in `/v5/account/info`
("ISOLATED_MARGIN"); either makes the position isolated here.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Mapping
from datetime import datetime
from typing import Any

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.account_reading import CloseCause, CloseEvidence
from adl_monitor.core.model.position import QueueKey
from adl_monitor.core.model.venue_risk import VenueRisk, bybit_risk, from_ms
from adl_monitor.core.security.key_verdict import KeyCheck, KeyVerdict
from adl_monitor.exchanges.balance_table import BalanceFields, figures_from_rows
from adl_monitor.exchanges.base import UnifiedPosition, VenueConnector
from adl_monitor.exchanges.closes import HistoryRecord, SeenRecords, match_records
from adl_monitor.exchanges.reply_shape import envelope
from adl_monitor.exchanges.values import as_dict, as_list, to_float

log = logging.getLogger(__name__)

_CATEGORIES = ("linear", "inverse")
# One `/v5/position/list` query each: v5 has no query for all categories, nor for all of
# linear's settle coins.
_POSITION_LISTS: tuple[dict[str, str], ...] = (
    {"subType": "linear", "settleCoin": "USDT"},
    {"subType": "linear", "settleCoin": "USDC"},
    {"subType": "inverse"},
)
_PAGE = 200  # the most positions one request returns
_MAX_PAGES = 10
_ACCOUNT_MODE_INTERVAL = 60.0  # seconds: a margin-mode switch is rare and needs no positions
_ISOLATED_ACCOUNT = "ISOLATED_MARGIN"
_RESULT_LIST = ("result", "list")
REPLY_SHAPE = envelope(
    "retCode",
    "0",
    "result",
    lists={
        route: _RESULT_LIST
        for route in (
            "/v5/position/list",
            "/v5/account/wallet-balance",
            "/v5/execution/list",
            "/v5/market/instruments-info",
            "/v5/market/adlAlert",
        )
    },
)
_ADL_EXEC_TYPE = "AdlTrade"
_CLOSING_EXEC_TYPES = frozenset({_ADL_EXEC_TYPE, "Trade", "BustTrade"})
_ADL_SOURCE = "Bybit execution list (execType AdlTrade)"


def _closes(fill: Mapping[str, Any]) -> bool:
    """A fill that closed position size (`closedSize` > 0); an ADL fill always does."""
    if fill.get("execType") == _ADL_EXEC_TYPE:
        return True
    return (to_float(fill.get("closedSize")) or 0.0) > 0


def key_check_from_query_api(reply: Mapping[str, Any]) -> KeyCheck:
    """Verdict from `GET /v5/user/query-api`: `readOnly == 1` is a read-only key.

    `permissions` lists scopes even on read-only keys (the venue documents readOnly as the
    switch), so they only name what the key could do; a "Withdraw" wallet scope always refuses.
    """
    result = as_dict(reply.get("result"))
    scopes = as_dict(result.get("permissions"))
    granted = tuple(f"{group}:{name}" for group, names in scopes.items() for name in as_list(names))
    wallet = [str(name) for name in as_list(scopes.get("Wallet"))]
    if any("withdraw" in name.lower() for name in wallet):
        return KeyCheck(KeyVerdict.CAN_WITHDRAW, granted, "the key may withdraw funds")
    read_only = str(result.get("readOnly", "")).strip()
    if read_only == "1":
        return KeyCheck(KeyVerdict.READ_ONLY, (), "read-only (readOnly = 1)")
    if read_only == "0":
        return KeyCheck(KeyVerdict.CAN_TRADE, granted, "the key has read-write access")
    return KeyCheck(KeyVerdict.UNVERIFIED, (), "Bybit's reply did not say whether it is read-only")


_BALANCE_FIELDS = BalanceFields(
    "coin", "walletBalance", "equity", "totalPositionMM", "totalPositionIM"
)


class BybitConnector(VenueConnector):
    exchange_id = "bybit"
    market_types = _CATEGORIES
    supports_watch = True
    indicator_field = "adlRankIndicator"
    reply_shape = REPLY_SHAPE
    adl_mark = "Bybit position list (positionStatus Adl)"
    venue_risk_interval = 60.0  # Bybit's adlAlert is a snapshot taken every minute

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen = SeenRecords()  # fills already matched, and when we started
        self._account_isolated = False
        self._account_mode_read_at: float | None = None  # time.monotonic()

    def _configure(self, client: Any) -> None:
        # Bybit accounts are unified trading accounts (the wallet read below assumes it); saying
        # so spares ccxt's two probing requests before the first websocket subscription.
        client.options["enableUnifiedMargin"] = False
        client.options["enableUnifiedAccount"] = True

    async def _read_account(self) -> tuple[list[UnifiedPosition], dict[str, AccountFigures]]:
        reads: list[Awaitable[Any]] = [self._position_list(query) for query in _POSITION_LISTS]
        *lists, figures = await asyncio.gather(*reads, self._read_figures())
        return [position for found in lists for position in found], figures

    async def _position_list(self, query: Mapping[str, str]) -> list[UnifiedPosition]:
        """Every page of one position list: a full page has the next behind its cursor (ccxt
        asks for one page only and would drop the rest)."""
        positions: list[UnifiedPosition] = []
        cursor = None
        for _ in range(_MAX_PAGES):
            params = {**query, "limit": _PAGE, **({"cursor": cursor} if cursor else {})}
            page = list(await self.client.fetch_positions(None, params))
            positions.extend(page)
            cursor = as_dict(page[0].get("info")).get("nextPageCursor") if page else None
            if len(page) < _PAGE or not cursor:
                return positions
        log.warning(
            "%s: more than %d %s positions; the rest are not shown",
            self.spec.name,
            len(positions),
            "/".join(query.values()),
        )
        return positions

    def _normalise(self, unified: UnifiedPosition) -> UnifiedPosition:
        info = as_dict(unified.get("info"))
        isolated = self._account_isolated or str(info.get("tradeMode", "")).strip() == "1"
        return {**unified, "marginMode": "isolated" if isolated else "cross"}

    async def _read_account_mode(self) -> None:
        """The UTA 2.0 account-wide margin mode, at most once a minute."""
        now = time.monotonic()
        if (
            self._account_mode_read_at is not None
            and now - self._account_mode_read_at < _ACCOUNT_MODE_INTERVAL
        ):
            return
        reply = as_dict(await self.client.privateGetV5AccountInfo())
        mode = as_dict(reply.get("result")).get("marginMode")
        self._account_isolated = mode == _ISOLATED_ACCOUNT
        self._account_mode_read_at = now

    async def _read_figures(self) -> dict[str, AccountFigures]:
        await self._read_account_mode()
        reply = as_dict(
            await self.client.privateGetV5AccountWalletBalance({"accountType": "UNIFIED"})
        )
        accounts = as_list(as_dict(reply.get("result")).get("list"))
        rows = [coin for entry in accounts for coin in as_list(as_dict(entry).get("coin"))]
        return figures_from_rows(rows, _BALANCE_FIELDS)

    async def _read_venue_risk(self, symbols: set[str], read_at: datetime) -> dict[str, VenueRisk]:
        """`adlAlert` for every contract (one public request), kept for the symbols held."""
        result = as_dict(as_dict(await self.client.publicGetV5MarketAdlAlert()).get("result"))
        updated_at = from_ms(result.get("updatedTime"), read_at)
        risks: dict[str, VenueRisk] = {}
        for entry in as_list(result.get("list")):
            row = as_dict(entry)
            symbol = self._symbol_for(row.get("symbol"))
            if symbol is not None and symbol in symbols:
                risks[symbol] = bybit_risk(row, updated_at)
        return risks

    def _is_adl_hit(self, unified: Mapping[str, Any]) -> bool:
        return as_dict(unified.get("info")).get("positionStatus") == "Adl"

    async def _adl_closes(self, reduced: set[QueueKey]) -> dict[QueueKey, CloseEvidence]:
        """The execution list since start, for the categories that shrank: an `AdlTrade` fill
        is the venue's ADL; a `Trade` (the user's own) or `BustTrade` (liquidation) fill
        explains a close otherwise.

        A fully deleveraged position simply vanishes from the position list; only the
        execution list says it was the venue's ADL and not the user's own close.
        """
        categories = {
            "inverse" if (self._market(symbol) or {}).get("inverse") else "linear"
            for symbol, _side in reduced
        }
        found: dict[QueueKey, CloseEvidence] = {}
        for category in sorted(categories):
            reply = await self.client.privateGetV5ExecutionList(
                {"category": category, "startTime": self._seen.since_ms}
            )
            fills = as_list(as_dict(as_dict(reply).get("result")).get("list"))
            found.update(match_records(map(self._record, fills), reduced, self._seen))
        return found

    def _record(self, entry: object) -> HistoryRecord | None:
        fill = as_dict(entry)
        kind = fill.get("execType")
        if kind not in _CLOSING_EXEC_TYPES or not _closes(fill):
            return None
        adl = kind == _ADL_EXEC_TYPE
        return HistoryRecord(
            record=fill.get("execId"),
            symbol=self._symbol_for(fill.get("symbol")),
            side="long" if fill.get("side") == "Sell" else "short",  # the closing side
            evidence=CloseEvidence(
                CloseCause.ADL if adl else CloseCause.OWN, _ADL_SOURCE if adl else f"Bybit {kind}"
            ),
        )

    async def _check_key(self) -> KeyCheck:
        return key_check_from_query_api(as_dict(await self.client.privateGetV5UserQueryApi()))
