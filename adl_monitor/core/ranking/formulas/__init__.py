"""Venue ranking formulas: the score each venue sorts its ADL queue by (docs/venues.md).

`score_position` computes a position's score with its venue's own formula and records every
input it used, so the user can see what the local estimate rests on. Sort scores with
`rank_key`: profitable positions always rank ahead of losing ones.
"""

from __future__ import annotations

from adl_monitor.core.ranking.formulas.binance import binance_ranking
from adl_monitor.core.ranking.formulas.bitget import bitget_ranking
from adl_monitor.core.ranking.formulas.bitmex import (
    bitmex_effective_leverage,
    bitmex_pnl_fraction,
    bitmex_ranking,
)
from adl_monitor.core.ranking.formulas.classic import classic_ranking
from adl_monitor.core.ranking.formulas.htx import htx_ranking
from adl_monitor.core.ranking.formulas.hyperliquid import hyperliquid_ranking
from adl_monitor.core.ranking.formulas.inputs import (
    effective_leverage,
    effective_margin,
    notional_at_mark,
    pnl_fraction,
)
from adl_monitor.core.ranking.formulas.ranking import describe, rank_key
from adl_monitor.core.ranking.formulas.registry import (
    FORMULAS,
    formula_for,
    formula_name,
    in_queue,
    loser_at_back,
    queues_losers,
    score_position,
)

__all__ = [
    "FORMULAS",
    "binance_ranking",
    "bitget_ranking",
    "bitmex_effective_leverage",
    "bitmex_pnl_fraction",
    "bitmex_ranking",
    "classic_ranking",
    "describe",
    "effective_leverage",
    "effective_margin",
    "formula_for",
    "formula_name",
    "htx_ranking",
    "hyperliquid_ranking",
    "in_queue",
    "loser_at_back",
    "notional_at_mark",
    "pnl_fraction",
    "queues_losers",
    "rank_key",
    "score_position",
]
