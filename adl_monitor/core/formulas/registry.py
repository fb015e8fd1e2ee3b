"""Which ranking formula each venue uses (docs/venues.md, "Ranking formulas").

Gate and Bybit publish no exact formula: the classic one stands in for both and calibration
against their own indicator absorbs the difference (`APPROXIMATE`). Unknown venues get the
classic formula too — it is the one most venues use.
"""

from __future__ import annotations

from collections.abc import Callable

from adl_monitor.core.account import AccountFigures
from adl_monitor.core.estimate import Score
from adl_monitor.core.formulas import binance, bitget, classic, htx, hyperliquid
from adl_monitor.core.position import Position

Formula = Callable[[Position, AccountFigures | None], Score]

_BY_NAME: dict[str, Formula] = {
    classic.NAME: classic.score_classic,
    binance.NAME: binance.score_binance,
    htx.NAME: htx.score_htx,
    bitget.NAME: bitget.score_bitget,
    hyperliquid.NAME: hyperliquid.score_hyperliquid,
}

_VENUE_FORMULA: dict[str, str] = {
    "binanceusdm": binance.NAME,
    "binancecoinm": binance.NAME,
    "htx": htx.NAME,
    "bitget": bitget.NAME,
    "hyperliquid": hyperliquid.NAME,
    "okx": classic.NAME,
    "kucoinfutures": classic.NAME,
    "bybit": classic.NAME,
    "gate": classic.NAME,
    "phemex": classic.NAME,
    "bitmex": classic.NAME,
}

PROFITABLE_ONLY: frozenset[str] = frozenset({hyperliquid.NAME})
"""Formula families whose venue queues only profitable positions (Hyperliquid's docs: "among
the users on the profitable side"); everywhere else losers sit in the queue behind them."""

APPROXIMATE: dict[str, str] = {
    "gate": "Gate publishes no exact formula; the classic one is an approximation",
    "bybit": "Bybit publishes no exact formula; the classic one is an approximation",
}


def formula_name(exchange: str) -> str:
    """The name of the formula family the venue ranks with ("classic", "binance", …)."""
    return _VENUE_FORMULA.get(exchange, classic.NAME)


def score_position(exchange: str, position: Position, figures: AccountFigures | None) -> Score:
    """The position's ranking score by its venue's own formula, with the inputs it used."""
    return _BY_NAME[formula_name(exchange)](position, figures)


def queues_losers(exchange: str) -> bool:
    """Whether the venue ranks losing positions in its ADL queue (behind the profitable ones)
    or leaves them out of it (Hyperliquid)."""
    return formula_name(exchange) not in PROFITABLE_ONLY


def in_queue(exchange: str, score: Score) -> bool:
    """Whether a position with this score is in its venue's ADL queue at all."""
    return score.profitable or queues_losers(exchange)
