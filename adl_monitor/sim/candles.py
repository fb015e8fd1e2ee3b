"""The public price candles every simulated venue serves: one market, whatever venue it is
read from (a seed's BTC is one BTC), so each venue's route only formats them.

Before sim time 0 the price is the history the synthetic traders entered on
(`World.history_price`: the seed's trend, or population B's market events) with a seeded
wobble of the scenario's entry spread; from 0, the scenario's price path. The candles end at
sim time now: the requested window is counted, not placed, because the sim's clock is not the
caller's.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from adl_monitor.sim.instruments import Instrument

DAY_VOLUME = 10_000.0
"""Coins traded per day (Hyperliquid's `dayBaseVlm`, and every candle's volume): 24 h of
holding time at the start (open interest ÷ daily volume, the public prior's figure)."""
MAX_CANDLES = 5000
INTERVAL_SECONDS = {"1m": 60, "15m": 900, "1h": 3600, "1d": 86_400}
"""The candle intervals the simulated venues serve, by the name both Binance and Hyperliquid
give them."""


@dataclass(frozen=True, slots=True)
class SimCandle:
    """One candle, times in sim seconds."""

    start: float
    end: float
    open: float
    high: float
    low: float
    close: float
    volume: float


def candles(world: Any, inst: Instrument, step_s: float, count: int) -> list[SimCandle]:
    """The last `count` candles of `step_s` seconds up to sim time now, oldest first."""
    count = max(1, min(MAX_CANDLES, count))
    spread = world.scenario.entry_spread.get(inst.base, 0.03)
    rng = random.Random(f"{world.seed}:candles:{inst.base}")
    # Hourly reversion so that the walk's own spread is `spread`.
    keep = math.exp(-step_s / 86_400)
    drift, before = 0.0, {}
    first = int(world.t // step_s) - count + 1
    for k in range(1, max(1, -first) + 2):
        drift = drift * keep + rng.gauss(0.0, spread * math.sqrt(1 - keep * keep))
        before[-k] = world.history_price(inst.base, -k * step_s) * math.exp(drift)
    path = world.paths[inst.base]
    made = []
    for index in range(first, first + count):
        t0 = index * step_s
        if t0 < 0:
            prices = [before.get(index, inst.price), before.get(index + 1, inst.price)]
        else:
            ticks = [t0 + step_s * f / 4 for f in range(5)]
            prices = [path.price(min(t, world.t)) for t in ticks]
        made.append(
            SimCandle(
                start=t0,
                end=t0 + step_s,
                open=prices[0],
                high=max(prices),
                low=min(prices),
                close=prices[-1],
                volume=DAY_VOLUME * step_s / 86_400,
            )
        )
    return made
