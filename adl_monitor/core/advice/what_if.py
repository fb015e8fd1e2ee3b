"""The what-if advisor: what would move a position at orange or red back to a safer tier.

Every candidate action is applied to a copy of the position (and its account figures) and
re-scored with the venue's own formula (`core.ranking.formulas.score_position`), because what helps
depends on the formula (docs/venues.md):

* a partial close leaves the classic score of an **isolated** position unchanged (its margin and
  PnL leave with the size), so re-scoring finds no partial close that helps and none is offered;
  in **cross** the score falls with the notional;
* under **Binance's** account-level score a partial close realises profit into the wallet
  balance and lowers PnL %: offered as `realize_profit`;
* adding margin raises an isolated position's margin or a cross account's wallet, lowering the
  effective leverage (or Binance's PnL % and margin ratio).

The amount is found by bisection (the score falls monotonically with each action), then rounded
*up* — contracts to the venue's order-size step and never below its minimum order (the market's
`precision.amount` and `limits.amount.min`, carried on the `Position`; whole contracts / three
significant digits when the market did not say), margin to three significant digits of the
settlement currency — and checked again, so the rounded step still reaches the target.

Margin is never proposed beyond the position's own notional: past that a trader should reduce or
take profit, and the advice says so. When no partial step reaches the target, the advice is to
close the whole position, with the reason in plain words — what the venue ranks it by (at low
leverage: its profit alone) and what a partial close and margin do to its score, tried under
the venue's formula (unchanged, raised, or not lowered enough within the position's worth). At
`LOW_LEVERAGE` or below it is not told to close: practically unlevered, an ADL would do no more
than close it, so the advice says that plainly and names no action.

The advice is a function of the position, its account figures, the tier the venue reports and
cut points every path shares — nothing else — so `snapshot`, `watch` and the GUI say the same
thing (`_cut_points`):

* once the position's queue, or else its venue, is calibrated (`MIN_QUEUE_READINGS` /
  `MIN_READINGS` readings in the estimator, the calibration the engine saves and every command
  loads), its calibrated cut points;
* before that, the prior centred on the position's own market move
  (`RankEstimator.prior_thresholds`), never the few-readings market fit: that fit leans on
  whichever readings this run happened to see first (a one-shot snapshot one, a watch three, of
  other queues too), so sizing on it made one position get "add margin" in `watch` and "close
  it all" in `snapshot`. The advice then opens by saying it is a first guide, as it does on a
  venue that publishes no tiers (whose cut points, from its public market data or the reference
  book, rest on no readings either).

The venue tier anchors the *estimate* (`RankEstimator.estimate`); it never moves these cut
points. The target is the cut point for the tier above the target. When the venue says the
position is at a higher tier than those cut points give it, the score is instead lowered by the
ratio between the target's cut point and the cut point above the current tier: the same
relative step back in the queue, assuming the worst place in it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from adl_monitor.core.advice.suggestion import Action, ActionKind, Advice
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.levels import MAX_TIER, level_for_tier
from adl_monitor.core.model.position import MarginMode, Position, QueueKey
from adl_monitor.core.ranking.formulas import (
    describe,
    effective_leverage,
    formula_name,
    pnl_fraction,
    score_position,
)
from adl_monitor.core.ranking.scales import has_indicator
from adl_monitor.core.venues.display_names import base_asset, venue_display_name

ADVISE_FROM_TIER = 4
"""Orange and red positions get advice."""
MAX_PARTIAL_FRACTION = 0.99
"""A "partial" close of more than this is a close."""
MAX_MARGIN_MULTIPLE = 1.0
"""Adding more margin than the position is worth (its notional) is never suggested."""
LOW_LEVERAGE = 1.0
"""At or below this effective leverage a position's place comes from its profit alone, and it
is never told to close: an ADL would do no more than that."""
MARGIN_DIGITS = 3
_BISECTION_STEPS = 60
_ROUNDING_RETRIES = 20
_BINANCE_FAMILY = "binance"
_CLASSIC_FAMILY = "classic"


@dataclass(frozen=True, slots=True)
class _Candidate:
    action: Action
    phrase: str


def advise(
    exchange: str,
    position: Position,
    figures: AccountFigures | None,
    estimator: RankEstimator,
    current_tier: int,
    target_tier: int = 3,
    *,
    contract_step: float | None = None,
    queue: QueueKey | None = None,
) -> Advice | None:
    """Concrete actions that bring a position at tier ≥ 4 down to `target_tier` or lower.

    None when the position is below orange, the target is not below the current tier, or the
    formula gives nothing to act on (a losing position, or an estimate that cannot tell).
    `queue` (symbol, side) takes the cut points of the position's own queue on the venue.
    """
    if current_tier < ADVISE_FROM_TIER or not 1 <= target_tier < current_tier:
        return None
    if position.contracts == 0:
        return None
    score = score_position(exchange, position, figures)
    starts, guide = _cut_points(estimator, exchange, queue, score)
    required = _required_score(starts, score, current_tier, target_tier)
    if required is None:
        return None

    def reaches(candidate: Score) -> bool:
        return not candidate.profitable or candidate.value < required

    drop = f"to drop from {_level_word(current_tier)} to {_level_word(target_tier)}"
    if position.margin_mode is MarginMode.CROSS and figures is None:
        # A cross position's score rests on the account's balance: without it neither a
        # partial close nor margin can be sized, and "close it all" would be a false verdict.
        text = (
            f"Reduce the position or add margin {drop}: the account's balance was not read, "
            "so neither can be sized yet."
        )
        return Advice(_sentence(guide, text))
    step = _order_step(position, contract_step)
    margin = _add_margin(exchange, position, figures, reaches, target_tier)
    partial = _partial_close(exchange, position, figures, reaches, step, target_tier)
    candidates = [c for c in (margin, partial) if c is not None]
    if candidates:
        text = " or ".join(c.phrase for c in candidates)
        text = f"{text} {drop}"
        if margin is None:
            text += f"; {_margin_words(exchange, position, figures, score)}"
        return Advice(_sentence(guide, text + "."), tuple(c.action for c in candidates))
    quantity, unit = _quantity(position, abs(position.contracts))
    whole = f"{_fmt(quantity, _decimals_for(step * _quantity_per_contract(position)))} {unit}"
    if required <= 0:
        why = _whole_side_reason(position, target_tier)
    else:
        why = _why_only_closing(exchange, position, figures, score)
    if _low_leverage(position, figures):
        # Practically unlevered: an ADL only closes it at the venue's price, as closing would,
        # so the trader is told the truth, not told to close it.
        text = (
            f"Nothing short of closing the whole position ({whole}) is enough {drop}, so keep "
            f"it or take its profit. {why}. At this leverage an ADL would do no more than close "
            "it and take that profit, as closing it would."
        )
        return Advice(_sentence(guide, text))
    text = (
        f"Close the whole position ({whole}) to take its profit. "
        f"{why}: nothing short of closing is enough {drop}."
    )
    return Advice(_sentence(guide, text), (Action(ActionKind.CLOSE, quantity, unit, 0),))


def _sentence(guide: str, text: str) -> str:
    """The advice as one sentence, after the first-guide note when there is one."""
    if not guide:
        return f"{text[0].upper()}{text[1:]}"
    return f"{guide}: {text[0].lower()}{text[1:]}"


def _cut_points(
    estimator: RankEstimator, exchange: str, queue: QueueKey | None, score: Score
) -> tuple[list[float], str]:
    """The tier starts the advice is sized on (index 0 is tier 1), and why they are a first
    guide ("" once calibrated): the same for every path that asks (see the module docstring).
    """
    name = venue_display_name(exchange)
    if not has_indicator(exchange):
        # No tiers, so no readings: the queue's cut points come from its public market data,
        # else from the reference book centred on this position's own move (placed first).
        estimator.tier_for(exchange, score, queue=queue)
        starts = estimator.thresholds(exchange, queue=queue)
        return starts, f"A first guide ({name} publishes no tiers to calibrate on)"
    if queue is not None and estimator.calibrated(exchange, queue=queue):
        return estimator.thresholds(exchange, queue=queue), ""
    if estimator.calibrated(exchange):
        return estimator.thresholds(exchange), ""
    starts = estimator.prior_thresholds(exchange, score)
    return starts, f"A first guide ({name}'s tiers not yet calibrated)"


def _whole_side_reason(position: Position, target_tier: int) -> str:
    """Why: the cut points put every profitable position of the side above the target."""
    side = f"{base_asset(position.symbol)} {position.side.value}"
    above = _level_word(min(target_tier + 1, MAX_TIER))
    return (
        f"Most {side}s are losing, so every profitable one ranks {above} or above however "
        "small its profit"
    )


def _why_only_closing(
    exchange: str, position: Position, figures: AccountFigures | None, score: Score
) -> str:
    """What the venue ranks the position by, and why no partial step or margin moves it:
    what each one does to the score under the venue's formula, tried, not assumed."""
    venue = venue_display_name(exchange)
    profit = f"PnL {_percent(pnl_fraction(position))}"
    leverage = effective_leverage(position, figures)
    classic = formula_name(exchange) == _CLASSIC_FAMILY
    if classic and leverage is not None and leverage <= LOW_LEVERAGE:
        rank = (
            f"At {_fmt(leverage, 2)}× effective leverage its place comes from its profit "
            f"({profit}), which only closing gives up"
        )
    elif classic and leverage is not None:
        rank = (
            f"{venue} ranks it by its profit ({profit}) times its effective leverage "
            f"({_fmt(leverage, _sig_decimals(leverage))}×)"
        )
    else:
        rank = f"{venue} ranks it by {describe(score)}"
    kept, freed = _closed_part(position, figures, 0.5)
    halved = score_position(exchange, kept, freed).value
    if math.isclose(halved, score.value, rel_tol=1e-9):
        partial = "a partial close leaves its score as it is"
        if position.margin_mode is MarginMode.ISOLATED:
            partial += " (an isolated position's margin and profit leave with the size)"
    elif halved > score.value:
        partial = "a partial close raises its score"
    else:
        partial = "even closing 99 % of it would leave it in front of the cut"
    return f"{rank}; {partial}; {_margin_words(exchange, position, figures, score)}"


