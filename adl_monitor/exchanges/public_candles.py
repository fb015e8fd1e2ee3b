"""A market's public hourly candles, read through ccxt's `fetch_ohlcv`: where the traders now
holding positions there most likely entered, what the estimate's prior rests on where the
venue's own tiers cannot place a queue (`core.estimate.market_move`, and Hyperliquid's whole
prior, `core.estimate.public_prior`).

A connector that wants them sets `VenueConnector.candle_interval`; the read is a `SlowRead`
beside the positions (a failure keeps the last candles and never fails the account's read).
"""

from __future__ import annotations

from typing import Any

from adl_monitor.core.model.market_context import Candle
from adl_monitor.exchanges.values import as_list, to_float

CANDLE_HOURS = 336
"""Two weeks of hourly candles: the longest holding time the priors allow."""
CANDLE_INTERVAL = 300.0
"""Seconds between reads: an hourly candle changes little in five minutes."""
_HOUR_MS = 3_600_000


async def read_candles(client: Any, symbols: list[str]) -> dict[str, tuple[Candle, ...]]:
    """The last `CANDLE_HOURS` hourly candles of each symbol (one request each); a symbol the
    venue returned none for is left out."""
    fresh = {symbol: await _candles_of(client, symbol) for symbol in symbols}
    return {symbol: candles for symbol, candles in fresh.items() if candles}


async def _candles_of(client: Any, symbol: str) -> tuple[Candle, ...]:
    since = client.milliseconds() - CANDLE_HOURS * _HOUR_MS
    rows = as_list(await client.fetch_ohlcv(symbol, "1h", since, CANDLE_HOURS))
    candles = [row for row in rows if isinstance(row, list) and len(row) >= 6]
    if not candles:
        return ()
    newest = max(to_float(row[0]) or 0.0 for row in candles)
    return tuple(
        Candle((newest - (to_float(t) or 0.0)) / _HOUR_MS, (h + lo + c) / 3, v)
        for t, _, h, lo, c, v, *_ in candles
        if all(isinstance(x, int | float) for x in (h, lo, c, v))
    )
