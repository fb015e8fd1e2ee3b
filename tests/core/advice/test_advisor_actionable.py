"""Advice a trader can act on: sizes the venue can trade, no margin beyond the position's
worth, and a reason when nothing short of closing helps.

Each action is carried out as the exchange would book it (`tests.core.advice.test_advisor`) and the
result re-scored with the venue's own formula, then placed with the *same* cut points the
advice was sized on.
"""

from __future__ import annotations

import bisect
import math
import random
import re
from dataclasses import replace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from adl_monitor.core.advice.suggestion import ActionKind
from adl_monitor.core.advice.what_if import advise
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.position import MarginMode, Position, Side
from adl_monitor.core.ranking.formulas import (
    FORMULAS,
    effective_leverage,
    formula_name,
    score_position,
)
from adl_monitor.core.ranking.scales import has_indicator
from adl_monitor.core.venues import VENUES
from tests.core.advice.test_advisor import add_margin, book, close_part, feed_queue


def _one_venue_per_formula() -> dict[str, str]:
    venues: dict[str, str] = {}
    for venue in VENUES:
        venues.setdefault(venue.formula, venue.id)
    return venues


FORMULA_VENUES = _one_venue_per_formula()
BTC_LONGS = ("BTC/USDT:USDT", "long")


def test_the_property_below_covers_every_formula_a_venue_ranks_with() -> None:
    assert set(FORMULA_VENUES) == set(FORMULAS)


def tier_under(cuts: list[float], state: tuple[Position, AccountFigures], exchange: str) -> int:
    """The tier the score falls in under fixed cut points (index 0 is tier 1's −∞)."""
    score = score_position(exchange, *state)
    if not score.profitable:
        return 1
    return bisect.bisect_right(cuts, score.value)


def calibrate_queue(estimator: RankEstimator, exchange: str, around: float, seed: int) -> None:
    """Sixty readings of the BTC longs whose tiers start at fixed multiples of `around`."""
    rng = random.Random(seed)
    cuts = tuple(around * f for f in (0.1, 0.2, 0.4, 0.8))
    for _ in range(60):
        value = cuts[0] * 0.2 * math.exp(rng.uniform(0.0, math.log(100.0)))
        tier = 1 + sum(1 for cut in cuts if value >= cut)
        estimator.observe(exchange, Score(value, "test", True), tier, queue=BTC_LONGS)


def sizing_cuts(
    estimator: RankEstimator, exchange: str, state: tuple[Position, AccountFigures]
) -> list[float]:
    """The cut points the advice must land under: the queue's calibrated ones once it is
    calibrated, else those a fresh estimator places the position with (the prior)."""
    if estimator.calibrated(exchange, queue=BTC_LONGS):
        return estimator.thresholds(exchange, queue=BTC_LONGS)
    fresh = RankEstimator()
    fresh.estimate(exchange, score_position(exchange, *state), queue=BTC_LONGS)
    return fresh.thresholds(exchange, queue=BTC_LONGS)