def _margin_words(
    exchange: str, position: Position, figures: AccountFigures | None, score: Score
) -> str:
    """Why adding margin is not offered: unknown, no help under the formula, or more than the
    position is worth."""
    if not _margin_can_move(position, figures):
        return "its margin and the account's balance are unknown, so margin cannot be sized"
    topped, funded = _with_margin(position, figures, MAX_MARGIN_MULTIPLE * abs(position.notional))
    after = score_position(exchange, topped, funded).value
    if math.isclose(after, score.value, rel_tol=1e-9):
        return "adding margin leaves its score as it is"
    if after > score.value:
        return "adding margin raises its score"
    return f"adding margin would take more than the position is worth ({_worth(position)})"


def _margin_can_move(position: Position, figures: AccountFigures | None) -> bool:
    """Whether adding margin is something the formula can see: a known isolated margin (or
    leverage to derive it from), or the account's figures."""
    if figures is not None:
        return True
    isolated = position.margin_mode is MarginMode.ISOLATED
    return isolated and (position.margin is not None or bool(position.leverage))


def _low_leverage(position: Position, figures: AccountFigures | None) -> bool:
    leverage = effective_leverage(position, figures)
    return leverage is not None and leverage <= LOW_LEVERAGE


def _percent(fraction: float) -> str:
    value = 100 * fraction
    return f"{'+' if value > 0 else ''}{_fmt(value, _sig_decimals(abs(value)))} %"


