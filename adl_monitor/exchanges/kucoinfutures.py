"""KuCoin Futures.

What differs here: the indicator `delevPercentage` (0–1) comes with each position; a position
closed by ADL says `changeReason == "adl"` (position stream), and positions history
(`/api/v1/history-positions`, asked only when a position closed or shrank) gives its close `type`
(`ADL_LONG`, `CLOSE_LONG`, `LIQUID_LONG`, …; docs/adl-evidence.md); balances from
`account-overview`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.account_reading import CloseCause, CloseEvidence
from adl_monitor.core.model.position import QueueKey
from adl_monitor.core.security.key_verdict import KeyCheck, KeyVerdict
from adl_monitor.exchanges.base import VenueConnector
from adl_monitor.exchanges.closes import HistoryRecord, SeenRecords, match_records
from adl_monitor.exchanges.reply_shape import envelope
from adl_monitor.exchanges.values import as_dict, as_list, number, to_float

SETTLE = "USDT"
_READ_PERMISSION = "General"
_CLOSE_CAUSES = {"ADL": CloseCause.ADL, "CLOSE": CloseCause.OWN, "LIQUID": CloseCause.OWN}


def key_check_from_api_key(reply: Mapping[str, Any]) -> KeyCheck:
    """Verdict from `GET /api/v1/user/api-key`: only "General" is read-only."""
    permission = as_dict(reply.get("data")).get("permission")
    if not isinstance(permission, str) or not permission:
        return KeyCheck(KeyVerdict.UNVERIFIED, (), "KuCoin's reply did not include permission")
    granted = tuple(
        p.strip() for p in permission.split(",") if p.strip() and p.strip() != _READ_PERMISSION
    )
    if any("withdraw" in p.lower() for p in granted):
        return KeyCheck(KeyVerdict.CAN_WITHDRAW, granted, "the key may withdraw funds")
    if granted:
        return KeyCheck(KeyVerdict.CAN_TRADE, granted, "the key may " + ", ".join(granted))
    return KeyCheck(KeyVerdict.READ_ONLY, (), "read-only (General)")


class KucoinFuturesConnector(VenueConnector):
    exchange_id = "kucoinfutures"
    market_types = ("swap",)
    supports_watch = True
    indicator_field = "delevPercentage"
    reply_shape = envelope(
        "code",
        "200000",
        "data",
        lists={"/api/v1/positions": ("data",), "/api/v1/contracts/active": ("data",)},
    )
    adl_mark = "KuCoin position (changeReason adl)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen = SeenRecords()

    async def _adl_closes(self, reduced: set[QueueKey]) -> dict[QueueKey, CloseEvidence]:
        reply = await self.client.futuresPrivateGetHistoryPositions(
            {"from": self._seen.since_ms, "limit": 50}
        )
        rows = as_list(as_dict(as_dict(reply).get("data")).get("items"))
        return match_records(map(self._record, rows), reduced, self._seen)

    def _record(self, entry: object) -> HistoryRecord:
        row = as_dict(entry)
        kind, _, side = str(row.get("type", "")).partition("_")
        cause = _CLOSE_CAUSES.get(kind)
        source = f"KuCoin positions history (type {row.get('type')})"
        return HistoryRecord(
            record=row.get("closeId"),
            symbol=self._symbol_for(row.get("symbol")),
            side=side.lower(),
            evidence=None if cause is None else CloseEvidence(cause, source),
            at_ms=to_float(row.get("closeTime")) or 0.0,
        )

    async def _read_figures(self) -> dict[str, AccountFigures]:
        reply = await self.client.futuresPrivateGetAccountOverview({"currency": SETTLE})
        data = as_dict(as_dict(reply).get("data"))
        currency = str(data.get("currency") or SETTLE)
        return {
            currency: AccountFigures(
                currency=currency,
                # KuCoin: marginBalance excludes unrealized PnL, accountEquity includes it.
                wallet_balance=number(data, "marginBalance"),
                equity=number(data, "accountEquity"),
                initial_margin=number(data, "positionMargin"),
            )
        }

    def _is_adl_hit(self, unified: Mapping[str, Any]) -> bool:
        return str(as_dict(unified.get("info")).get("changeReason", "")).lower() == "adl"

    async def _check_key(self) -> KeyCheck:
        return key_check_from_api_key(as_dict(await self.client.privateGetUserApiKey()))
