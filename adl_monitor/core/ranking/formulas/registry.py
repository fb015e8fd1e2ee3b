"""Each formula family by name, and the lookups that find a venue's family in its record
(`core/venues/table.py`; docs/venues.md "Ranking formulas").

Gate and Bybit publish no exact formula: the classic one stands in for both and calibration
against their own indicator absorbs the difference. Unknown venues get the classic formula
too — it is the one most venues use.
"""

from __future__ import annotations

from collections.abc import Callable

# A module reference, read at call time: the venue table imports this package's formulas.
from adl_monitor.core import venues
from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.position import Position
from adl_monitor.core.ranking.formulas import binance, bitget, classic, htx, hyperliquid

Formula = Callable[[Position, AccountFigures | None], Score]

FORMULAS: dict[str, Formula] = {
    classic.NAME: classic.score_classic,
    binance.NAME: binance.score_binance,
    htx.NAME: htx.score_htx,
    bitget.NAME: bitget.score_bitget,
    hyperliquid.NAME: hyperliquid.score_hyperliquid,
}
"""Every formula family by the name a venue record gives in `formula`."""


def formula_name(exchange: str) -> str:
    """The name of the formula family the venue ranks with ("classic", "binance", …)."""
    venue = venues.find(exchange)
    return venue.formula if venue is not None else classic.NAME


def formula_for(exchange: str) -> Formula:
    """The venue's own formula, for a caller that scores every position of one account."""
    return FORMULAS[formula_name(exchange)]


def score_position(exchange: str, position: Position, figures: AccountFigures | None) -> Score:
    """The position's ranking score by its venue's own formula, with the inputs it used."""
    return formula_for(exchange)(position, figures)


def queues_losers(exchange: str) -> bool:
    """Whether the venue ranks losing positions in its ADL queue (behind the profitable ones)
    or leaves them out of it (Hyperliquid)."""
    venue = venues.find(exchange)
    return venue is None or not venue.profitable_only


LOSERS_TIED = frozenset({binance.NAME})
"""Formula families that score every losing position alike (Binance: 0, "no profit, no rank").
Tied, the losers sit together at the back of the queue (`core.ranking.queue.queue_tiers`): a
loser there is in tier 1 however many others lose."""


def loser_at_back(exchange: str, score: Score) -> bool:
    """Whether the score is a loser's on a venue whose formula ties every loser at the back of
    the queue (tier 1), where no cut point can put it anywhere else."""
    return not score.profitable and formula_name(exchange) in LOSERS_TIED


def in_queue(exchange: str, score: Score) -> bool:
    """Whether a position with this score is in its venue's ADL queue at all."""
    return score.profitable or queues_losers(exchange)