def _worth(position: Position) -> str:
    notional = abs(position.notional)
    return f"{_fmt(notional, _sig_decimals(notional))} {position.settle}"


# ---- the target -------------------------------------------------------------------------


def _required_score(
    starts: list[float], score: Score, current_tier: int, target_tier: int
) -> float | None:
    """The score the position must fall below, or None when the model cannot tell."""
    if not score.profitable or not math.isfinite(score.value):
        return None
    limit = starts[min(target_tier + 1, MAX_TIER) - 1]
    if score.value >= limit:
        return limit
    # The venue puts the position higher than our cut points do. Assume the worst, that it sits
    # at the top of its tier (or, at red, at the start of red: there is no top), and take the
    # same relative step back: from the next tier's cut point down to the target's.
    start = starts[min(current_tier + 1, MAX_TIER) - 1]
    if not (math.isfinite(start) and math.isfinite(limit) and start > 0 and limit > 0):
        return None
    required = score.value * limit / start
    return required if required < score.value else None


# ---- candidate actions ------------------------------------------------------------------


def _partial_close(
    exchange: str,
    position: Position,
    figures: AccountFigures | None,
    reaches: Callable[[Score], bool],
    step: float,
    target_tier: int,
) -> _Candidate | None:
    def rescore(fraction: float) -> Score:
        kept, freed = _closed_part(position, figures, fraction)
        return score_position(exchange, kept, freed)

    fraction = _smallest(lambda f: reaches(rescore(f)), 0.0, MAX_PARTIAL_FRACTION)
    if fraction is None:
        return None
    contracts = abs(position.contracts)
    amount = max(_round_up(fraction * contracts, step), _minimum_order(position, step))
    for _ in range(_ROUNDING_RETRIES):
        if amount >= contracts or reaches(rescore(amount / contracts)):
            break
        amount = _round_up(amount + step, step)
    if amount >= contracts or not reaches(rescore(amount / contracts)):
        return None
    quantity, unit = _quantity(position, amount)
    shown = _fmt(quantity, _decimals_for(step * _quantity_per_contract(position)))
    percent = f"{max(1, round(100 * amount / contracts))} %"
    if formula_name(exchange) == _BINANCE_FAMILY and position.unrealized_pnl > 0:
        profit = position.unrealized_pnl * amount / contracts
        phrase = (
            f"realise {_fmt(profit, _sig_decimals(profit))} {position.settle} of profit "
            f"by closing {shown} {unit} ({percent})"
        )
        return _Candidate(Action(ActionKind.REALIZE_PROFIT, quantity, unit, target_tier), phrase)
    phrase = f"close {shown} {unit} ({percent})"
    return _Candidate(Action(ActionKind.REDUCE, quantity, unit, target_tier), phrase)


