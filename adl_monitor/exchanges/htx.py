"""HTX (USDT-margined swaps, v5 unified account).

What differs here: the indicator `adl_risk_percent` comes with each position of
`/v5/trade/position/opens` (the endpoint ccxt's `fetch_positions` already uses for linear, so no
extra call); balances from `/v5/account/balance`. The key check needs the user id first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.security.key_verdict import KeyCheck, KeyVerdict
from adl_monitor.exchanges.base import VenueConnector
from adl_monitor.exchanges.reply_shape import ReplyShape
from adl_monitor.exchanges.values import as_dict, as_list, number


def key_check_from_api_key(reply: Mapping[str, Any], api_key: str) -> KeyCheck:
    """Verdict from `GET /v2/user/api-key`: `permission` is e.g. "readOnly,trade"."""
    entries = [as_dict(e) for e in as_list(reply.get("data"))]
    mine = [e for e in entries if e.get("accessKey") == api_key] or entries[:1]
    permission = mine[0].get("permission") if mine else None
    if not isinstance(permission, str) or not permission:
        return KeyCheck(KeyVerdict.UNVERIFIED, (), "HTX's reply did not include the key")
    granted = tuple(
        p.strip() for p in permission.split(",") if p.strip() and p.strip() != "readOnly"
    )
    if any("withdraw" in p.lower() for p in granted):
        return KeyCheck(KeyVerdict.CAN_WITHDRAW, granted, "the key may withdraw funds")
    if granted:
        return KeyCheck(KeyVerdict.CAN_TRADE, granted, "the key may " + ", ".join(granted))
    return KeyCheck(KeyVerdict.READ_ONLY, (), "read-only")


class HtxConnector(VenueConnector):
    exchange_id = "htx"
    indicator_field = "adl_risk_percent"
    # v1 routes say {"status": "ok"}, v2 and v5 {"code": 200}.
    reply_shape = ReplyShape(
        status={"status": frozenset({"ok"}), "code": frozenset({"200"})},
        payload="data",
        lists={"/v5/trade/position/opens": ("data",), "/swap_contract_info": ("data",)},
    )

    def _configure(self, client: Any) -> None:
        # HTX takes a dict of market types here, unlike the other venues' lists.
        client.options["fetchMarkets"] = {
            "types": {"spot": False, "linear": True, "inverse": False}
        }

    async def _read_figures(self) -> dict[str, AccountFigures]:
        data = as_dict(as_dict(await self.client.contractPrivateGetV5AccountBalance()).get("data"))
        figures: dict[str, AccountFigures] = {}
        for entry in [data, *as_list(data.get("details"))]:
            row = as_dict(entry)
            currency = str(row.get("currency") or "USDT")
            equity = number(row, "equity")
            if equity is None or (currency in figures and row is data):
                continue
            pnl = number(row, "profit_unreal") or 0.0
            figures[currency] = AccountFigures(
                currency=currency,
                wallet_balance=equity - pnl,
                equity=equity,
                maintenance_margin=number(row, "maintenance_margin"),
                initial_margin=number(row, "initial_margin"),
            )
        return figures

    async def _check_key(self) -> KeyCheck:
        uid = as_dict(await self.client.spotPrivateGetV2UserUid()).get("data")
        api_key = self._credentials.api_key if self._credentials else ""
        reply = await self.client.v2PrivateGetUserApiKey({"uid": uid, "accessKey": api_key})
        return key_check_from_api_key(as_dict(reply), api_key)