@pytest.mark.parametrize("exchange", sorted(FORMULA_VENUES.values()))
@settings(max_examples=80, deadline=None)
@given(
    leverage=st.floats(min_value=1.0, max_value=100.0),
    move=st.floats(min_value=0.005, max_value=3.0),
    mode=st.sampled_from(MarginMode),
    side=st.sampled_from(Side),
    spare=st.floats(min_value=0.0, max_value=500_000.0),
    contract_size=st.sampled_from((1.0, 0.01, 0.001)),
    step=st.sampled_from((1.0, 10.0, 0.1)),
    minimum_steps=st.integers(min_value=1, max_value=50),
    venue_tier=st.sampled_from((None, 4, 5)),
    calibration=st.sampled_from((None, 0.3, 1.0, 3.0)),
)
def test_advice_carried_out_lands_on_its_target_tier_under_the_venue_s_formula(
    exchange: str,
    leverage: float,
    move: float,
    mode: MarginMode,
    side: Side,
    spare: float,
    contract_size: float,
    step: float,
    minimum_steps: int,
    venue_tier: int | None,
    calibration: float | None,
) -> None:
    """Each action, booked as the exchange books it and re-scored with the venue's formula,
    puts the position in its target tier under the cut points the advice rests on — the
    prior or the queue's calibration — in steps the venue can trade, with no more margin than
    the position is worth; a whole close is never the advice at 1× effective leverage or
    below."""
    position, figures = book(exchange, leverage, move, mode, side=side, spare=spare)
    contracts = 2.0 / contract_size  # 2 BTC in the venue's contracts
    position = replace(
        position,
        contracts=contracts,
        contract_size=contract_size,
        contract_step=step,
        min_contracts=step * minimum_steps,
    )
    state = (position, figures)
    score = score_position(exchange, *state)
    estimator = RankEstimator()
    if calibration is not None:
        assume(has_indicator(exchange))  # a venue without tiers has no readings
        calibrate_queue(estimator, exchange, score.value * calibration, seed=minimum_steps)
    cuts = sizing_cuts(estimator, exchange, state)
    own_tier = tier_under(cuts, state, exchange)
    tier = own_tier if venue_tier is None else max(venue_tier, own_tier)
    assume(tier >= 4)
    advice = advise(exchange, *state, estimator, tier, queue=BTC_LONGS)
    assume(advice is not None)
    assert advice is not None
    assert advice.text.startswith("A first guide (") is (calibration is None)
    low_leverage = (effective_leverage(*state) or 2.0) <= 1.0
    if not advice.actions:
        assert low_leverage and "nothing short of closing the whole position" in advice.text.lower()
    for action in advice.actions:
        if action.kind is ActionKind.CLOSE:
            assert not low_leverage
            assert action.amount == contracts * contract_size
            assert "nothing short of closing" in advice.text
            continue
        if action.kind is ActionKind.ADD_MARGIN:
            assert 0 < action.amount <= position.notional
            after = add_margin(position, figures, action.amount)
        else:
            assert action.unit == "BTC"
            ordered = action.amount / contract_size
            assert abs(ordered / step - round(ordered / step)) < 1e-6  # whole steps
            assert ordered >= step * minimum_steps - 1e-9
            assert ordered < contracts
            after = close_part(position, figures, action.amount)
        assert action.target_tier == 3
        if own_tier >= 4:  # past the target's cut point: below it
            assert tier_under(cuts, after, exchange) <= 3
        else:  # the venue ranks it higher than the cut points: back by the width between them
            ratio = cuts[3] / cuts[min(tier + 1, 5) - 1]
            assert score_position(exchange, *after).value < score.value * ratio


def test_margin_is_never_more_than_the_position_is_worth_it_says_reduce_instead() -> None:
    """The BTC long told to add 325 000 USDT against a 66 000 USDT position."""
    estimator = RankEstimator()
    position, figures = book("okx", 1.0, 3.0, MarginMode.CROSS)
    advice = advise("okx", position, figures, estimator, 5)
    assert advice is not None
    kinds = [a.kind for a in advice.actions]
    assert ActionKind.ADD_MARGIN not in kinds and ActionKind.REDUCE in kinds
    assert "more than the position is worth" in advice.text


def test_isolated_with_no_partial_step_closes_and_says_why() -> None:
    estimator = RankEstimator()
    position, figures = book("bybit", 20.0, 9.0, MarginMode.ISOLATED)
    advice = advise("bybit", position, figures, estimator, 5)
    assert advice is not None
    assert [a.kind for a in advice.actions] == [ActionKind.CLOSE]
    text = advice.text
    assert "close the whole position (2 BTC) to take its profit" in text
    assert "Bybit ranks it by its profit (PnL +900 %) times its effective leverage (1.1×)" in text
    assert "isolated position's margin and profit leave with the size" in text
    assert "adding margin would take more than the position is worth (1,000,000 USDT)" in text
    assert text.endswith("nothing short of closing is enough to drop from red to yellow.")


@pytest.mark.parametrize("mode", MarginMode)
@pytest.mark.parametrize("exchange", sorted(FORMULA_VENUES.values()))
def test_low_effective_leverage_is_never_told_to_close_entirely(
    exchange: str, mode: MarginMode
) -> None:
    """0.1× effective leverage: a partial step when one works; else the plain truth — nothing
    short of closing moves it, why, and that an ADL would do no more than closing — but never
    "close the whole position"."""
    position, figures = book(exchange, 0.1, 0.4, mode)
    assert (effective_leverage(position, figures) or 0) < 0.2
    advice = advise(exchange, position, figures, RankEstimator(), 5)
    assert advice is not None
    assert ActionKind.CLOSE not in {a.kind for a in advice.actions}
    assert "close the whole position (" not in advice.text
    if not advice.actions:
        assert "nothing short of closing the whole position" in advice.text.lower()
        assert "so keep it or take its profit" in advice.text
        assert " ranks it by " in advice.text or "its place comes from its profit" in advice.text
        assert "an ADL would do no more than close it" in advice.text