def _add_margin(
    exchange: str,
    position: Position,
    figures: AccountFigures | None,
    reaches: Callable[[Score], bool],
    target_tier: int,
) -> _Candidate | None:
    def rescore(amount: float) -> Score:
        topped, funded = _with_margin(position, figures, amount)
        return score_position(exchange, topped, funded)

    ceiling = MAX_MARGIN_MULTIPLE * abs(position.notional)
    if not ceiling > 0:
        return None
    amount = _smallest(lambda y: reaches(rescore(y)), 0.0, ceiling)
    if amount is None:
        return None
    amount = _round_up_significant(amount, MARGIN_DIGITS)
    for _ in range(_ROUNDING_RETRIES):
        if reaches(rescore(amount)):
            break
        amount = _round_up_significant(amount * 1.01, MARGIN_DIGITS)
    else:
        return None
    if amount > ceiling:
        return None
    phrase = f"add {_fmt(amount, _sig_decimals(amount))} {position.settle} margin"
    return _Candidate(Action(ActionKind.ADD_MARGIN, amount, position.settle, target_tier), phrase)


def _closed_part(
    position: Position, figures: AccountFigures | None, fraction: float
) -> tuple[Position, AccountFigures | None]:
    """The position after closing `fraction` of it at the mark, and the account after.

    The closed part's PnL is realised into the wallet (equity unchanged); its margin and
    maintenance margin leave the account's totals.
    """
    keep = 1.0 - fraction
    kept = replace(
        position,
        contracts=position.contracts * keep,
        notional=position.notional * keep,
        unrealized_pnl=position.unrealized_pnl * keep,
        margin=None if position.margin is None else position.margin * keep,
        maintenance_margin=(
            None if position.maintenance_margin is None else position.maintenance_margin * keep
        ),
    )
    if figures is None:
        return kept, None
    realised = position.unrealized_pnl * fraction
    return kept, replace(
        figures,
        wallet_balance=_plus(figures.wallet_balance, realised),
        maintenance_margin=_minus_share(
            figures.maintenance_margin, position.maintenance_margin, fraction
        ),
        initial_margin=_minus_share(figures.initial_margin, position.margin, fraction),
    )


