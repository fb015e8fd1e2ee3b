"""Binance USDⓈ-M (`binanceusdm`) and COIN-M (`binancecoinm`) futures.

What differs here: the ADL indicator is a separate call (`adlQuantile`), refreshed by Binance only
every 30 s, and read as the raw per-side object because ccxt's unified method collapses hedge mode
(VENUES.md). The ranking formula is account-level, so the account call (wallet balance, margin
balance, maintenance margin per asset) is read on every refresh.
"""

from __future__ import annotations

from typing import Any, ClassVar

from adl_monitor.core.account import AccountFigures
from adl_monitor.core.account_reading import PositionKey
from adl_monitor.core.key_check import KeyCheck, KeyVerdict
from adl_monitor.exchanges.balance_table import BalanceFields, figures_from_rows
from adl_monitor.exchanges.base import UnifiedPosition, VenueConnector
from adl_monitor.exchanges.position_builder import position_key
from adl_monitor.exchanges.reply_shape import ReplyShape
from adl_monitor.exchanges.values import as_dict, as_list

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
        "/fapi/v3/account": ("assets",),
        "/dapi/v1/account": ("assets",),
    }
)


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
    adl_interval = 30.0  # Binance recomputes adlQuantile every 30 s; asking more often is waste
    supports_watch = True
    reply_shape = REPLY_SHAPE
    account_call: ClassVar[str] = ""
    adl_call: ClassVar[str] = ""

    def _configure(self, client: Any) -> None:
        # ccxt loads leverage brackets (one more request) only to derive maintenance margin;
        # positionRisk already carries Binance's own `maintMargin`, which ccxt falls back to.
        client.options["leverageBrackets"] = {}

    async def _read_figures(self) -> dict[str, AccountFigures]:
        account = as_dict(await getattr(self.client, self.account_call)())
        return figures_from_rows(as_list(account.get("assets")), _BALANCE_FIELDS)

    async def _read_indicators(self, positions: list[UnifiedPosition]) -> dict[PositionKey, object]:
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

    async def _check_key(self) -> KeyCheck:
        return key_check_from_restrictions(
            as_dict(await self.client.sapiGetAccountApiRestrictions())
        )


class BinanceUsdmConnector(BinanceConnector):
    exchange_id = "binanceusdm"
    account_call = "fapiPrivateV3GetAccount"
    adl_call = "fapiPrivateGetAdlQuantile"


class BinanceCoinmConnector(BinanceConnector):
    exchange_id = "binancecoinm"
    account_call = "dapiPrivateGetAccount"
    adl_call = "dapiPrivateGetAdlQuantile"
