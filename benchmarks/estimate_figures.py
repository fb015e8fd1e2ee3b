"""The estimate's accuracy as the four figures the JSON results carry.

benchmarks/estimate_accuracy.py owns the measurement; this only reads its answer. If that
module offers `figures()` (a dict with `exact`, `within_one`, `worst_seed_exact`,
`no_venue_tier_exact`), it is used as is; otherwise the figures are computed from `measure()`
one seed at a time. `within_one` needs a count `Tally` does not keep: None until it does.
"""

from __future__ import annotations

import inspect
from typing import Any

from benchmarks import estimate_accuracy as accuracy

ALL_VENUES = (*accuracy.INDICATOR_VENUES, "hyperliquid")


def _share(tally: Any) -> float | None:
    return tally.exact / tally.n if tally.n else None


async def figures() -> dict[str, Any]:
    offered = getattr(accuracy, "figures", None)
    if callable(offered):
        answer = offered()
        return dict(await answer if inspect.isawaitable(answer) else answer)
    total = accuracy.Results()
    per_seed: list[float] = []
    for seed in accuracy.SEEDS:
        results = await accuracy.measure(seeds=[seed])
        share = _share(results.group(ALL_VENUES))
        if share is not None:
            per_seed.append(share)
        for venue, tally in results.by_venue.items():
            total.venue(venue, False).merge(tally)
    whole = total.group(ALL_VENUES)
    return {
        "exact": _share(whole),
        "within_one": None,
        "in_range": whole.in_range / whole.n if whole.n else None,
        "worst_seed_exact": min(per_seed, default=None),
        "no_venue_tier_exact": _share(total.group(("hyperliquid",))),
        "seeds": len(per_seed),
    }
