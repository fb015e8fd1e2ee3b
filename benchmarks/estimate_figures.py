"""The estimate's accuracy as the figures the JSON results carry (`estimate.*`).

benchmarks/estimate_accuracy.py owns the measurement (10 seeded populations, the venue's true
tier, ADL hits and the alerts before them); this only hands its answer to the JSON document.
"""

from __future__ import annotations

from typing import Any

from benchmarks import estimate_accuracy as accuracy


async def figures() -> dict[str, Any]:
    """`exact`, `within_one`, `worst_seed_exact`, `no_venue_tier_exact`, and the breakdowns."""
    return await accuracy.estimate_figures()
