"""Advice a trader can act on: sizes the venue can trade, no margin beyond the position's
worth, and a reason when nothing short of closing helps.

Each action is carried out as the exchange would book it (`tests.core.test_advisor`) and the
result re-scored with the venue's own formula, then placed with the *same* cut points the
advice was sized on.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from adl_monitor.core.account import AccountFigures
from adl_monitor.core.advice import ActionKind
from adl_monitor.core.advisor import advise
from adl_monitor.core.estimator import RankEstimator
from adl_monitor.core.formulas import formula_name, score_position
from adl_monitor.core.position import MarginMode, Position, Side
from tests.core.test_advisor import add_margin, book, close_part, feed_queue

VENUES = ("bybit", "okx", "kucoinfutures", "gate", "binanceusdm", "hyperliquid")


def tier_under(cuts: list[float], state: tuple[Position, AccountFigures], exchange: str) -> int:
    """The tier the score falls in under fixed cut points (index 0 is tier 1's −∞)."""
    score = score_position(exchange, *state)
    if not score.profitable:
        return 1
    return bisect.bisect_right(cuts, score.value)


@settings(max_examples=150, deadline=None)
@given(
    exchange=st.sampled_from(VENUES),
    leverage=st.floats(min_value=1.0, max_value=100.0),
    move=st.floats(min_value=0.005, max_value=3.0),
    mode=st.sampled_from(MarginMode),
    side=st.sampled_from(Side),
    spare=st.floats(min_value=0.0, max_value=500_000.0),
    contract_size=st.sampled_from((1.0, 0.01, 0.001)),
    step=st.sampled_from((1.0, 10.0, 0.1)),
    minimum_steps=st.integers(min_value=1, max_value=50),
    venue_tier=st.sampled_from((None, 4, 5)),
)
def test_each_action_lands_on_its_target_under_the_same_cut_points(
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
) -> None:
    estimator = RankEstimator()
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
    own_tier = estimator.estimate(exchange, score_position(exchange, *state)).tier
    tier = own_tier if venue_tier is None else max(venue_tier, own_tier)
    assume(tier >= 4)
    cuts = estimator.thresholds(exchange)
    advice = advise(exchange, *state, estimator, tier)
    assume(advice is not None)
    assert advice is not None and advice.actions
    for action in advice.actions:
        if action.kind is ActionKind.CLOSE:
            assert action.amount == contracts * contract_size
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
        assert tier_under(cuts, after, exchange) <= action.target_tier
        if tier == own_tier:  # our cut points agree with the venue: the target tier itself
            assert action.target_tier == 3


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
    position, figures = book("bybit", 1.0, 9.0, MarginMode.ISOLATED)
    advice = advise("bybit", position, figures, estimator, 5)
    assert advice is not None
    assert [a.kind for a in advice.actions] == [ActionKind.CLOSE]
    text = advice.text
    assert "close the whole position (2 BTC) to take its profit" in text
    assert "nothing short of closing" in text
    assert "isolated position's margin and profit leave with the size" in text
    assert "more than the position is worth" in text
    assert "PnL +900 %" in text


def test_low_leverage_gets_a_sentence_that_explains_not_a_bare_close() -> None:
    """0.1× effective leverage: its place comes from its profit, which only closing gives up."""
    estimator = RankEstimator()
    position, figures = book("okx", 0.1, 0.4, MarginMode.ISOLATED)
    advice = advise("okx", position, figures, estimator, 5)
    assert advice is not None
    assert re.search(r"At 0\.1\d?× effective leverage its place comes from its profit", advice.text)
    assert "profit" in advice.text and "PnL +40 %" in advice.text
    assert advice.text.count(". ") >= 1  # a reason follows the instruction


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
