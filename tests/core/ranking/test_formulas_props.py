"""Properties every venue formula must keep: more profit never lowers the score (leverage held
fixed), and losing positions always rank behind profitable ones."""

from __future__ import annotations

import math

from hypothesis import assume, given
from hypothesis import strategies as st

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.account_spec import SUPPORTED_EXCHANGES
from adl_monitor.core.model.position import MarginMode, Side
from adl_monitor.core.ranking.formulas import (
    binance_ranking,
    bitget_ranking,
    classic_ranking,
    formula_name,
    htx_ranking,
    rank_key,
    score_position,
)
from adl_monitor.core.ranking.queue import queue_percentiles
from tests.core.positions import make_position

VENUES = st.sampled_from(SUPPORTED_EXCHANGES)
PNL = st.floats(-0.99, 10.0)
POSITIVE = st.floats(0.01, 200.0)
RATIO = st.floats(1e-4, 5.0)


@given(PNL, PNL, POSITIVE)
def test_classic_more_profit_never_lowers_the_score(a: float, b: float, leverage: float) -> None:
    low, high = sorted((a, b))
    assert classic_ranking(low, leverage) <= classic_ranking(high, leverage)


@given(PNL, PNL, RATIO)
def test_htx_more_profit_never_lowers_the_score(a: float, b: float, ratio: float) -> None:
    low, high = sorted((a, b))
    assert htx_ranking(low, ratio) <= htx_ranking(high, ratio)


@given(PNL, PNL, RATIO)
def test_bitget_more_profit_never_lowers_the_score(a: float, b: float, rate: float) -> None:
    low, high = sorted((a, b))
    assert bitget_ranking(low, rate) <= bitget_ranking(high, rate)


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.floats(0, 1e6), st.floats(0, 1e5))
def test_binance_more_profit_never_lowers_the_score(
    a: float, b: float, wallet: float, maintenance: float
) -> None:
    low, high = sorted((a, b))
    before = binance_ranking(low, wallet, maintenance)
    after = binance_ranking(high, wallet, maintenance)
    # With an empty wallet the score is flat in theory (u × MM ÷ u): allow float rounding.
    assert before <= after or math.isclose(before, after, rel_tol=1e-12)


# Position level: the same position at two marks. The leverage is held fixed: classic venues get
# no margin figure, so the nominal leverage stands in for the effective one; the other formulas
# get one fixed account (their ratios are the account's, not the position's leverage).
@given(
    VENUES,
    st.sampled_from([Side.LONG, Side.SHORT]),
    st.floats(1.0, 1e5),
    st.floats(-0.5, 2.0),
    st.floats(-0.5, 2.0),
    st.floats(0.01, 1e3),
    st.floats(1.0, 100.0),
)
def test_every_venue_more_profit_never_ranks_a_position_lower(
    exchange: str,
    side: Side,
    entry: float,
    gain_a: float,
    gain_b: float,
    contracts: float,
    leverage: float,
) -> None:
    classic = formula_name(exchange) == "classic"
    figures = AccountFigures("USDT", wallet_balance=5e4, equity=6e4, maintenance_margin=600.0)

    def ranked(gain: float) -> tuple[int, float]:
        # A larger gain is a larger profit on either side.
        mark = entry * (1 + gain) if side is Side.LONG else entry / (1 + gain)
        position = make_position(
            side,
            entry=entry,
            mark=mark,
            contracts=contracts,
            margin_mode=MarginMode.CROSS,
            exchange=exchange,
            leverage=leverage,
            margin=None if classic else contracts * entry / leverage,
            maintenance_margin=contracts * entry * 0.005,
        )
        return rank_key(score_position(exchange, position, None if classic else figures))

    low, high = sorted((gain_a, gain_b))
    before, after = ranked(low), ranked(high)
    # A flat score (Hyperliquid's short: entry/mark × notional is constant) may differ by a
    # rounding error either way; anything beyond that is a real drop.
    assert before <= after or (
        before[0] == after[0] and math.isclose(before[1], after[1], rel_tol=1e-9)
    )


@given(
    VENUES,
    st.lists(
        st.tuples(
            st.sampled_from([Side.LONG, Side.SHORT]),
            st.floats(1.0, 1e5),
            st.floats(0.5, 2.0),
            st.floats(0.01, 1e3),
            st.floats(1.0, 100.0),
            st.sampled_from([MarginMode.ISOLATED, MarginMode.CROSS]),
        ),
        min_size=2,
        max_size=12,
    ),
)
def test_losing_positions_always_rank_behind_profitable_ones(
    exchange: str,
    book: list[tuple[Side, float, float, float, float, MarginMode]],
) -> None:
    figures = AccountFigures("USDT", wallet_balance=5e4, equity=6e4, maintenance_margin=600.0)
    scores = []
    for side, entry, ratio, contracts, leverage, mode in book:
        assume(abs(ratio - 1) > 1e-6)
        position = make_position(
            side,
            entry=entry,
            mark=entry * ratio,
            contracts=contracts,
            margin_mode=mode,
            exchange=exchange,
            leverage=leverage,
            margin=contracts * entry / leverage,
            maintenance_margin=contracts * entry * 0.005,
        )
        scores.append(score_position(exchange, position, figures))
    winners = [s for s in scores if s.profitable]
    losers = [s for s in scores if not s.profitable]
    assume(winners and losers)
    assert max(rank_key(s) for s in losers) < min(rank_key(s) for s in winners)
    assert max(s.value for s in losers) <= min(s.value for s in winners)
    pct = queue_percentiles(scores)
    worst_winner = min(p for p, s in zip(pct, scores, strict=True) if s.profitable)
    best_loser = max(p for p, s in zip(pct, scores, strict=True) if not s.profitable)
    assert best_loser < worst_winner
