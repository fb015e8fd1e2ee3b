"""The estimate's accuracy as the figures the JSON results carry (`estimate.*`).

benchmarks/estimate_accuracy.py owns the measurement (10 seeded populations, the venue's true
tier, ADL hits and the alerts before them); this only hands its answer to the JSON document.
"""

from __future__ import annotations

from typing import Any

from benchmarks import estimate_accuracy as accuracy

QUICK_SEEDS = (2,)
"""`--quick`: one population, a wild one (`sim/population_mix.is_wild`: drawn outside the ranges
the prior was built on, the harder case). A seed is four runs (its scenarios, step by step),
about 2–2.5 min of CPU on the benchmark's book of 750 traders a side, played by one worker
process per core (`estimate_accuracy.measure`); `--quick` keeps to one so its figures compare
with earlier quick runs. The full run plays ten, and the JSON's `seeds` says which were
played."""


async def figures(quick: bool = False) -> dict[str, Any]:
    """`exact`, `within_one`, `worst_seed_exact`, `no_venue_tier_exact`, and the breakdowns."""
    if quick:
        return await accuracy.estimate_figures(QUICK_SEEDS)
    return await accuracy.estimate_figures()
