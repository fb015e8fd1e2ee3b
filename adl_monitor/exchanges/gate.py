"""Gate (futures, USDT settled).

What differs here: the indicator is `adl_ranking` in each position, on an inverted scale
(1 = front); balances from `/futures/usdt/accounts`. The key check needs the account permission
to read `/account/main_keys`; a key without it cannot be verified, which is said as such. ADL
closes are listed by `/futures/usdt/auto_deleverages`, asked only when a position closed or
shrank (docs/adl-evidence.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.account_reading import CloseCause, CloseEvidence
from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.core.model.position import QueueKey
from adl_monitor.core.model.venue_risk import VenueRisk, gate_risk
from adl_monitor.core.security.key_verdict import KeyCheck, KeyVerdict
from adl_monitor.exchanges.base import UnifiedPosition, VenueConnector
from adl_monitor.exchanges.closes import HistoryRecord, SeenRecords, match_records
from adl_monitor.exchanges.reply_shape import ReplyShape
from adl_monitor.exchanges.values import as_dict, as_list, number, to_float

SETTLE = "usdt"
_ADL_SOURCE = "Gate auto_deleverages"


def deleveraged_side(row: Mapping[str, Any]) -> str | None:
    """The side an `auto_deleverages` record closed. Gate's sizes are signed (long > 0): what
    is left (`position_size`) names the side; when nothing is left, the trade closing it does
    (a sell, `trade_size` < 0, closed a long). Inferred from the signs, not stated by Gate."""
    left = to_float(row.get("position_size")) or 0.0
    if left:
        return "long" if left > 0 else "short"
    trade = to_float(row.get("trade_size")) or 0.0
    if trade:
        return "long" if trade < 0 else "short"
    return None


def key_check_from_main_keys(reply: object) -> KeyCheck:
    """Verdict from `GET /account/main_keys`: read-only when every `perms[].read_only` is true."""
    entries = reply if isinstance(reply, list) else [reply]
    perms = [as_dict(p) for entry in entries for p in as_list(as_dict(entry).get("perms"))]
    if not perms:
        return KeyCheck(KeyVerdict.UNVERIFIED, (), "Gate's reply listed no permissions")
    writable = tuple(str(p.get("name")) for p in perms if p.get("read_only") is not True)
    if any("withdraw" in name.lower() for name in writable):
        return KeyCheck(KeyVerdict.CAN_WITHDRAW, writable, "the key may withdraw funds")
    if writable:
        return KeyCheck(KeyVerdict.CAN_TRADE, writable, "read-write: " + ", ".join(writable))
    return KeyCheck(KeyVerdict.READ_ONLY, (), "read-only")


class GateConnector(VenueConnector):
    exchange_id = "gate"
    market_types = ("swap",)
    supports_watch = True
    indicator_field = "adl_ranking"
    reply_shape = ReplyShape(lists={"/futures/usdt/positions": ()})  # no envelope
    venue_risk_interval = 60.0  # Gate does not say how often it recomputes the states

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen = SeenRecords()

    def _configure(self, client: Any) -> None:
        client.options["defaultType"] = "swap"
        swap = dict(client.options.get("swap") or {})
        swap["fetchMarkets"] = {"settlementCurrencies": [SETTLE]}
        client.options["swap"] = swap

    def _normalise(self, unified: UnifiedPosition) -> UnifiedPosition:
        # ccxt reads the margin mode from `leverage` ("0" = cross); Gate's newer explicit
        # `pos_margin_mode` wins when present.
        mode = as_dict(unified.get("info")).get("pos_margin_mode")
        if mode in ("isolated", "cross"):
            return {**unified, "marginMode": mode}
        return unified

    async def _read_figures(self) -> dict[str, AccountFigures]:
        account = as_dict(await self.client.privateFuturesGetSettleAccounts({"settle": SETTLE}))
        currency = str(account.get("currency") or SETTLE.upper())
        wallet = number(account, "total")
        pnl = number(account, "unrealised_pnl") or 0.0
        return {
            currency: AccountFigures(
                currency=currency,
                wallet_balance=wallet,
                equity=None if wallet is None else wallet + pnl,
                maintenance_margin=number(account, "maintenance_margin"),
                initial_margin=number(account, "position_initial_margin", "position_margin"),
            )
        }

    async def _read_venue_risk(self, symbols: set[str], read_at: datetime) -> dict[str, VenueRisk]:
        """`adl_risk_states`: `{"settle", "states": {contract: {"state", "calculated_at_ms"}}}`
        for every contract (one public request), kept for the symbols held."""
        reply = await self.client.publicFuturesGetSettleAdlRiskStates({"settle": SETTLE})
        states = as_dict(as_dict(reply).get("states"))
        if not states:
            raise VenueFailure(FailureKind.BAD_REPLY, "Gate's ADL risk states came without states")
        risks: dict[str, VenueRisk] = {}
        for contract, entry in states.items():
            symbol = self._symbol_for(contract)
            if symbol is not None and symbol in symbols:
                risks[symbol] = gate_risk(as_dict(entry), read_at)
        return risks

    async def _adl_closes(self, reduced: set[QueueKey]) -> dict[QueueKey, CloseEvidence]:
        rows = await self.client.privateFuturesGetSettleAutoDeleverages(
            {"settle": SETTLE, "limit": 100}
        )
        return match_records(map(self._record, as_list(rows)), reduced, self._seen)

    def _record(self, entry: object) -> HistoryRecord:
        row = as_dict(entry)
        return HistoryRecord(
            record=(row.get("order_id"), row.get("time"), row.get("contract")),
            symbol=self._symbol_for(row.get("contract")),
            side=deleveraged_side(row),
            evidence=CloseEvidence(CloseCause.ADL, _ADL_SOURCE),
            at_ms=1000 * (to_float(row.get("time")) or 0.0),  # Gate's `time` is in seconds
        )

    async def _check_key(self) -> KeyCheck:
        try:
            reply = await self.client.privateAccountGetMainKeys()
        except Exception as error:
            failure = self._failure(error)
            if failure.kind in (FailureKind.PERMISSION, FailureKind.BAD_KEY):
                return KeyCheck(
                    KeyVerdict.UNVERIFIED,
                    (),
                    "could not verify: the key may not read Gate's key list "
                    "(it needs the account read permission)",
                )
            raise failure from None
        return key_check_from_main_keys(reply)
