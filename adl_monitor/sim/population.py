"""Synthetic traders: who else sits in the venue's ADL queue beside the demo account.

Per venue, symbol and side a few hundred positions: entries spread around the start price (the
price path of the days before), leverage and margin mode drawn from distributions shaped like
a retail book (many at 5–20x, a tail up to 100x), position sizes log-normal.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

from adl_monitor.core.position import MarginMode, Side
from adl_monitor.sim.book_position import BookPosition, SimAccount
from adl_monitor.sim.instruments import Instrument

LEVERAGES = (2, 3, 5, 10, 15, 20, 25, 50, 75, 100)
LEVERAGE_WEIGHTS = (6, 8, 16, 22, 10, 14, 8, 8, 4, 4)
CROSS_SHARE = 0.55
MEDIAN_NOTIONAL = 6_000.0
MIN_CUSHION = 0.01  # nobody sits within 1 % of liquidation in a quiet market


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
) -> Iterator[BookPosition]:
    """`count` one-position accounts on one side of one symbol."""
    max_lev = instrument.max_leverage
    made = 0
    while made < count:
        leverage = float(min(max_lev, rng.choices(LEVERAGES, LEVERAGE_WEIGHTS)[0]))
        mode = MarginMode.CROSS if rng.random() < CROSS_SHARE else MarginMode.ISOLATED
        # Opened some time in the last few days: older entries drift further from today's price.
        age_hours = rng.expovariate(1 / 20.0)
        spread = entry_spread * min(1.0, math.sqrt(age_hours / 24.0) + 0.15)
        entry = instrument.round_price(instrument.price * math.exp(rng.gauss(0.0, spread)))
        notional = MEDIAN_NOTIONAL * math.exp(rng.gauss(0.0, 1.1))
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
