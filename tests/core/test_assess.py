"""The pipeline step: one account's reading becomes the rows a trader sees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adl_monitor.core.assess import assess, sort_riskiest_first
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.core.model.adl_indicator import AdlIndicator
from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.position import MarginMode, Position, Side
from adl_monitor.core.ranking.formulas import effective_leverage, pnl_fraction, score_position

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
STALE_AFTER = 30.0


def linear(symbol: str, move: float, leverage: float, side: Side = Side.LONG) -> Position:
    entry = 50_000.0
    mark = entry * (1 + side.sign * move)
    return Position(
        account="main",
        exchange="bybit",
        symbol=symbol,
        side=side,
        contracts=1.0,
        contract_size=1.0,
        entry_price=entry,
        mark_price=mark,
        notional=mark,
        unrealized_pnl=side.sign * (mark - entry),
        margin_mode=MarginMode.CROSS,
        leverage=leverage,
        margin=entry / leverage,
        maintenance_margin=0.005 * mark,
    )


def inverse(move: float) -> Position:
    entry = 50_000.0
    mark = entry * (1 + move)
    contracts = 10_000.0  # USD contracts
    return Position(
        account="main",
        exchange="bybit",
        symbol="BTC/USD:BTC",
        side=Side.LONG,
        contracts=contracts,
        contract_size=1.0,
        entry_price=entry,
        mark_price=mark,
        notional=contracts / mark,
        unrealized_pnl=contracts / entry - contracts / mark,
        margin_mode=MarginMode.CROSS,
        leverage=10.0,
        inverse=True,
        settle="BTC",
    )


FIGURES = {
    "USDT": AccountFigures("USDT", wallet_balance=6_000.0, equity=9_000.0, maintenance_margin=500),
    "BTC": AccountFigures("BTC", wallet_balance=0.05, equity=0.06, maintenance_margin=0.001),
}
SPEC = AccountSpec(name="main", exchange="bybit")


def tier(value: int, age: float = 0.0) -> AdlIndicator:
    return AdlIndicator(raw=value, tier=value, updated_at=NOW - timedelta(seconds=age))


def test_each_position_is_scored_with_its_settlement_currency_figures() -> None:
    btc_usdt = linear("BTC/USDT:USDT", 0.1, 10.0)
    btc_usd = inverse(0.05)
    reading = AccountReading(fetched_at=NOW, positions=(btc_usdt, btc_usd), figures=FIGURES)
    risks = assess(reading, SPEC, RankEstimator(), now=NOW, stale_after=STALE_AFTER)
    assert [r.position for r in risks] == [btc_usdt, btc_usd]
    for risk in risks:
        figures = FIGURES[risk.position.settle]
        assert risk.estimate is not None
        assert risk.estimate.score == score_position("bybit", risk.position, figures).value
        assert risk.pnl_pct == pnl_fraction(risk.position)
        assert risk.effective_leverage == effective_leverage(risk.position, figures)
        assert risk.effective_leverage is not None
        assert not risk.stale and not risk.adl_hit


def test_the_venue_tier_sets_the_level_and_red_gets_advice() -> None:
    red = linear("BTC/USDT:USDT", 0.02, 5.0)
    calm = linear("ETH/USDT:USDT", 0.02, 5.0)
    reading = AccountReading(
        fetched_at=NOW,
        positions=(red, calm),
        adl={("BTC/USDT:USDT", "long"): tier(5), ("ETH/USDT:USDT", "long"): tier(2)},
        figures=FIGURES,
    )
    by_symbol = {
        r.position.symbol: r
        for r in assess(reading, SPEC, RankEstimator(), now=NOW, stale_after=STALE_AFTER)
    }
    assert by_symbol["BTC/USDT:USDT"].level is Level.RED
    advice = by_symbol["BTC/USDT:USDT"].advice
    assert advice is not None and advice.text.endswith("to drop from red to yellow.")
    assert by_symbol["ETH/USDT:USDT"].level is Level.GREEN
    assert by_symbol["ETH/USDT:USDT"].advice is None


def test_without_a_venue_tier_the_estimate_decides_and_advises() -> None:
    hyper = AccountSpec(name="wallet", exchange="hyperliquid", wallet_address="0xabc")
    position = Position(
        account="wallet",
        exchange="hyperliquid",
        symbol="ETH/USDC:USDC",
        side=Side.SHORT,
        contracts=50.0,
        contract_size=1.0,
        entry_price=3_000.0,
        mark_price=2_850.0,
        notional=142_500.0,
        unrealized_pnl=7_500.0,
        margin_mode=MarginMode.CROSS,
        leverage=25.0,
        settle="USDC",
    )
    figures = {"USDC": AccountFigures("USDC", wallet_balance=6_000.0, equity=13_500.0)}
    reading = AccountReading(fetched_at=NOW, positions=(position,), figures=figures)
    (risk,) = assess(reading, hyper, RankEstimator(), now=NOW, stale_after=STALE_AFTER)
    assert risk.exchange_adl is None
    assert risk.estimate is not None and risk.estimate.tier == 5
    assert risk.level is Level.RED
    assert risk.advice is not None and "USDC margin" in risk.advice.text


def test_fresh_venue_tiers_calibrate_the_estimator_stale_and_unknown_ones_do_not() -> None:
    estimator = RankEstimator()
    winner = linear("BTC/USDT:USDT", 0.05, 10.0)
    unknown = AdlIndicator(raw="??", tier=None, updated_at=NOW, reason="unexpected value")
    for adl, fetched_age in (
        (tier(4, age=5 * STALE_AFTER), 0.0),  # the indicator is old
        (tier(4), 5 * STALE_AFTER),  # the whole reading is old
        (unknown, 0.0),
    ):
        reading = AccountReading(
            fetched_at=NOW - timedelta(seconds=fetched_age),
            positions=(winner,),
            adl={("BTC/USDT:USDT", "long"): adl},
            figures=FIGURES,
        )
        (risk,) = assess(reading, SPEC, estimator, now=NOW, stale_after=STALE_AFTER)
        assert risk.stale is (adl.tier is not None)
    assert estimator.readings("bybit") == 0
    fresh = AccountReading(
        fetched_at=NOW,
        positions=(winner,),
        adl={("BTC/USDT:USDT", "long"): tier(4)},
        figures=FIGURES,
    )
    assess(fresh, SPEC, estimator, now=NOW, stale_after=STALE_AFTER)
    assert estimator.readings("bybit") == 1


def test_each_position_calibrates_and_is_estimated_in_its_own_queue() -> None:
    """The venue ranks BTC longs among BTC longs: a BTC tier teaches the BTC long queue, and a
    SOL long without an indicator of its own falls back to the venue overall, saying so."""
    estimator = RankEstimator()
    btc = linear("BTC/USDT:USDT", 0.05, 10.0)
    sol = linear("SOL/USDT:USDT", 0.05, 10.0)
    reading = AccountReading(
        fetched_at=NOW,
        positions=(btc, sol),
        adl={("BTC/USDT:USDT", "long"): tier(5)},
        figures=FIGURES,
    )
    btc_risk, sol_risk = assess(reading, SPEC, estimator, now=NOW, stale_after=STALE_AFTER)
    assert estimator.readings("bybit", queue=("BTC/USDT:USDT", "long")) == 1
    assert estimator.readings("bybit", queue=("SOL/USDT:USDT", "long")) == 0
    assert btc_risk.estimate is not None and sol_risk.estimate is not None
    assert btc_risk.estimate.tier == 5
    assert "BTC/USDT:USDT longs on Bybit" in btc_risk.estimate.basis
    assert "on Bybit overall" in sol_risk.estimate.basis
    assert "no readings yet of SOL/USDT:USDT longs" in sol_risk.estimate.basis


def test_an_unchanged_tier_refreshed_every_few_seconds_is_sampled_once_a_minute() -> None:
    estimator = RankEstimator()
    winner = linear("BTC/USDT:USDT", 0.05, 10.0)
    for second in range(0, 300, 5):
        at = NOW + timedelta(seconds=second)
        reading = AccountReading(
            fetched_at=at,
            positions=(winner,),
            adl={("BTC/USDT:USDT", "long"): AdlIndicator(4, 4, at)},
            figures=FIGURES,
        )
        assess(reading, SPEC, estimator, now=at, stale_after=STALE_AFTER)
    assert estimator.readings("bybit") == 5


def test_adl_hits_are_flagged_on_their_position_only() -> None:
    hit = linear("BTC/USDT:USDT", 0.05, 10.0)
    other = linear("BTC/USDT:USDT", -0.01, 10.0, side=Side.SHORT)
    reading = AccountReading(
        fetched_at=NOW,
        positions=(hit, other),
        figures=FIGURES,
        adl_hits=frozenset({("BTC/USDT:USDT", "long")}),
    )
    flags = [
        (r.position.side, r.adl_hit)
        for r in assess(reading, SPEC, RankEstimator(), now=NOW, stale_after=STALE_AFTER)
    ]
    assert flags == [(Side.LONG, True), (Side.SHORT, False)]


def test_riskiest_first() -> None:
    positions = (
        linear("A/USDT:USDT", 0.01, 3.0),
        linear("B/USDT:USDT", -0.05, 3.0),
        linear("C/USDT:USDT", 0.02, 5.0),
        linear("D/USDT:USDT", 0.015, 3.0),
    )
    reading = AccountReading(
        fetched_at=NOW,
        positions=positions,
        adl={
            ("A/USDT:USDT", "long"): tier(3),
            ("C/USDT:USDT", "long"): tier(5),
            ("D/USDT:USDT", "long"): tier(3),
        },
        figures=FIGURES,
    )
    risks = assess(reading, SPEC, RankEstimator(), now=NOW, stale_after=STALE_AFTER)
    ordered = [r.position.symbol for r in sort_riskiest_first(risks)]
    # C is red; A and D are both yellow, D scores higher (more profit); B is losing
    assert ordered == ["C/USDT:USDT", "D/USDT:USDT", "A/USDT:USDT", "B/USDT:USDT"]
