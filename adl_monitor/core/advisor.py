"""The what-if advisor: what would move a position at orange or red back to a safer tier.

Every candidate action is applied to a copy of the position (and its account figures) and
re-scored with the venue's own formula (`core.formulas.score_position`), because what helps
depends on the formula (VENUES.md):

* a partial close leaves the classic score of an **isolated** position unchanged (its margin and
  PnL leave with the size), so re-scoring finds no partial close that helps and none is offered;
  in **cross** the score falls with the notional;
* under **Binance's** account-level score a partial close realises profit into the wallet
  balance and lowers PnL %: offered as `realize_profit`;
* adding margin raises an isolated position's margin or a cross account's wallet, lowering the
  effective leverage (or Binance's PnL % and margin ratio).

The amount is found by bisection (the score falls monotonically with each action), then rounded
*up* — contracts to the venue's step (or to whole contracts / three significant digits when the
step is unknown), margin to three significant digits of the settlement currency — and checked
again. When no partial step reaches the target, the advice is to close.

The target is the estimator's cut point for the tier above the target, in the position's own
queue (symbol, side) when the caller names it. When the venue says the
position is at a higher tier than our estimate gives it (calibration still catching up), the
score is instead lowered by the ratio between the target's cut point and the cut point above
the current tier: the same relative step back in the queue, assuming the worst place in it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from adl_monitor.core.account import AccountFigures
from adl_monitor.core.advice import Action, ActionKind, Advice
from adl_monitor.core.estimate import Score
from adl_monitor.core.estimator import Queue, RankEstimator
from adl_monitor.core.formulas import formula_name, score_position
from adl_monitor.core.levels import MAX_TIER, level_for_tier
from adl_monitor.core.position import MarginMode, Position
from adl_monitor.core.venue_names import base_asset

ADVISE_FROM_TIER = 4
"""Orange and red positions get advice."""
MAX_PARTIAL_FRACTION = 0.99
"""A "partial" close of more than this is a close."""
MAX_MARGIN_MULTIPLE = 10.0
"""Adding more margin than ten times the position's notional is not a sensible suggestion."""
MARGIN_DIGITS = 3
_BISECTION_STEPS = 60
_ROUNDING_RETRIES = 20
_BINANCE_FAMILY = "binance"


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
    queue: Queue | None = None,
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
    required = _required_score(estimator, exchange, queue, score, current_tier, target_tier)
    if required is None:
        return None

    def reaches(candidate: Score) -> bool:
        return not candidate.profitable or candidate.value < required

    step = contract_step if contract_step and contract_step > 0 else _default_step(position)
    candidates = [
        c
        for c in (
            _add_margin(exchange, position, figures, reaches, target_tier),
            _partial_close(exchange, position, figures, reaches, step, target_tier),
        )
        if c is not None
    ]
    drop = f"to drop from {_level_word(current_tier)} to {_level_word(target_tier)}"
    if candidates:
        text = " or ".join(c.phrase for c in candidates)
        return Advice(f"{text[0].upper()}{text[1:]} {drop}.", tuple(c.action for c in candidates))
    quantity, unit = _quantity(position, abs(position.contracts))
    decimals = _decimals_for(step * _quantity_per_contract(position))
    action = Action(ActionKind.CLOSE, quantity, unit, 0)
    return Advice(
        f"Close the whole position ({_fmt(quantity, decimals)} {unit}): no partial step is "
        f"enough {drop}.",
        (action,),
    )


# ---- the target -------------------------------------------------------------------------


def _required_score(
    estimator: RankEstimator,
    exchange: str,
    queue: Queue | None,
    score: Score,
    current_tier: int,
    target_tier: int,
) -> float | None:
    """The score the position must fall below, or None when the model cannot tell."""
    if not score.profitable or not math.isfinite(score.value):
        return None
    limit = estimator.tier_start(exchange, min(target_tier + 1, MAX_TIER), queue=queue)
    if score.value >= limit:
        return limit
    # The venue puts the position higher than our cut points do. Assume the worst, that it sits
    # at the top of its tier (or, at red, at the start of red: there is no top), and take the
    # same relative step back: from the next tier's cut point down to the target's.
    start = estimator.tier_start(exchange, min(current_tier + 1, MAX_TIER), queue=queue)
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
    amount = _round_up(fraction * contracts, step)
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

    ceiling = MAX_MARGIN_MULTIPLE * max(abs(position.notional), 1e-12)
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