def _with_margin(
    position: Position, figures: AccountFigures | None, amount: float
) -> tuple[Position, AccountFigures | None]:
    """Transfer `amount` into the futures wallet; in isolated mode assign it to the position."""
    topped = position
    if position.margin_mode is MarginMode.ISOLATED:
        margin = position.margin
        if margin is None and position.leverage:
            margin = position.entry_notional / position.leverage
        if margin is not None:
            topped = replace(position, margin=margin + amount)
    if figures is None:
        return topped, None
    return topped, replace(
        figures,
        wallet_balance=_plus(figures.wallet_balance, amount),
        equity=_plus(figures.equity, amount),
    )


# ---- numbers ----------------------------------------------------------------------------


def _smallest(ok: Callable[[float], bool], low: float, high: float) -> float | None:
    """The smallest x in (low, high] with ok(x), assuming ok is monotone; None if ok(high) fails."""
    if not ok(high):
        return None
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2
        if ok(middle):
            high = middle
        else:
            low = middle
    return high


def _order_step(position: Position, override: float | None) -> float:
    """The venue's order-size step in contracts: the caller's, else the market's, else a guess."""
    for step in (override, position.contract_step):
        if step is not None and math.isfinite(step) and step > 0:
            return step
    return _default_step(position)


def _minimum_order(position: Position, step: float) -> float:
    """The venue's smallest order, on the step grid; 0 when the market did not say."""
    minimum = position.min_contracts
    if minimum is None or not math.isfinite(minimum) or minimum <= 0:
        return 0.0
    return _round_up(minimum, step)


def _default_step(position: Position) -> float:
    """Whole contracts on contract-counted venues; else three significant digits of size."""
    contracts = abs(position.contracts)
    counted = position.inverse or position.contract_size != 1.0
    if counted and contracts >= 1 and float(contracts).is_integer():
        return 1.0
    return 10.0 ** (math.floor(math.log10(contracts)) - 2)


def _round_up(value: float, step: float) -> float:
    decimals = _decimals_for(step)
    return round(math.ceil(value / step - 1e-9) * step, decimals)


def _round_up_significant(value: float, digits: int) -> float:
    if value <= 0:
        return value
    exponent = math.floor(math.log10(value)) - digits + 1
    step = 10.0**exponent
    return round(math.ceil(value / step - 1e-9) * step, max(0, -exponent))


def _decimals_for(step: float) -> int:
    if step <= 0 or step >= 1:
        return 0
    return min(12, max(0, -math.floor(math.log10(step) + 1e-9)))


def _sig_decimals(value: float) -> int:
    if value <= 0:
        return 0
    return max(0, MARGIN_DIGITS - 1 - math.floor(math.log10(value)))


def _fmt(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _quantity_per_contract(position: Position) -> float:
    return position.contract_size if position.contract_size > 0 else 1.0


def _quantity(position: Position, contracts: float) -> tuple[float, str]:
    """Contracts as what a trader reads: base asset (linear) or contract currency (inverse)."""
    quantity = contracts * _quantity_per_contract(position)
    if position.inverse:
        quote = position.symbol.split("/", 1)[1].split(":", 1)[0] if "/" in position.symbol else ""
        return quantity, quote or "contracts"
    return quantity, base_asset(position.symbol)


def _plus(value: float | None, amount: float) -> float | None:
    return None if value is None else value + amount


def _minus_share(total: float | None, part: float | None, fraction: float) -> float | None:
    if total is None or part is None:
        return total
    return max(0.0, total - part * fraction)


def _level_word(tier: int) -> str:
    return level_for_tier(tier).label
