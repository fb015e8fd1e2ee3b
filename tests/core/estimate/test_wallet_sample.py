"""Hyperliquid's queue from other wallets' public positions (`core.estimate.wallet_sample`)."""

from __future__ import annotations

import math
import random
from dataclasses import replace

from adl_monitor.core.estimate.public_prior import QUINTILES
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.estimate.wallet_sample import MIN_SAMPLE, sampled_prior, wallet_score
from adl_monitor.core.model.market_context import MarketContext, WalletPosition
from adl_monitor.core.model.position import Side
from adl_monitor.core.ranking.formulas import score_position
from tests.core.estimate.test_estimator import make_position
from tests.core.estimate.test_public_prior import HL_BTC_LONGS, market


def queue(
    size: int, seed: int, leverage: tuple[float, float], *, side: str = "long", mark: float = 100.5
) -> list[WalletPosition]:
    """`size` one-position wallets on one side, entered around 100 (some at a loss), their
    leverage log-uniform over `leverage`, read at `mark`."""
    rng = random.Random(seed)
    sign = 1.0 if side == "long" else -1.0
    wallets = []
    for _ in range(size):
        entry = 100.0 * math.exp(rng.gauss(0.0, 0.02))
        lever = math.exp(rng.uniform(math.log(leverage[0]), math.log(leverage[1])))
        size_ = 10.0
        margin = size_ * entry / lever
        value = margin + sign * size_ * (mark - entry)
        if value <= margin * 0.2:  # past liquidation: not on the books any more
            continue
        wallets.append(WalletPosition(side, entry, size_, value, mark))
    return wallets


def true_tier(score: float, population: list[WalletPosition], mark: float) -> int:
    """The tier the venue gives `score`: its quintile among every profitable position."""
    scores = sorted(s for w in population if (s := wallet_score(w, mark)) is not None)
    below = sum(1 for s in scores if s < score) / len(scores)
    return 1 + sum(1 for q in QUINTILES if below >= q)


def with_wallets(wallets: list[WalletPosition], read: int) -> MarketContext:
    return replace(market([100.0] * 335 + [100.5]), wallets=tuple(wallets), wallets_read=read)


def estimate(leverage: float, move: float, context: MarketContext, side: Side = Side.LONG):  # type: ignore[no-untyped-def]
    score = score_position("hyperliquid", *make_position("hyperliquid", leverage, move, side))
    key = (HL_BTC_LONGS[0], side.value)
    return score, RankEstimator().estimate("hyperliquid", score, queue=key, market=context)


def test_a_sample_of_the_queue_places_a_position_where_the_whole_queue_would() -> None:
    """The venue ranks 600 longs; the app has read 120 of them. Positions across the queue
    get the tier the whole queue gives them, or the next one, and the range holds it."""
    population = queue(600, seed=1, leverage=(1.0, 30.0))
    sample = random.Random(2).sample(population, 120)
    context = with_wallets(sample, read=120)
    exact = within_one = in_range = 0
    cases = [(lev, move) for lev in (1.5, 3.0, 6.0, 12.0, 25.0) for move in (0.003, 0.01, 0.03)]
    for leverage, move in cases:
        score, shown = estimate(leverage, move, context)
        truth = true_tier(score.value, population, context.mark)
        exact += shown.tier == truth
        within_one += abs(shown.tier - truth) <= 1
        in_range += shown.low <= truth <= shown.high
        assert "placed among" in shown.basis and "120 wallets read" in shown.basis
    assert within_one == len(cases)
    assert exact >= 0.8 * len(cases)
    assert in_range >= 0.9 * len(cases)


def test_a_queue_unlike_the_model_is_read_from_the_sample() -> None:
    """Everyone else on the side holds 1–2× leverage (a book no public figure reveals): a 4×
    winner is at the front of it. The modelled prior (leverage spread up to the market's
    maximum) puts it two tiers back; the wallets read say where it is."""
    population = queue(300, seed=3, leverage=(1.0, 2.0))
    score, modelled = estimate(4.0, 0.005, with_wallets([], read=0))
    _, sampled = estimate(4.0, 0.005, with_wallets(population[:80], read=80))
    assert true_tier(score.value, population, 100.5) == 5
    assert modelled.tier <= 3  # two tiers off or more
    assert sampled.tier == 5


def test_the_sample_is_scored_again_at_each_mark() -> None:
    """Read at 100.5, looked at after a rally to 104: longs that were losing are in the queue
    now and the cut points move with the scores; shorts that were winning are losing — out of
    the queue — and below the sample's minimum the modelled prior stands in."""
    longs = queue(100, seed=4, leverage=(1.0, 20.0))
    shorts = queue(100, seed=5, leverage=(1.0, 20.0), side="short")
    read = with_wallets(longs + shorts, read=200)
    later = replace(read, mark=104.0)
    at_read, after_rally = sampled_prior(read, "long"), sampled_prior(later, "long")
    assert at_read is not None and after_rally is not None
    assert after_rally.sampled > at_read.sampled
    assert after_rally.cuts != at_read.cuts
    winning_shorts = [w for w in shorts if wallet_score(w, 104.0) is not None]
    assert len(winning_shorts) < MIN_SAMPLE
    assert sampled_prior(later, "short") is None


def test_too_few_wallets_leave_the_modelled_prior_in_place() -> None:
    few = queue(MIN_SAMPLE - 1, seed=6, leverage=(1.0, 20.0))
    assert sampled_prior(with_wallets(few, read=len(few)), "long") is None
    _, shown = estimate(5.0, 0.005, with_wallets(few, read=len(few)))
    assert "prior from BTC/USDC:USDC's public market data" in shown.basis
    assert "placed among" not in shown.basis


def test_positions_ahead_of_an_adl_fill_are_taken_as_closed() -> None:
    """ADL reached the user's long at score s: every sampled long that scored above s was
    closed before it, even if its wallet was read before the fill."""
    population = queue(200, seed=7, leverage=(1.0, 30.0))
    context = with_wallets(population, read=200)
    scores = sorted(s for w in population if (s := wallet_score(w, 100.5)) is not None)
    front = scores[len(scores) // 2]
    fill = replace(context, adl_front=(("long", front),))
    before, after = sampled_prior(context, "long"), sampled_prior(fill, "long")
    assert before is not None and after is not None
    assert after.cuts[-1] <= front < before.cuts[-1]
    assert "ADL reached your long here" in after.words


def test_the_range_narrows_as_more_wallets_are_read() -> None:
    population = queue(800, seed=8, leverage=(1.0, 30.0))
    spans = []
    for n in (60, 600):
        prior = sampled_prior(with_wallets(population[:n], read=n), "long")
        assert prior is not None
        low, high = prior.alternatives
        spans.append(sum(h - lo for lo, h in zip(low, high, strict=True)))
    assert spans[1] < spans[0] / 2
