"""How a venue is named to a trader: "Bybit", not the ccxt id "bybit"."""

from __future__ import annotations

_DISPLAY_NAMES: dict[str, str] = {
    "binanceusdm": "Binance",
    "binancecoinm": "Binance COIN-M",
    "bybit": "Bybit",
    "okx": "OKX",
    "gate": "Gate",
    "htx": "HTX",
    "kucoinfutures": "KuCoin",
    "bitget": "Bitget",
    "phemex": "Phemex",
    "hyperliquid": "Hyperliquid",
}


def venue_display_name(exchange: str) -> str:
    """The venue's own brand name for a ccxt id; an unknown id is shown as given."""
    return _DISPLAY_NAMES.get(exchange, exchange)


def base_asset(symbol: str) -> str:
    """`"BTC/USDT:USDT"` → `"BTC"`: the asset a position is long or short of."""
    return symbol.split("/", 1)[0].split(":", 1)[0]
