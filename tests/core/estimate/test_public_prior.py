"""Hyperliquid's prior from its public market data: candles, open interest, funding."""

from __future__ import annotations

import math
from dataclasses import replace

from adl_monitor.core.estimate.entries import holding_hours
from adl_monitor.core.estimate.public_prior import deleveraged_share, public_prior
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.model.market_context import Candle, MarketContext
from adl_monitor.core.model.position import Side
from adl_monitor.core.ranking.formulas import score_position
from tests.core.estimate.test_estimator import make_position

HL_BTC_LONGS = ("BTC/USDC:USDC", "long")


def market(path: list[float], *, oi: float = 10_000.0, volume: float = 10_000.0) -> MarketContext:
    """Hourly candles along `path` (oldest first, the last one now), equal volume."""
    newest = len(path) - 1
    candles = tuple(Candle(float(newest - i), p, 100.0) for i, p in enumerate(path))
    return MarketContext(
        "BTC/USDC:USDC",
        mark=path[-1],
        candles=candles,
        open_interest=oi,
        day_volume=volume,
        funding_rate=0.0000125,
        max_leverage=40.0,
    )


def ramp(start: float, end: float, hours: int = 336) -> list[float]:
    return [start * math.exp(math.log(end / start) * i / (hours - 1)) for i in range(hours)]


def test_holding_time_is_open_interest_over_daily_volume_bounded() -> None:
    assert holding_hours(market([100.0], oi=5_000.0, volume=10_000.0)) == 12.0
    assert holding_hours(market([100.0], oi=1.0, volume=1e9)) == 1.0
    assert holding_hours(market([100.0], oi=1e9, volume=1.0)) == 24.0 * 14
    assert holding_hours(market([100.0], oi=0.0, volume=0.0)) == 24.0


def test_where_everyone_entered_at_one_price_leverage_decides_the_tier() -> None:
    """Two flat weeks at 100, now 100.5: every long in profit entered at 100, so Hyperliquid's
    notional ÷ account value orders them. A 35x long is at the front, a 1.2x one at the back,
    and the basis says what the prior rests on."""
    context = market([100.0] * 335 + [100.5])
    tiers = {}
    for leverage in (1.2, 35.0):
        position = make_position("hyperliquid", leverage, 0.005)
        score = score_position("hyperliquid", *position)
        estimate = RankEstimator().estimate(
            "hyperliquid", score, queue=HL_BTC_LONGS, market=context
        )
        assert "prior from BTC/USDC:USDC's public market data" in estimate.basis
        assert "positions held ~24 h (open interest ÷ daily volume)" in estimate.basis
        assert "Hyperliquid publishes no ADL indicator" in estimate.basis
        assert estimate.low <= estimate.tier <= estimate.high
        tiers[leverage] = estimate.tier
    assert tiers == {1.2: 1, 35.0: 5}


def test_the_cut_points_follow_the_candles() -> None:
    """The prior rests on the market's own history: a rally and a slide to the same price
    give the same side different cut points, and a side nobody can be in profit on has none."""
    rally = public_prior(market(ramp(80.0, 102.0), oi=70_000.0), "long")
    slide = public_prior(market([*ramp(130.0, 100.0), 102.0], oi=70_000.0), "long")
    assert rally is not None and slide is not None
    assert rally.cuts != slide.cuts
    every_short_losing = public_prior(market(ramp(80.0, 102.0)), "short")
    assert every_short_losing is not None and every_short_losing.cuts is None


def test_the_advisor_uses_the_public_prior_of_the_queue() -> None:
    estimator = RankEstimator()
    score = score_position("hyperliquid", *make_position("hyperliquid", 10.0, 0.02))
    context = market(ramp(80.0, 102.0))
    estimator.estimate("hyperliquid", score, queue=HL_BTC_LONGS, market=context)
    prior = public_prior(context, "long")
    assert prior is not None
    assert estimator.thresholds("hyperliquid", queue=HL_BTC_LONGS)[1:] == list(prior.cuts)


def test_without_public_data_the_basis_says_the_prior_is_the_reference_book() -> None:
    score = score_position("hyperliquid", *make_position("hyperliquid", 10.0, 0.02))
    estimate = RankEstimator().estimate("hyperliquid", score, queue=HL_BTC_LONGS)
    assert (
        "reference book" in estimate.basis and "public market data was not read" in estimate.basis
    )


HL_BTC_SHORTS = ("BTC/USDC:USDC", "short")


