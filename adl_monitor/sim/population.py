"""Synthetic traders: who else sits in the venue's ADL queue beside the demo account.

Per venue, symbol and side a few hundred positions: entries spread around the price of the
days before (the start price moved back by the instrument's trend over the position's age),
leverage and margin mode drawn from the seed's `PopulationMix` (around a retail book — many at
5–20x, a tail up to 100x — or, on a wild seed, far from it), position sizes log-normal.
Whoever would already be past liquidation at the start price is not drawn: they were
liquidated before, so a trend against one side leaves its survivors with less leverage.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

from adl_monitor.core.model.position import MarginMode, Side
from adl_monitor.sim.book_position import BookPosition, SimAccount
from adl_monitor.sim.instruments import Instrument
from adl_monitor.sim.population_mix import PRIOR_MIX, TREND_HORIZON_HOURS, PopulationMix

LEVERAGES = (2, 3, 5, 10, 15, 20, 25, 50, 75, 100)
MEDIAN_NOTIONAL = 6_000.0
MIN_CUSHION = 0.01  # nobody sits within 1 % of liquidation in a quiet market
MAX_TRIES_PER_POSITION = 40
"""Past this many draws per position wanted, the trend stops moving entries: a side the trend
nearly wiped out still gets its `count` survivors, drawn on the flat market."""


class PidSource:
    """Position ids unique within one world."""

    def __init__(self) -> None:
        self._next = 1

    def __call__(self) -> int:
        pid = self._next
        self._next += 1
        return pid


def synthetic_positions(
    exchange: str,
    instrument: Instrument,
    side: Side,
    count: int,
    entry_spread: float,
    rng: random.Random,
    pids: PidSource,
    mix: PopulationMix = PRIOR_MIX,
    trend: float = 0.0,
) -> Iterator[BookPosition]:
    """`count` one-position accounts on one side of one symbol.

    `trend` is the longs' favourable move per day before sim time 0 (`population_mix`).
    """
    max_lev = instrument.max_leverage_on(exchange)
    spread_base = entry_spread * mix.spread_scale
    made = tries = 0
    while made < count:
        tries += 1
        leverage = float(min(max_lev, rng.choices(LEVERAGES, mix.leverage_weights)[0]))
        mode = MarginMode.CROSS if rng.random() < mix.cross_share else MarginMode.ISOLATED
        # Opened some time in the last days: older entries drift further from today's price,
        # and the trend had longer to carry the price away from them.
        age_hours = rng.expovariate(1 / mix.mean_age_hours)
        spread = spread_base * min(1.0, math.sqrt(age_hours / 24.0) + 0.15)
        drift = trend * min(age_hours, TREND_HORIZON_HOURS) / 24.0
        if tries > MAX_TRIES_PER_POSITION * count:
            drift = 0.0
        entry = instrument.round_price(instrument.price * math.exp(rng.gauss(0.0, spread) - drift))
        notional = MEDIAN_NOTIONAL * math.exp(rng.gauss(0.0, mix.size_sigma))
        steps = max(1, round(notional / entry / instrument.qty_step))
        size = round(steps * instrument.qty_step, 8)
        margin = size * entry / leverage
        if mode is MarginMode.ISOLATED:
            collateral = margin
            wallet = margin * (1.0 + rng.uniform(0.2, 2.5))
        else:
            # Cross: the whole wallet stands behind the position.
            collateral = margin * rng.uniform(1.05, 2.2)
            wallet = collateral
        name = f"{exchange}-{instrument.base}-{side.value}-{made:04d}"
        account = SimAccount(name=name, wallet=wallet)
        position = BookPosition(
            pid=pids(),
            account=account,
            base=instrument.base,
            side=side,
            size=size,
            entry=entry,
            leverage=leverage,
            margin_mode=mode,
            collateral=collateral,
            mmr=instrument.mmr,
            opened_at=-age_hours * 3600.0,
        )
        # Whoever would already be past liquidation at today's price was liquidated before.
        cushion = side.sign * (instrument.price - position.liquidation_price) / instrument.price
        if cushion < MIN_CUSHION:
            continue
        account.positions.append(position)
        made += 1
        yield position
