"""Hyperliquid's `clearinghouseState.assetPositions` entries as ccxt unified positions.

ccxt's `hyperliquid.parse_position` does this with exact decimal-string arithmetic (`Precise`):
about 45 µs a position, more than half of a whole refresh at 1,000 positions
(`benchmarks/refresh_overhead.py`). The app then reads every figure as a float anyway, so this
module computes the same unified fields from the same reply with floats, and asks ccxt only for
what needs its market tables: the symbol a coin trades as (HIP-3 coins such as `xyz:XYZ100`
included). `tests/exchanges/test_hyperliquid_positions.py` holds the result to ccxt's own parse
of the same entries.

Only the fields `position_builder.build_position` and the connector read are filled; a reply
entry that is not an object, or a size that is not a number, passes through as it came so the
connector skips (and logs) it as it does any unreadable row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from adl_monitor.exchanges.values import as_dict, to_float


class CoinSymbols:
    """Coin name → unified symbol, asked of ccxt once per coin while its markets stay the same
    (a market refresh replaces ccxt's dict, and so empties this cache)."""

    def __init__(self) -> None:
        self._markets: object = None  # the ccxt markets dict `_symbols` was read from
        self._symbols: dict[str, str] = {}

    def symbol(self, client: Any, coin: str) -> str:
        """`coin`'s symbol in `client`'s markets (ccxt's own answer, as its parser gives)."""
        markets = client.markets
        if markets is not self._markets:
            self._markets, self._symbols = markets, {}
        symbol = self._symbols.get(coin)
        if symbol is None:
            market = client.safe_market(client.coin_to_market_id(coin))
            symbol = self._symbols[coin] = str(market["symbol"])
        return symbol


def unified_position(entry: object, symbol_of: Callable[[str], str]) -> dict[str, Any]:
    """One `assetPositions` entry (`{"type": "oneWay", "position": {...}}`) in ccxt's unified
    shape: side from the sign of `szi`, mark = position value ÷ size, and an isolated
    position's own margin = `marginUsed` − uPnL (ccxt's `initialMargin` / `positionMargin`)."""
    raw = as_dict(entry)
    position = as_dict(raw.get("position"))
    coin = position.get("coin")
    leverage: Mapping[str, Any] = as_dict(position.get("leverage"))
    mode = leverage.get("type")
    isolated = mode == "isolated"
    signed = to_float(position.get("szi"))
    size = abs(signed) if signed is not None else position.get("szi")
    pnl = to_float(position.get("unrealizedPnl"))
    used = to_float(position.get("marginUsed"))
    value = to_float(position.get("positionValue"))
    own = used - pnl if isolated and used is not None and pnl is not None else None
    return {
        "info": raw,
        "symbol": symbol_of(coin) if isinstance(coin, str) else None,
        "side": None if signed is None else ("long" if signed > 0 else "short"),
        "contracts": size,
        "entryPrice": to_float(position.get("entryPx")),
        "markPrice": value / abs(signed) if value and signed else None,
        "notional": value,
        "unrealizedPnl": pnl,
        "leverage": to_float(leverage.get("value")),
        "marginMode": mode,
        "isolated": isolated,
        "collateral": used,
        "initialMargin": own if isolated else used,
        "positionMargin": own,
        "liquidationPrice": to_float(position.get("liquidationPx")),
    }
