"""Warnings the market raises (core/alerts/market_warning.py through core/alerts/rules.py): a
profitable position below orange is warned at orange when ADL is near on its market — venue-wide
risk high, its tier rising fast, or a market run where the venue rates nothing — and says so."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from adl_monitor.core.alerts.alert import Alert, AlertKind
from adl_monitor.core.alerts.rules import AlertRules
from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.position import Side
from adl_monitor.core.model.snapshot import PositionRisk
from adl_monitor.core.model.venue_risk import BYBIT_SOURCE, VenueRisk, VenueRiskLevel
from tests.core.alerts.test_alerts import MIN, T0, position, risk, snap

SEC = timedelta(seconds=1)


def venue_risk(level: VenueRiskLevel, age: timedelta = timedelta(0)) -> VenueRisk:
    detail = {
        VenueRiskLevel.HIGH: "insurance pool 0 USDT: empty, ADL is on",
        VenueRiskLevel.LOW: "insurance pool 5,000 USDT, drawdown -2% (ADL at -30%)",
    }.get(level, "")
    return VenueRisk(level, {}, BYBIT_SOURCE, T0 - age, detail)


def with_venue_risk(row: PositionRisk, level: VenueRiskLevel) -> PositionRisk:
    return replace(row, venue_risk=venue_risk(level))


def losing(row: PositionRisk) -> PositionRisk:
    return replace(row, position=replace(row.position, unrealized_pnl=-500.0), pnl_pct=-0.05)


def feed(rules: AlertRules, row: PositionRisk) -> list[Alert]:
    return rules.feed(snap(row.fetched_at, row), row.fetched_at)


def test_profitable_tier_2_in_a_high_risk_market_is_warned_orange_saying_why() -> None:
    alerts = feed(AlertRules(), with_venue_risk(risk(2, T0), VenueRiskLevel.HIGH))
    assert [(a.kind, a.level, a.tier) for a in alerts] == [(AlertKind.LEVEL, Level.ORANGE, 2)]
    alert = alerts[0]
    assert alert.title == ("Bybit BTC/USDT:USDT long → orange: ADL risk on the market (tier 2)")
    assert "Venue-wide ADL risk is high on this contract" in alert.body
    assert "insurance pool 0 USDT: empty, ADL is on" in alert.body
    assert "its own tier is 2, the risk is the market's" in alert.body


def test_the_same_position_with_venue_risk_low_is_not_warned() -> None:
    rules = AlertRules()
    for minute in range(30):
        at = T0 + minute * MIN
        assert feed(rules, with_venue_risk(risk(2, at), VenueRiskLevel.LOW)) == []


def test_a_losing_position_is_not_warned_by_venue_risk() -> None:
    """ADL closes winners: a loser in the same high-risk market has nothing to lose to it."""
    assert feed(AlertRules(), losing(with_venue_risk(risk(3, T0), VenueRiskLevel.HIGH))) == []


def test_an_old_venue_rating_is_not_trusted() -> None:
    row = replace(risk(2, T0), venue_risk=venue_risk(VenueRiskLevel.HIGH, timedelta(hours=2)))
    assert feed(AlertRules(), row) == []


def test_red_stays_red_with_its_own_tier_in_the_title() -> None:
    alerts = feed(AlertRules(), with_venue_risk(risk(5, T0), VenueRiskLevel.HIGH))
    assert [a.title for a in alerts] == ["Bybit BTC/USDT:USDT long → red (tier 5)"]


def test_high_venue_risk_then_red_within_the_cooldown_replaces_the_notification() -> None:
    rules = AlertRules()
    assert [a.level for a in feed(rules, with_venue_risk(risk(3, T0), VenueRiskLevel.HIGH))] == [
        Level.ORANGE
    ]
    later = T0 + 3 * MIN
    red = feed(rules, with_venue_risk(risk(5, later), VenueRiskLevel.HIGH))
    assert [(a.level, a.escalates) for a in red] == [(Level.RED, True)]
    assert feed(rules, with_venue_risk(risk(5, later + MIN), VenueRiskLevel.HIGH)) == []


def test_a_tier_rising_fast_is_warned_before_it_reaches_orange() -> None:
    rules = AlertRules()
    assert feed(rules, risk(1, T0)) == []
    assert feed(rules, risk(2, T0 + MIN)) == []
    alerts = feed(rules, risk(3, T0 + 2 * MIN))
    assert [a.level for a in alerts] == [Level.ORANGE]
    assert "Its tier rose from 1 to 3 within 5 min" in alerts[0].body


def test_a_slow_drift_of_the_tier_is_not_a_rise() -> None:
    rules = AlertRules()
    fired = [feed(rules, risk(tier, T0 + i * 4 * MIN)) for i, tier in enumerate((1, 2, 3))]
    assert fired == [[], [], []]


def run_of(
    exchange: str,
    symbol: str,
    side: Side,
    marks: list[float],
    *,
    rating: VenueRiskLevel | None = None,
    every: timedelta = 30 * SEC,
) -> list[Alert]:
    """Feed a tier-1 position whose mark follows `marks`, one reading `every`; with a venue-wide
    `rating`, the tier is the venue's (as Bybit's), else our estimate (as Hyperliquid's)."""
    rules = AlertRules()
    fired: list[Alert] = []
    for i, mark in enumerate(marks):
        at = T0 + i * every
        pos = replace(position(exchange=exchange, symbol=symbol, side=side), mark_price=mark)
        row = risk(None, at, pos, estimated=1) if rating is None else risk(1, at, pos)
        if rating is not None:
            row = replace(row, venue_risk=replace(venue_risk(rating), updated_at=at))
        fired += feed(rules, row)
    return fired


def test_a_market_run_warns_where_the_venue_rates_no_risk() -> None:
    """Hyperliquid publishes neither a tier nor a venue-wide risk: a fast run in the position's
    favour (the other side being liquidated) is the warning there."""
    crash = [60_000.0 * (1 - 0.005 * i) for i in range(10)]  # −4.5 % in 4.5 min
    alerts = run_of("hyperliquid", "BTC/USDC:USDC", Side.SHORT, crash)
    assert [a.level for a in alerts] == [Level.ORANGE]
    assert "in this position's favour within 10 min" in alerts[0].body
    assert alerts[0].body.startswith("main: The market ran ")
    # The long on the losing side of that crash is not warned by it.
    assert run_of("hyperliquid", "BTC/USDC:USDC", Side.LONG, crash) == []


def test_quiet_noise_is_not_a_market_run() -> None:
    wiggle = [60_000.0 * (1 + 0.004 * (-1) ** i) for i in range(40)]
    assert run_of("hyperliquid", "BTC/USDC:USDC", Side.SHORT, wiggle) == []


def test_a_slow_run_is_left_to_the_venue_that_rates_its_own_risk() -> None:
    """Bybit rates the contract's ADL risk from its insurance pool: a run over minutes is what
    that rating follows, and it says low."""
    crash = [60_000.0 * (1 - 0.005 * i) for i in range(10)]  # −4.5 % in 4.5 min
    assert run_of("bybit", "BTC/USDT:USDT", Side.SHORT, crash, rating=VenueRiskLevel.LOW) == []


def test_a_run_faster_than_the_venue_rating_follows_is_warned_there_too() -> None:
    """The simulator's seed 18 hedge-leg: the mark fell 3.3 % within 45 s while Bybit's pool
    was full and its rating low, and ADL closed the tier-1 short 8 s later. A liquidation
    bigger than the whole pool goes to ADL without draining it first."""
    crash = [97_341.0, 97_255.0, 97_226.0, 96_842.0, 96_486.0, 96_016.0, 95_666.0]
    crash += [95_283.0, 94_834.0, 94_106.0]  # one reading every 5 s
    alerts = run_of(
        "bybit", "BTC/USDT:USDT", Side.SHORT, crash, rating=VenueRiskLevel.LOW, every=5 * SEC
    )
    assert [a.level for a in alerts] == [Level.ORANGE]
    assert "The market ran 3.3 % in this position's favour within 1 min, faster than" in (
        alerts[0].body
    )
    assert "its own tier is 1" in alerts[0].body
    # The long on the losing side of that crash is not warned by it.
    assert run_of("bybit", "BTC/USDT:USDT", Side.LONG, crash, rating=VenueRiskLevel.LOW) == []
