"""Account figures from a venue's per-currency balance rows.

Binance (`assets`), Bybit (`coin`) and OKX (`details`) all answer with one row per currency
holding the wallet balance, the equity and the margins under venue-specific names; a venue
module names its fields and this reads the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.exchanges.values import as_dict, number


@dataclass(frozen=True, slots=True)
class BalanceFields:
    """The venue's names for each figure. `skip_empty` drops currencies with no wallet
    balance (Binance lists every asset it supports)."""

    currency: str
    wallet: str
    equity: str
    maintenance: str
    initial: str
    skip_empty: bool = False


def figures_from_rows(rows: Iterable[object], fields: BalanceFields) -> dict[str, AccountFigures]:
    figures: dict[str, AccountFigures] = {}
    for entry in rows:
        row = as_dict(entry)
        currency = row.get(fields.currency)
        wallet = number(row, fields.wallet)
        if not isinstance(currency, str) or (fields.skip_empty and not wallet):
            continue
        figures[currency] = AccountFigures(
            currency=currency,
            wallet_balance=wallet,
            equity=number(row, fields.equity),
            maintenance_margin=number(row, fields.maintenance),
            initial_margin=number(row, fields.initial),
        )
    return figures