def test_a_short_in_profit_at_a_new_high_is_ranged_over_the_whole_queue() -> None:
    """Two weeks of rally to a new high: every short the candles place is losing, and a short
    that is in profit all the same (entered higher, where they show little trading) cannot be
    placed by the model — it may be alone at the front or behind a few others who did the
    same. The estimate keeps the reference book's tier, its range is the whole queue, and the
    basis says the public figures were read and why they cannot place it (it used to say they
    were "not read"). A step back below the newest candles, the model places the short again."""
    rally = market(ramp(80.0, 102.0))
    short = score_position("hyperliquid", *make_position("hyperliquid", 1.0, 0.01, Side.SHORT))
    assert short.profitable
    unread = RankEstimator().estimate("hyperliquid", short, queue=HL_BTC_SHORTS)
    estimate = RankEstimator().estimate("hyperliquid", short, queue=HL_BTC_SHORTS, market=rally)
    assert (estimate.tier, estimate.low, estimate.high) == (unread.tier, 1, 5)
    assert "public market data was not read" not in estimate.basis
    assert "prior from BTC/USDC:USDC's public market data" in estimate.basis
    assert "it leaves no short in profit (the price is past every entry" in estimate.basis
    assert "the tier is the reference book's" in estimate.basis
    # The first step back under the newest candle's price places shorts in profit again, even
    # one smaller than the mark move that otherwise keeps a queue's prior (0.1 %).
    estimator = RankEstimator()
    estimator.estimate("hyperliquid", short, queue=HL_BTC_SHORTS, market=rally)
    pulled_back = replace(rally, mark=101.95)
    placed = estimator.estimate("hyperliquid", short, queue=HL_BTC_SHORTS, market=pulled_back)
    assert "reference book" not in placed.basis
    assert (placed.low, placed.high) != (1, 5)


def test_after_a_crash_a_short_moves_up_the_queue_the_liquidations_emptied() -> None:
    """Two flat weeks at 100, then a 12 % crash within the hour: the crash liquidated the
    leveraged longs, and what the venue's backstop could not absorb Hyperliquid deleveraged
    from the front of the short queue — the shorts that were ahead of a modest one are gone.
    The estimate takes that worst case (the position's tier goes up, never down: a warning
    must not miss it), its range still covers a backstop that held, and the basis says so.
    A queue far from anything the prior was designed on — most of it closed within minutes
    (what the benchmark's cascade does on every seed) — must not leave the short at the back."""
    calm = market([100.0] * 336)
    crash = replace(calm, mark=88.0)
    short = score_position("hyperliquid", *make_position("hyperliquid", 2.0, 0.12, Side.SHORT))
    before = RankEstimator().estimate("hyperliquid", short, queue=HL_BTC_SHORTS, market=crash)
    assert "liquidated ~" in before.basis and "deleveraged from the front" in before.basis
    prior = public_prior(crash, "short")
    assert prior is not None
    undepleted = prior.alternatives[-1]
    assert all(c <= u for c, u in zip(prior.cuts, undepleted, strict=True))
    assert before.tier >= 3
    assert before.low <= 2 <= before.high  # had the backstop held, it would sit further back


def test_a_quiet_market_deleverages_nobody() -> None:
    """No liquidation since the recent candles: the queue is the model's, whole, and the basis
    does not speak of ADL."""
    context = market([100.0] * 335 + [100.5])
    assert deleveraged_share(context, -1, 24.0) == 0.0
    assert deleveraged_share(context, 1, 24.0) == 0.0
    score = score_position("hyperliquid", *make_position("hyperliquid", 5.0, 0.005))
    estimate = RankEstimator().estimate("hyperliquid", score, queue=HL_BTC_LONGS, market=context)
    assert "liquidated ~" not in estimate.basis


def test_adl_that_reached_the_position_puts_it_near_the_front() -> None:
    """After the crash, the venue's fill says ADL reduced the user's short when it scored
    1.3: everyone who scored above was closed first. What is left of the short now scores
    0.89 (ADL took part of it): it has moved up the queue from where the modelled share alone
    left it, and the basis names the fill it rests on. Had ADL reached it at the score it has
    now, nobody would be left ahead of it."""
    crash = replace(market([100.0] * 336), mark=88.0)
    short = score_position("hyperliquid", *make_position("hyperliquid", 1.0, 0.12, Side.SHORT))
    assert 0.85 < short.value < 1.0
    before = RankEstimator().estimate("hyperliquid", short, queue=HL_BTC_SHORTS, market=crash)
    reached = replace(crash, adl_front=(("short", 1.3),))
    after = RankEstimator().estimate("hyperliquid", short, queue=HL_BTC_SHORTS, market=reached)
    assert after.tier > before.tier
    assert after.low <= after.tier <= after.high
    at_front = replace(crash, adl_front=(("short", short.value),))
    front = RankEstimator().estimate("hyperliquid", short, queue=HL_BTC_SHORTS, market=at_front)
    assert front.tier == 5
    assert "ADL reached your short here" in after.basis
    # A front on the other side says nothing about this one.
    longs_reached = replace(crash, adl_front=(("long", 1.3),))
    assert public_prior(longs_reached, "short") == public_prior(crash, "short")