def test_low_leverage_says_why_only_closing_would_move_it() -> None:
    """The isolated 0.1× OKX long: its score is PnL × 0.13×, a partial close leaves it as it is
    and margin would take more than the position is worth."""
    position, figures = book("okx", 0.1, 0.4, MarginMode.ISOLATED)
    advice = advise("okx", position, figures, RankEstimator(), 5)
    assert advice is not None and advice.actions == ()
    assert re.search(r"At 0\.1\d?× effective leverage its place comes from its profit", advice.text)
    assert "(PnL +40 %), which only closing gives up" in advice.text
    assert "a partial close leaves its score as it is" in advice.text
    assert "adding margin would take more than the position is worth" in advice.text


def test_a_formula_where_margin_and_closing_part_raise_the_score_says_so() -> None:
    """HTX divides by the account's margin ratio: more margin, or less maintenance after a
    partial close, lowers that ratio and moves a cross position *forward*."""
    position, figures = book("htx", 20.0, 0.5, MarginMode.CROSS)
    advice = advise("htx", position, figures, RankEstimator(), 5)
    assert advice is not None
    assert [a.kind for a in advice.actions] == [ActionKind.CLOSE]
    assert "HTX ranks it by PnL ratio" in advice.text
    assert "a partial close raises its score; adding margin raises its score" in advice.text


def test_a_reduce_below_the_venue_minimum_is_raised_to_it() -> None:
    estimator = RankEstimator()
    position, figures = book("okx", 25.0, 0.08, MarginMode.CROSS)
    small = advise("okx", position, figures, estimator, 4)
    assert small is not None
    reduce = next(a for a in small.actions if a.kind is ActionKind.REDUCE)
    minimum = 1.9  # BTC, more than the advice needs
    assert reduce.amount < minimum
    floored = replace(position, contract_step=0.1, min_contracts=minimum)
    advice = advise("okx", floored, figures, estimator, 4)
    assert advice is not None
    raised = next(a for a in advice.actions if a.kind is ActionKind.REDUCE)
    assert raised.amount == minimum


def test_uncalibrated_cut_points_are_named_in_the_advice() -> None:
    estimator = RankEstimator()
    state = book("okx", 25.0, 0.08, MarginMode.CROSS)
    advice = advise("okx", *state, estimator, 5)
    assert advice is not None
    assert advice.text.startswith("A first guide (OKX's tiers not yet calibrated): ")
    hyper = book("hyperliquid", 25.0, 0.5, MarginMode.CROSS)
    hyper_advice = advise("hyperliquid", *hyper, estimator, 5)
    assert hyper_advice is not None
    assert "Hyperliquid publishes no tiers" in hyper_advice.text
    assert formula_name("hyperliquid") == "hyperliquid"


def test_calibrated_cut_points_drop_the_first_guide_note() -> None:
    state = book("bybit", 20.0, 0.1, MarginMode.ISOLATED)
    score = score_position("bybit", *state).value
    btc_longs = ("BTC/USDT:USDT", "long")
    estimator = RankEstimator()
    feed_queue(estimator, btc_longs, tuple(score * f for f in (0.1, 0.2, 0.4, 0.8)), seed=1)
    assert estimator.calibrated("bybit", queue=btc_longs)
    advice = advise("bybit", *state, estimator, 5, queue=btc_longs)
    assert advice is not None and advice.text.startswith("Add ")


def test_a_cross_position_without_the_account_s_balance_is_never_told_to_close() -> None:
    """Its score rests on the balance: a partial close would help, but cannot be sized."""
    estimator = RankEstimator()
    position, _ = book("okx", 25.0, 0.08, MarginMode.CROSS)
    advice = advise("okx", position, None, estimator, 5)
    assert advice is not None and advice.actions == ()
    assert "reduce the position or add margin to drop from red to yellow" in advice.text
    assert "balance was not read" in advice.text


def test_the_advice_does_not_depend_on_what_was_estimated_before() -> None:
    """One position, one answer: asked cold, or right after estimating another position."""
    state = book("okx", 1.0, 3.0, MarginMode.CROSS)
    cold = advise("okx", *state, RankEstimator(), 5)
    warmed = RankEstimator()
    warmed.estimate("okx", score_position("okx", *book("okx", 5.0, 0.01, MarginMode.CROSS)))
    assert cold is not None and advise("okx", *state, warmed, 5) == cold
