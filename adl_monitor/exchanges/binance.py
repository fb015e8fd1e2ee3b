"""Binance USDⓈ-M (`binanceusdm`) and COIN-M (`binancecoinm`) futures.

What differs here: the ADL indicator is a separate call (`adlQuantile`), recomputed by Binance
only every 30 s but read with every refresh (when it changes tells the estimate when Binance
ranked: core/estimate/recompute_clock.py), and read as the raw per-side object because ccxt's
unified method collapses hedge mode (docs/venues.md, "ccxt notes"). The ranking formula is
account-level, so the account call (wallet balance, margin balance, maintenance margin per asset)
is read on every refresh.

ADL closes are listed by `forceOrders?autoCloseType=ADL` (client order id `adl_autoclose`), asked
only when a position closed or shrank; a vanished position with none there is looked for in the
user's own trades of that symbol (docs/adl-evidence.md).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any, ClassVar

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.account_reading import CloseCause, CloseEvidence
from adl_monitor.core.model.position import QueueKey
from adl_monitor.core.model.venue_risk import VenueRisk, binance_risk
from adl_monitor.core.security.key_verdict import KeyCheck, KeyVerdict
from adl_monitor.exchanges.balance_table import BalanceFields, figures_from_rows
from adl_monitor.exchanges.base import UnifiedPosition, VenueConnector
from adl_monitor.exchanges.closes import HistoryRecord, SeenRecords, match_records
from adl_monitor.exchanges.position_builder import is_open, position_key
from adl_monitor.exchanges.public_candles import CANDLE_INTERVAL
from adl_monitor.exchanges.reply_shape import ReplyShape
from adl_monitor.exchanges.slow_read import SlowRead
from adl_monitor.exchanges.values import as_dict, as_list, to_float

# apiRestrictions flags that let a key do more than read, besides every `enable…Trading`.
_NOT_READ_ONLY_FLAGS = (
    "enableFutures",
    "enableMargin",
    "enableInternalTransfer",
    "permitsUniversalTransfer",
    "enableVanillaOptions",
    "enableFixApiTrade",
)
_WITHDRAW_FLAG = "enableWithdrawals"
# No envelope: errors come with an HTTP error status. What must be a list, per route.
REPLY_SHAPE = ReplyShape(
    lists={
        "/positionRisk": (),
        "/adlQuantile": (),
        "/forceOrders": (),  # ADL evidence
        "/fapi/v1/symbolAdlRisk": (),  # venue-wide ADL risk, asked for every symbol
        "/fapi/v1/symbolConfig": (),  # leverage per symbol
        "/fapi/v3/account": ("assets",),
        "/dapi/v1/account": ("assets",),
    }
)
_LEVERAGE_INTERVAL = 60.0
_ADL_CLIENT_ORDER_ID = "adl_autoclose"
_ADL_SOURCE = "Binance forceOrders (clientOrderId adl_autoclose)"
_HISTORY_DAYS_MS = 6 * 24 * 3600 * 1000  # Binance answers at most 7 days of orders and trades


def closed_side(row: dict[str, Any]) -> str | None:
    """The position side an order or trade reduced: hedge mode names it (`positionSide`),
    one-way mode (`BOTH`) implies it — a SELL reduces a long, a BUY a short."""
    position_side = str(row.get("positionSide", "")).upper()
    if position_side in ("LONG", "SHORT"):
        return position_side.lower()
    side = str(row.get("side", "")).upper()
    return {"SELL": "long", "BUY": "short"}.get(side)


def key_check_from_restrictions(restrictions: dict[str, Any]) -> KeyCheck:
    """Verdict from `GET /sapi/v1/account/apiRestrictions`."""
    granted = sorted(
        name
        for name, value in restrictions.items()
        if value is True
        and (
            name in _NOT_READ_ONLY_FLAGS
            or name == _WITHDRAW_FLAG
            or (name.startswith("enable") and name.endswith("Trading"))
        )
    )
    if restrictions.get(_WITHDRAW_FLAG) is True:
        return KeyCheck(KeyVerdict.CAN_WITHDRAW, tuple(granted), "the key may withdraw funds")
    if granted:
        return KeyCheck(
            KeyVerdict.CAN_TRADE,
            tuple(granted),
            "the key may trade or move funds: " + ", ".join(granted),
        )
    if restrictions.get("enableReading") is not True:
        return KeyCheck(KeyVerdict.UNVERIFIED, (), "the key has no read permission")
    return KeyCheck(KeyVerdict.READ_ONLY, (), "read-only")


_BALANCE_FIELDS = BalanceFields(
    "asset", "walletBalance", "marginBalance", "maintMargin", "initialMargin", skip_empty=True
)


class BinanceConnector(VenueConnector):
    supports_watch = True
    reply_shape = REPLY_SHAPE
    account_call: ClassVar[str] = ""
    adl_call: ClassVar[str] = ""
    force_orders_call: ClassVar[str] = ""
    user_trades_call: ClassVar[str] = ""
    venue_risk_call: ClassVar[str] = ""  # `symbolAdlRisk`; USDⓈ-M only
    # USDⓈ-M positionRisk v3 carries no leverage: `symbolConfig` does (COIN-M's positions do).
    leverage_call: ClassVar[str] = ""
    # Its tier is up to 30 s old: between updates the estimate follows the score over cut
    # points whose prior rests on the market's candles where the tiers cannot place them.
    candle_interval = CANDLE_INTERVAL

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen = SeenRecords()  # ADL orders and own trades already matched
        # A leverage change is rare and needs no position: once a minute, or for a new symbol.
        self._leverage: SlowRead[float] = SlowRead("leverage settings", _LEVERAGE_INTERVAL)

    def _configure(self, client: Any) -> None:
        # ccxt loads leverage brackets (one more request) only to derive maintenance margin;
        # positionRisk already carries Binance's own `maintMargin`, which ccxt falls back to.
        client.options["leverageBrackets"] = {}

    async def _read_account(self) -> tuple[list[UnifiedPosition], dict[str, AccountFigures]]:
        positions, figures = await super()._read_account()
        if self.leverage_call:
            symbols = {s for p in positions if isinstance(s := p.get("symbol"), str) and is_open(p)}
            await self._leverage.refresh(
                self.spec.name, symbols, self._read_leverage, lambda e: str(self._failure(e))
            )
        return positions, figures

    async def _read_leverage(self) -> dict[str, float]:
        """`symbolConfig`: the leverage set for each symbol."""
        leverage: dict[str, float] = {}
        for entry in as_list(await getattr(self.client, self.leverage_call)()):
            row = as_dict(entry)
            symbol, value = self._symbol_for(row.get("symbol")), to_float(row.get("leverage"))
            if symbol is not None and value is not None and value > 0:
                leverage[symbol] = value
        return leverage

    def _normalise(self, unified: UnifiedPosition) -> UnifiedPosition:
        """Fill the leverage ccxt leaves empty (positionRisk v3 has no such field)."""
        symbol = unified.get("symbol")
        if unified.get("leverage") is None and isinstance(symbol, str):
            known = self._leverage.values.get(symbol)
            if known is not None:
                return {**unified, "leverage": known}
        return unified

    async def _read_figures(self) -> dict[str, AccountFigures]:
        account = as_dict(await getattr(self.client, self.account_call)())
        return figures_from_rows(as_list(account.get("assets")), _BALANCE_FIELDS)

    async def _read_indicators(self, positions: list[UnifiedPosition]) -> dict[QueueKey, object]:
        keys = [key for unified in positions if (key := position_key(unified)) is not None]
        if not keys:
            return {}  # nothing to rank: skip the request
        rows = as_list(await getattr(self.client, self.adl_call)())
        by_symbol: dict[str, object] = {}
        for entry in rows:
            row = as_dict(entry)
            symbol = self._symbol_for(row.get("symbol"))
            if symbol is not None and isinstance(row.get("adlQuantile"), dict):
                # The whole {LONG, SHORT, BOTH|HEDGE} object: the scale picks the side.
                by_symbol[symbol] = row["adlQuantile"]
        return {key: by_symbol[key[0]] for key in keys if key[0] in by_symbol}

    async def _read_venue_risk(self, symbols: set[str], read_at: datetime) -> dict[str, VenueRisk]:
        """`symbolAdlRisk` for every symbol (weight 1, one request), kept for those held."""
        risks: dict[str, VenueRisk] = {}
        for entry in as_list(await getattr(self.client, self.venue_risk_call)()):
            row = as_dict(entry)
            symbol = self._symbol_for(row.get("symbol"))
            if symbol is not None and symbol in symbols:
                risks[symbol] = binance_risk(row, read_at)
        return risks

    async def _adl_closes(self, reduced: set[QueueKey]) -> dict[QueueKey, CloseEvidence]:
        found = await self._adl_orders(reduced)
        for symbol in sorted({symbol for symbol, _side in reduced}):
            unexplained = {key for key in reduced if key[0] == symbol and key not in found}
            if unexplained:  # no ADL order: did the user's own trade close it?
                found.update(await self._own_trades(symbol, unexplained))
        return found

    def _start_ms(self) -> int:
        return max(self._seen.since_ms, int(time.time() * 1000) - _HISTORY_DAYS_MS)

    async def _adl_orders(self, reduced: set[QueueKey]) -> dict[QueueKey, CloseEvidence]:
        """`forceOrders?autoCloseType=ADL`: one symbol's (weight 20) or every symbol's (50)."""
        params: dict[str, Any] = {"autoCloseType": "ADL", "startTime": self._start_ms()}
        symbols = {symbol for symbol, _side in reduced}
        if len(symbols) == 1:
            params["symbol"] = self.client.market(next(iter(symbols)))["id"]
        rows = as_list(await getattr(self.client, self.force_orders_call)(params))
        return match_records((self._record(row, "order") for row in rows), reduced, self._seen)

    async def _own_trades(
        self, symbol: str, unexplained: set[QueueKey]
    ) -> dict[QueueKey, CloseEvidence]:
        """The user's trades of `symbol` since start: one that realised PnL on a side closed
        (part of) that position."""
        params = {"symbol": self.client.market(symbol)["id"], "startTime": self._start_ms()}
        rows = as_list(await getattr(self.client, self.user_trades_call)(params))
        return match_records((self._record(row, "trade") for row in rows), unexplained, self._seen)

    def _record(self, entry: object, kind: str) -> HistoryRecord:
        """An ADL order (forceOrders) or one of the user's trades (userTrades)."""
        row = as_dict(entry)
        if kind == "order":
            adl = row.get("clientOrderId") == _ADL_CLIENT_ORDER_ID
            evidence = CloseEvidence(CloseCause.ADL, _ADL_SOURCE) if adl else None
        else:
            closing = (to_float(row.get("realizedPnl")) or 0.0) != 0.0
            evidence = CloseEvidence(CloseCause.OWN, "Binance userTrades") if closing else None
        return HistoryRecord(
            record=(kind, row.get("orderId" if kind == "order" else "id")),
            symbol=self._symbol_for(row.get("symbol")),
            side=closed_side(row),
            evidence=evidence,
            at_ms=to_float(row.get("updateTime") or row.get("time")) or 0.0,
        )

    async def _check_key(self) -> KeyCheck:
        return key_check_from_restrictions(
            as_dict(await self.client.sapiGetAccountApiRestrictions())
        )


class BinanceUsdmConnector(BinanceConnector):
    exchange_id = "binanceusdm"
    account_call = "fapiPrivateV3GetAccount"
    adl_call = "fapiPrivateGetAdlQuantile"
    force_orders_call = "fapiPrivateGetForceOrders"
    user_trades_call = "fapiPrivateGetUserTrades"
    venue_risk_call = "fapiPublicGetSymbolAdlRisk"
    leverage_call = "fapiPrivateGetSymbolConfig"
    # Binance recomputes the rating every 30 minutes; asking every 5 shows a change within 5.
    venue_risk_interval = 300.0


class BinanceCoinmConnector(BinanceConnector):
    exchange_id = "binancecoinm"
    account_call = "dapiPrivateGetAccount"
    adl_call = "dapiPrivateGetAdlQuantile"
    force_orders_call = "dapiPrivateGetForceOrders"
    user_trades_call = "dapiPrivateGetUserTrades"
