"""OKX (v5).

What differs here: the indicator is `adl` in each position of `/api/v5/account/positions` (no
unified method); OKX reports ADL closes only in positions-history (`type` 5 = partly, 6 = fully
closed by ADL), asked only after a position closed or shrank. Balances per currency come from
`/api/v5/account/balance`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.account_reading import CloseCause, CloseEvidence
from adl_monitor.core.model.position import QueueKey
from adl_monitor.core.security.key_verdict import KeyCheck, KeyVerdict
from adl_monitor.exchanges.balance_table import BalanceFields, figures_from_rows
from adl_monitor.exchanges.base import VenueConnector
from adl_monitor.exchanges.closes import HistoryRecord, SeenRecords, match_records
from adl_monitor.exchanges.reply_shape import envelope
from adl_monitor.exchanges.values import as_dict, as_list, to_float

_ADL_CLOSE_TYPES = {"5", "6"}  # positions-history: 5 partially, 6 fully closed by ADL
# 1 partly / 2 fully closed by the user, 3 liquidated, 4 partly liquidated: not ADL.
_CLOSE_TYPES = _ADL_CLOSE_TYPES | {"1", "2", "3", "4"}


def key_check_from_config(reply: Mapping[str, Any]) -> KeyCheck:
    """Verdict from `GET /api/v5/account/config`: `perm` is e.g. "read_only,withdraw,trade"."""
    config = as_dict(next(iter(as_list(reply.get("data"))), {}))
    perm = config.get("perm")
    if not isinstance(perm, str) or not perm:
        return KeyCheck(KeyVerdict.UNVERIFIED, (), "OKX's reply did not include the key's perm")
    granted = tuple(p.strip() for p in perm.split(",") if p.strip() and p.strip() != "read_only")
    if "withdraw" in granted:
        return KeyCheck(KeyVerdict.CAN_WITHDRAW, granted, "the key may withdraw funds")
    if granted:
        return KeyCheck(KeyVerdict.CAN_TRADE, granted, "the key may " + ", ".join(granted))
    return KeyCheck(KeyVerdict.READ_ONLY, (), "read-only")


_BALANCE_FIELDS = BalanceFields("ccy", "cashBal", "eq", "mmr", "imr")


class OkxConnector(VenueConnector):
    exchange_id = "okx"
    market_types = ("swap", "future")
    supports_watch = True
    indicator_field = "adl"
    reply_shape = envelope("code", "0", "data", payload_is_list=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen = SeenRecords()  # history rows already matched, and when we started

    async def _read_figures(self) -> dict[str, AccountFigures]:
        reply = as_dict(await self.client.privateGetAccountBalance())
        accounts = as_list(reply.get("data"))
        rows = [row for account in accounts for row in as_list(as_dict(account).get("details"))]
        return figures_from_rows(rows, _BALANCE_FIELDS)

    async def _adl_closes(self, reduced: set[QueueKey]) -> dict[QueueKey, CloseEvidence]:
        """positions-history since start: `type` 5/6 is OKX's ADL, 1–4 the user's own close or
        a liquidation (docs/adl-evidence.md)."""
        reply = as_dict(await self.client.privateGetAccountPositionsHistory({"instType": "SWAP"}))
        return match_records(map(self._record, as_list(reply.get("data"))), reduced, self._seen)

    def _record(self, entry: object) -> HistoryRecord | None:
        row = as_dict(entry)
        kind = str(row.get("type"))
        if kind not in _CLOSE_TYPES:
            return None
        side = row.get("posSide")
        if side not in ("long", "short"):
            side = row.get("direction")  # one-way ("net") positions name it here
        cause = CloseCause.ADL if kind in _ADL_CLOSE_TYPES else CloseCause.OWN
        return HistoryRecord(
            record=(row.get("posId"), row.get("uTime")),
            symbol=self._symbol_for(row.get("instId")),
            side=str(side),
            evidence=CloseEvidence(cause, f"OKX positions-history (type {kind})"),
            at_ms=to_float(row.get("uTime")) or 0.0,
        )

    async def _check_key(self) -> KeyCheck:
        return key_check_from_config(as_dict(await self.client.privateGetAccountConfig()))
