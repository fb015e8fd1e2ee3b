"""The venue's own view of its ADL queue: every position scored with the venue's formula.

The simulator does not invent a ranking: it hands each book position, as a core `Position`,
to `core.ranking.formulas.score_position` — the same formula the app's local estimate uses — and
turns the scores into queue percentiles (100 = front) with `core.ranking.queue`.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.position import Position
from adl_monitor.core.ranking.formulas import queues_losers, rank_key, score_position
from adl_monitor.core.ranking.queue import queue_percentiles
from adl_monitor.sim.book_position import BookPosition
from adl_monitor.sim.instruments import BY_BASE


def settle_currency(exchange: str) -> str:
    return "USDC" if exchange == "hyperliquid" else "USDT"


def account_figures(
    exchange: str, position: BookPosition, marks: dict[str, float]
) -> AccountFigures:
    """The account-wide numbers of the position's owner at the given marks."""
    account = position.account
    upnl = 0.0
    maintenance = 0.0
    initial = 0.0
    for held in account.positions:
        if held.closed:
            continue
        mark = marks[held.base]
        upnl += held.upnl(mark)
        maintenance += held.mmr * held.size * mark
        initial += held.initial_margin(mark)
    return AccountFigures(
        currency=settle_currency(exchange),
        wallet_balance=account.wallet,
        equity=account.wallet + upnl,
        maintenance_margin=maintenance,
        initial_margin=initial,
    )


def core_position(exchange: str, position: BookPosition, mark: float) -> Position:
    """The book position as the app would read it from the venue."""
    instrument = BY_BASE[position.base]
    return Position(
        account=position.account.name,
        exchange=exchange,
        symbol=instrument.symbol(exchange),
        side=position.side,
        contracts=position.size,
        contract_size=1.0,
        entry_price=position.entry,
        mark_price=mark,
        notional=position.size * mark,
        unrealized_pnl=position.upnl(mark),
        margin_mode=position.margin_mode,
        leverage=position.leverage,
        margin=position.initial_margin(mark),
        maintenance_margin=position.mmr * position.size * mark,
        liquidation_price=position.liquidation_price,
        settle=settle_currency(exchange),
    )


def score_queue(
    exchange: str, positions: Sequence[BookPosition], marks: dict[str, float]
) -> list[Score]:
    """The venue's score of every position, in the given order."""
    scores = []
    for held in positions:
        mark = marks[held.base]
        figures = account_figures(exchange, held, marks)
        scores.append(score_position(exchange, core_position(exchange, held, mark), figures))
    return scores


def rank_queue(
    exchange: str, positions: Sequence[BookPosition], marks: dict[str, float]
) -> tuple[list[Score], list[float]]:
    """Scores and queue percentiles (100 = front, deleveraged first) of one side of one symbol."""
    scores = score_queue(exchange, positions, marks)
    if queues_losers(exchange):
        return scores, venue_percentiles(scores)
    # Hyperliquid ranks only the profitable side; a loser is not in the queue (percentile 0).
    profitable = [score for score in scores if score.profitable]
    ranked = iter(venue_percentiles(profitable))
    return scores, [next(ranked) if score.profitable else 0.0 for score in scores]


def venue_percentiles(scores: Sequence[Score]) -> list[float]:
    """`core.ranking.queue.queue_percentiles`, except that tied *losing* scores sit at the back of
    their group.

    The core rule lets ties share the front-most place (an early warning is cheap), but a venue
    deleverages profitable positions: when Binance scores every loser 0, a whole side of losers
    would otherwise read as the front of the queue. The venue's own answer puts them last.
    """
    shared_front = queue_percentiles(scores)
    keys = sorted(rank_key(score) for score in scores)
    total = len(keys)
    return [
        pct if score.profitable else 100.0 * (bisect.bisect_left(keys, rank_key(score)) + 1) / total
        for score, pct in zip(scores, shared_front, strict=True)
    ]