def test_adl_that_closed_other_wallets_positions_tells_how_deep_it_went() -> None:
    """The same crash, and the user's short untouched — but other wallets' public fills say
    ADL closed shorts down to a score of 1.0: everyone above was closed, so the short (0.89)
    has moved up the queue, the range no longer runs open to tier 5 (the depth is measured,
    not guessed), and the basis names what it rests on. Where the user's own fill reached
    deeper, that one counts; a reach on the longs says nothing about the shorts."""
    crash = replace(market([100.0] * 336), mark=88.0)
    short = score_position("hyperliquid", *make_position("hyperliquid", 1.0, 0.12, Side.SHORT))
    before = RankEstimator().estimate("hyperliquid", short, queue=HL_BTC_SHORTS, market=crash)
    reached = replace(crash, adl_reach=(("short", 1.0),))
    after = RankEstimator().estimate("hyperliquid", short, queue=HL_BTC_SHORTS, market=reached)
    assert after.tier > before.tier
    assert after.low <= after.tier <= after.high < 5 == before.high
    assert "ADL closed other wallets' shorts here down to a score of 1" in after.basis
    assert "range runs to tier 5" not in after.basis
    deeper_own = replace(reached, adl_front=(("short", 0.95),))
    own = public_prior(deeper_own, "short")
    assert own is not None and own == public_prior(
        replace(crash, adl_front=(("short", 0.95),)), "short"
    )
    shallower_own = replace(reached, adl_front=(("short", 1.3),))
    assert public_prior(shallower_own, "short") == public_prior(reached, "short")
    assert public_prior(replace(crash, adl_reach=(("long", 1.0),)), "short") == public_prior(
        crash, "short"
    )


def test_adl_deeper_than_the_model_reaches_spreads_the_rest_evenly_up_to_the_front() -> None:
    """The same crash, and other wallets' fills say ADL closed shorts down to a score of 0.55
    to 0.61 (held-out seed 19's cascade on the benchmark). The model scored nearly every
    profitable short above that: it leaves ~3 % behind, a sliver of a few (entry, backing)
    steps whose quintiles fell within a per cent of each other, so a 0.29 short read tier 1
    one refresh and 5 the next while the venue had it at 3. Behind a front the model cannot
    fill, the rest are taken as spread evenly from 0 up to it: half the front is tier 3,
    whichever of the measured fronts, and the basis says what the tier rests on. A front the
    model leaves a real queue behind (1.0 here) keeps the model's cut points."""
    crash = replace(market([100.0] * 336), mark=88.0)

    def tier_of(leverage: float, front: float) -> tuple[int, str]:
        position = make_position("hyperliquid", leverage, 0.12, Side.SHORT)
        score = score_position("hyperliquid", *position)
        reached = replace(crash, adl_reach=(("short", front),))
        estimate = RankEstimator().estimate(
            "hyperliquid", score, queue=HL_BTC_SHORTS, market=reached
        )
        assert estimate.low <= estimate.tier <= estimate.high
        return estimate.tier, estimate.basis

    assert [tier_of(0.3, front)[0] for front in (0.55, 0.58, 0.61)] == [3, 3, 3]
    assert tier_of(0.05, 0.6)[0] == 1
    assert tier_of(0.5, 0.61)[0] == 4
    basis = tier_of(0.3, 0.6)[1]
    assert "leaves ~3 % of its profitable shorts behind that" in basis
    assert "spread evenly from 0 up to it" in basis
    modelled = public_prior(replace(crash, adl_reach=(("short", 1.0),)), "short")
    assert modelled is not None and modelled.cuts is not None
    assert modelled.cuts[0] > 0.5 and "spread evenly" not in modelled.words


def test_after_a_cascade_the_range_runs_to_the_front_and_the_basis_says_why() -> None:
    """The 12 % crash liquidated far more than a tenth of the longs: how much of the short
    queue ADL closed with it is not public (the liquidated share is itself modelled, and queues
    with the same public figures are emptied to very different depths). The tier stays the
    modelled case, but the range runs to tier 5 — where the short would be had ADL closed
    everyone ahead of it — and the basis says so. A mild dip that liquidated only a few longs
    keeps the narrow range, and ADL that reached the position (a fact) closes the question."""
    calm = market([100.0] * 336)
    crash = replace(calm, mark=88.0)
    short = score_position("hyperliquid", *make_position("hyperliquid", 2.0, 0.12, Side.SHORT))
    after = RankEstimator().estimate("hyperliquid", short, queue=HL_BTC_SHORTS, market=crash)
    prior = public_prior(crash, "short")
    assert prior is not None
    modelled = sum(1 for cut in prior.cuts if cut <= short.value) + 1
    assert after.tier == modelled < 5
    assert after.high == 5
    assert after.low <= 2  # had the backstop held, it would sit further back
    assert "not public" in after.basis and "the range runs to tier 5" in after.basis

    dip = replace(calm, mark=98.5)
    assert 0.0 < deleveraged_share(dip, -1, 24.0) < 0.1
    small = score_position("hyperliquid", *make_position("hyperliquid", 2.0, 0.015, Side.SHORT))
    mild = RankEstimator().estimate("hyperliquid", small, queue=HL_BTC_SHORTS, market=dip)
    assert mild.high < 5 and "range runs to tier 5" not in mild.basis

    reached = replace(crash, adl_front=(("short", 1.3),))
    known = RankEstimator().estimate("hyperliquid", short, queue=HL_BTC_SHORTS, market=reached)
    assert "range runs to tier 5" not in known.basis
