"""One account's reading turned into `PositionRisk` rows: the pipeline step the engine calls.

For each position: the venue's ranking score (with the account figures of its settlement
currency), the exchange tier when the venue gave one, the local estimate, advice at orange/red,
PnL %, effective leverage, staleness and the ADL-hit flag. The estimator is fed and asked per
queue — (symbol, side), the queue the venue ranks the position in — so each contract's longs
and shorts are calibrated on their own once they have readings.

A row is stale when the reading is older than `stale_after` seconds — or when the venue's ADL
indicator itself is (Binance refreshes it every 30 s, apart from the positions): a tier that old
must not be shown as current. Only fresh, known exchange tiers calibrate the estimator, and
each one anchors its position's estimate: a venue tier read for the score the position still
has is the estimate (the two never contradict each other), and until the venue's next tier the
estimate follows the score from it (`RankEstimator.estimate`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from adl_monitor.core.advice.what_if import advise
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.core.model.adl_indicator import AdlIndicator
from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.position import Position
from adl_monitor.core.model.snapshot import PositionRisk
from adl_monitor.core.ranking.formulas import effective_leverage, formula_for, pnl_fraction
from adl_monitor.core.ranking.formulas.registry import Formula

ADVISED_LEVELS = frozenset({Level.ORANGE, Level.RED})


def assess(
    reading: AccountReading,
    spec: AccountSpec,
    estimator: RankEstimator,
    *,
    now: datetime,
    stale_after: float,
) -> tuple[PositionRisk, ...]:
    """Score, estimate and advise every position of one account's reading."""
    reading_stale = _older_than(reading.fetched_at, now, stale_after)
    formula = formula_for(spec.exchange)  # looked up once, not once per position
    return tuple(
        _assess_position(
            position, reading, spec, estimator, now, stale_after, reading_stale, formula
        )
        for position in reading.positions
    )


def sort_riskiest_first(risks: Iterable[PositionRisk]) -> list[PositionRisk]:
    """Worst level first; then the higher tier, the higher score; then a stable name order."""
    return sorted(risks, key=_risk_order)


def _assess_position(
    position: Position,
    reading: AccountReading,
    spec: AccountSpec,
    estimator: RankEstimator,
    now: datetime,
    stale_after: float,
    reading_stale: bool,
    formula: Formula,
) -> PositionRisk:
    exchange = spec.exchange
    figures = reading.figures.get(position.settle)
    score = formula(position, figures)
    key = position.queue_key
    adl = reading.adl.get(key)
    adl_stale = adl is not None and adl.known and _older_than(adl.updated_at, now, stale_after)
    stale = reading_stale or adl_stale
    source = (spec.name, *key)  # account, symbol, side: the position's identity
    if adl is not None and adl.tier is not None and not stale:
        estimator.observe(exchange, score, adl.tier, source=source, at=adl.updated_at, queue=key)
    # A position kept at size zero after ADL closed it (`carry_deleveraged`) is in no queue:
    # no estimate, so it no longer counts as a risk.
    closed = position.contracts == 0
    market = reading.markets.get(position.symbol)
    if market is not None and position.mark_price > 0:
        market = replace(market, mark=position.mark_price)  # the figures are minutes old
    estimate = (
        None
        if closed
        else estimator.estimate(exchange, score, queue=key, source=source, at=now, market=market)
    )
    risk = PositionRisk(
        position=position,
        exchange_adl=adl,
        estimate=estimate,
        fetched_at=reading.fetched_at,
        effective_leverage=effective_leverage(position, figures),
        pnl_pct=pnl_fraction(position),
        stale=stale,
        adl_hit=key in reading.adl_hits,
        adl_evidence=reading.adl_evidence.get(key),
        closed_unconfirmed=key in reading.unconfirmed_closes and key not in reading.adl_hits,
    )
    if risk.level not in ADVISED_LEVELS:
        return risk
    current_tier = _known_tier(adl, estimate.tier if estimate is not None else 0)
    advice = advise(exchange, position, figures, estimator, current_tier, queue=key)
    return replace(risk, advice=advice)


def _known_tier(adl: AdlIndicator | None, estimated: int) -> int:
    if adl is not None and adl.tier is not None:
        return adl.tier
    return estimated


def _older_than(at: datetime, now: datetime, seconds: float) -> bool:
    return (now - at).total_seconds() > seconds


def _risk_order(risk: PositionRisk) -> tuple[int, int, float, str, str, str]:
    estimate = risk.estimate
    tier = _known_tier(risk.exchange_adl, estimate.tier if estimate else 0)
    score = estimate.score if estimate else float("-inf")
    position = risk.position  # `risk.key`'s parts, without building the key
    return (-int(risk.level), -tier, -score, position.account, position.symbol, position.side.value)
