"""How a venue is named to a trader: "Bybit", not the ccxt id "bybit"."""

from __future__ import annotations

from adl_monitor.core import venues


def venue_display_name(exchange: str) -> str:
    """The venue's own brand name for a ccxt id; an unknown id is shown as given."""
    venue = venues.find(exchange)
    return venue.display_name if venue is not None else exchange


def base_asset(symbol: str) -> str:
    """`"BTC/USDT:USDT"` → `"BTC"`: the asset a position is long or short of."""
    return symbol.split("/", 1)[0].split(":", 1)[0]
