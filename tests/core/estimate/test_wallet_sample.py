"""What other wallets' public positions tell Hyperliquid's prior (`core.estimate.wallet_sample`)."""

from __future__ import annotations

import math
import random
from dataclasses import replace

from adl_monitor.core.estimate.public_prior import public_prior
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.estimate.wallet_sample import MIN_SAMPLE, backing_at_entry, sampled_backings
from adl_monitor.core.model.market_context import MarketContext, WalletPosition
from adl_monitor.core.ranking.formulas import score_position
from tests.core.estimate.test_estimator import make_position
from tests.core.estimate.test_public_prior import HL_BTC_LONGS, market


def wallets(count: int, seed: int, effective: tuple[float, float]) -> list[WalletPosition]:
    """`count` positions entered around 100 whose account is worth 1 ÷ `effective` leverage of
    their notional at entry (log-uniform over the range), read at 100.5."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        entry = 100.0 * math.exp(rng.gauss(0.0, 0.01))
        leverage = math.exp(rng.uniform(math.log(effective[0]), math.log(effective[1])))
        side = "long" if i % 2 else "short"
        sign = 1.0 if side == "long" else -1.0
        size = 10.0
        value = size * entry / leverage + sign * size * (100.5 - entry)
        out.append(WalletPosition(side, entry, size, value, 100.5))
    return out


def with_wallets(sample: list[WalletPosition]) -> MarketContext:
    return replace(market([100.0] * 335 + [100.5]), wallets=tuple(sample), wallets_read=len(sample))


def test_the_backing_at_entry_is_the_account_over_the_notional_then() -> None:
    """A 4× long read 5 % up: its account grew by the profit, which is taken out again."""
    position = WalletPosition("long", 100.0, 2.0, 50.0 + 2.0 * 5.0, 105.0)
    assert backing_at_entry(position) == 0.25
    assert backing_at_entry(replace(position, account_value=5.0)) is None  # under water
    assert backing_at_entry(replace(position, size=0.0)) is None


def test_the_accounts_behind_the_positions_come_from_the_wallets_read() -> None:
    """Traders here run big accounts for their positions (effective leverage 0.3–1.5×, as
    when one account holds several positions): a long at 1× stands in the front half of that
    queue, not at its back where the modelled spread (1–40×) puts it. The basis names the
    wallets the figure rests on."""
    score = score_position("hyperliquid", *make_position("hyperliquid", 1.0, 0.005))
    modelled = RankEstimator().estimate(
        "hyperliquid", score, queue=HL_BTC_LONGS, market=with_wallets([])
    )
    sampled = RankEstimator().estimate(
        "hyperliquid", score, queue=HL_BTC_LONGS, market=with_wallets(wallets(60, 1, (0.3, 1.5)))
    )
    assert modelled.tier == 1 and "leverage spread 1–40×" in modelled.basis
    assert sampled.tier == 4  # log(1 ÷ 0.3) ÷ log(1.5 ÷ 0.3): three quarters of the way
    assert "as in the 60 positions of the 60 wallets read" in sampled.basis


def test_too_few_wallets_leave_the_modelled_spread_in_place() -> None:
    few = with_wallets(wallets(MIN_SAMPLE - 1, 2, (0.3, 1.5)))
    assert sampled_backings(few, 36) is None
    assert public_prior(few, "long") == public_prior(with_wallets([]), "long")


def test_the_quantiles_follow_the_sample() -> None:
    low = sampled_backings(with_wallets(wallets(100, 3, (20.0, 40.0))), 36)
    high = sampled_backings(with_wallets(wallets(100, 3, (1.0, 2.0))), 36)
    assert low is not None and high is not None and len(low) == 36
    assert list(low) == sorted(low) and max(low) < min(high)


def test_a_crash_that_liquidated_every_modelled_long_leaves_no_short_to_place() -> None:
    """Every sampled account runs 20–40×: a 12 % crash liquidated every long the model holds,
    and ADL, taken to close that share of the shorts from their front, closed all of them. The
    model cannot place a short in profit, and the basis names the move, not the price."""
    crash = replace(with_wallets(wallets(60, 4, (20.0, 40.0))), mark=88.0)
    prior = public_prior(crash, "short")
    assert prior is not None and prior.cuts is None
    assert "it leaves no short in profit (the move of the last 2 h liquidated ~100 %" in prior.words
