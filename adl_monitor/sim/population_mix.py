"""How a seed shapes the synthetic traders: a population the estimator was not designed on.

The local estimate's prior (`core/estimate/rank_estimator.py`, `docs/estimate.md`) assumes a
retail-shaped book: leverage 2–100× weighted towards 5–20×, 55 % cross, entries spread ~3 % by an
age of about 20 h, log-normal sizes (σ 1.1), and a market that moved between −8 % and +22 % for a
side since its book was opened. A simulator built on those same numbers can only flatter the
estimate, so every seed draws its own population:

* per venue — the leverage mix, the cross/isolated share, the entry spread and age of the
  positions, the size dispersion and how crowded the long side is;
* per instrument (shared by every venue, as a real market is) — the trend of the days before
  sim time 0, which decides how much of each side is losing.

Typical seeds vary these around the prior's values. A *wild* seed (`is_wild`: seeds 2, 6,
10, …) draws from outside the prior's ranges on purpose: a leverage mix piled on one end,
nearly all cross or nearly all isolated, entries bunched or scattered, positions hours or
weeks old, a trend that puts a side 25–45 % in profit (beyond the prior's +22 %) or deep in
loss, and a crowded side. The same seed always draws the same mix (`random.Random` seeded with a
string is deterministic across runs and platforms).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

PRIOR_LEVERAGE_WEIGHTS = (6.0, 8.0, 16.0, 22.0, 10.0, 14.0, 8.0, 8.0, 4.0, 4.0)
"""Over `population.LEVERAGES`: the retail shape the prior is built on."""
PRIOR_CROSS_SHARE = 0.55
PRIOR_MEAN_AGE_HOURS = 20.0
PRIOR_SIZE_SIGMA = 1.1
TREND_HORIZON_HOURS = 72.0
"""The trend moves entries for at most this long before sim time 0: older positions entered
on the price of three days ago or so (a trend does not compound for weeks)."""
WILD_EVERY = 4
WILD_REMAINDER = 2


def is_wild(seed: int) -> bool:
    """Seeds whose populations lie outside the prior's ranges (2, 6, 10, …)."""
    return seed % WILD_EVERY == WILD_REMAINDER


@dataclass(frozen=True)
class PopulationMix:
    """The shape of one venue's synthetic traders for one seed."""

    leverage_weights: tuple[float, ...]
    cross_share: float
    spread_scale: float
    """Multiplies the scenario's entry spread."""
    mean_age_hours: float
    size_sigma: float
    long_share_shift: float
    """Added to the scenario's long share (clamped to 0.15–0.85): crowding on one side."""
    wild: bool


PRIOR_MIX = PopulationMix(
    PRIOR_LEVERAGE_WEIGHTS,
    PRIOR_CROSS_SHARE,
    1.0,
    PRIOR_MEAN_AGE_HOURS,
    PRIOR_SIZE_SIGMA,
    0.0,
    wild=False,
)
"""The population the prior was designed on (what every seed drew before)."""


def draw_mix(seed: int, venue: str) -> PopulationMix:
    """The population mix of `venue` in the world of `seed`."""
    rng = random.Random(f"{seed}:mix:{venue}")
    return _wild_mix(rng) if is_wild(seed) else _typical_mix(rng)


def draw_trend(seed: int, base: str) -> float:
    """Favourable move for longs per day before sim time 0 (−0.02 = the price fell 2 % a day).

    Typical seeds: within ±3 % a day (over the 20-h mean age, inside the prior's −8…+22 %).
    Wild seeds: 8–15 % a day either way, so the older positions of one side sit 25–45 % in
    profit and the other side's are deep in loss — the survivors of a trend the prior never saw.
    """
    rng = random.Random(f"{seed}:trend:{base}")
    if is_wild(seed):
        return rng.choice((-1.0, 1.0)) * rng.uniform(0.08, 0.15)
    return rng.uniform(-0.03, 0.03)


def _typical_mix(rng: random.Random) -> PopulationMix:
    weights = tuple(w * math.exp(rng.gauss(0.0, 0.5)) for w in PRIOR_LEVERAGE_WEIGHTS)
    return PopulationMix(
        leverage_weights=weights,
        cross_share=rng.uniform(0.35, 0.75),
        spread_scale=rng.uniform(0.6, 1.6),
        mean_age_hours=rng.uniform(8.0, 40.0),
        size_sigma=rng.uniform(0.8, 1.4),
        long_share_shift=rng.uniform(-0.1, 0.1),
        wild=False,
    )


def _wild_mix(rng: random.Random) -> PopulationMix:
    # Piled on one end: ten times the weight on 50–100× (or on 2–5×); the other end stays
    # present, thinly, as it is on any real venue.
    high = rng.random() < 0.5
    favoured = (7, 8, 9) if high else (0, 1, 2)
    weights = tuple(
        w * (10.0 if i in favoured else 0.3) for i, w in enumerate(PRIOR_LEVERAGE_WEIGHTS)
    )
    return PopulationMix(
        leverage_weights=weights,
        cross_share=rng.choice((rng.uniform(0.03, 0.15), rng.uniform(0.88, 0.98))),
        spread_scale=rng.choice((rng.uniform(0.2, 0.4), rng.uniform(2.5, 4.0))),
        mean_age_hours=rng.choice((rng.uniform(1.5, 5.0), rng.uniform(80.0, 200.0))),
        size_sigma=rng.choice((0.4, 2.0)),
        long_share_shift=rng.choice((-1.0, 1.0)) * rng.uniform(0.15, 0.25),
        wild=True,
    )
