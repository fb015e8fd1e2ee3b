"""Hand-written market lists: just enough for ccxt to resolve ids, so no exchangeInfo is needed."""

from __future__ import annotations

from typing import Any


def market(
    market_id: str,
    symbol: str,
    *,
    kind: str = "swap",
    inverse: bool = False,
    contract_size: float = 1.0,
    info: dict[str, Any] | None = None,
) -> dict[str, Any]:
    base, rest = symbol.split("/")
    quote, _, settle = rest.partition(":")
    settle = settle.split("-")[0]
    contract = kind != "spot"
    return {
        "id": market_id,
        "symbol": symbol,
        "base": base,
        "quote": quote,
        "settle": settle or None,
        "baseId": base,
        "quoteId": quote,
        "settleId": settle or None,
        "type": kind,
        "spot": kind == "spot",
        "margin": kind == "spot",
        "swap": kind == "swap",
        "future": kind == "future",
        "option": False,
        "index": None,
        "active": True,
        "contract": contract,
        "linear": (not inverse) if contract else None,
        "inverse": inverse if contract else None,
        "contractSize": contract_size if contract else None,
        "expiry": None,
        "expiryDatetime": None,
        "strike": None,
        "optionType": None,
        "taker": 0.0005,
        "maker": 0.0002,
        "precision": {"amount": 0.001, "price": 0.01, "base": 1e-08, "quote": 1e-08},
        "limits": {
            "amount": {"min": None, "max": None},
            "price": {"min": None, "max": None},
            "cost": {"min": None, "max": None},
            "leverage": {"min": None, "max": None},
        },
        "created": None,
        "info": info or {},
    }


def by_symbol(*markets: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["symbol"]: m for m in markets}
