"""The alert rules: what a trader gets told, when, and how often."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from adl_monitor.core.advice.suggestion import Advice
from adl_monitor.core.alerts.alert import Alert, AlertKind
from adl_monitor.core.alerts.rules import AlertRules, AlertSettings, QuietHours
from adl_monitor.core.model.adl_indicator import AdlIndicator
from adl_monitor.core.model.estimate import Estimate
from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.position import MarginMode, Position, Side
from adl_monitor.core.model.snapshot import AccountState, AccountStatus, PositionRisk, Snapshot

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def position(
    account: str = "main",
    exchange: str = "bybit",
    symbol: str = "BTC/USDT:USDT",
    side: Side = Side.LONG,
    contracts: float = 1.0,
) -> Position:
    return Position(
        account=account,
        exchange=exchange,
        symbol=symbol,
        side=side,
        contracts=contracts,
        contract_size=1.0,
        entry_price=50_000.0,
        mark_price=60_000.0,
        notional=60_000.0 * contracts,
        unrealized_pnl=10_000.0 * contracts,
        margin_mode=MarginMode.CROSS,
    )


def risk(
    tier: int | None,
    at: datetime,
    pos: Position | None = None,
    *,
    stale: bool = False,
    adl_hit: bool = False,
    estimated: int | None = None,
) -> PositionRisk:
    return PositionRisk(
        position=pos or position(),
        exchange_adl=None if tier is None else AdlIndicator(raw=tier, tier=tier, updated_at=at),
        estimate=None if estimated is None else Estimate(1.0, estimated, estimated, estimated, ""),
        fetched_at=at,
        advice=Advice("Add 1,250 USDT margin to drop from red to yellow."),
        effective_leverage=12.3,
        pnl_pct=0.42,
        stale=stale,
        adl_hit=adl_hit,
    )


def snap(at: datetime, *risks: PositionRisk, accounts: tuple[AccountStatus, ...] = ()) -> Snapshot:
    return Snapshot(generated_at=at, accounts=accounts, positions=risks)


def live(name: str = "main", exchange: str = "bybit") -> AccountStatus:
    return AccountStatus(name=name, exchange=exchange, state=AccountState.LIVE)


def feed_tier(rules: AlertRules, tier: int, at: datetime) -> list[Alert]:
    return rules.feed(snap(at, risk(tier, at)), at)


def test_entering_red_alerts_once_with_title_and_body() -> None:
    rules = AlertRules()
    assert feed_tier(rules, 3, T0) == []
    alerts = feed_tier(rules, 5, T0 + MIN)
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.kind is AlertKind.LEVEL
    assert alert.level is Level.RED and alert.tier == 5
    assert alert.title == "Bybit BTC/USDT:USDT long → red (tier 5)"
    assert "PnL +42.0 %" in alert.body
    assert "effective leverage 12.3×" in alert.body
    assert "Add 1,250 USDT margin" in alert.body


def test_estimated_tier_is_named_as_an_estimate() -> None:
    rules = AlertRules()
    pos = position(exchange="hyperliquid", symbol="ETH/USDC:USDC")
    alerts = rules.feed(snap(T0, risk(None, T0, pos, estimated=4)), T0)
    assert [a.title for a in alerts] == [
        "Hyperliquid ETH/USDC:USDC long → orange (estimated tier 4)"
    ]


def test_no_repeat_while_it_stays_red() -> None:
    rules = AlertRules()
    assert len(feed_tier(rules, 5, T0)) == 1
    for minute in range(1, 120):
        assert feed_tier(rules, 5, T0 + minute * MIN) == []


def test_short_dips_are_not_a_departure() -> None:
    rules = AlertRules()
    assert len(feed_tier(rules, 5, T0)) == 1
    # flickers red/yellow every 30 s for an hour: never calm for the 2-minute hold
    step = timedelta(seconds=30)
    for i in range(1, 120):
        assert feed_tier(rules, 3 if i % 2 else 5, T0 + i * step) == []


def test_realerts_after_leaving_for_the_hysteresis_time() -> None:
    rules = AlertRules(AlertSettings(cooldown=timedelta(minutes=5)))
    assert len(feed_tier(rules, 5, T0)) == 1
    for minute in range(1, 7):  # yellow for 6 minutes: longer than the hold and the cooldown
        assert feed_tier(rules, 3, T0 + minute * MIN) == []
    again = feed_tier(rules, 5, T0 + 7 * MIN)
    assert [a.level for a in again] == [Level.RED]


def test_a_return_within_the_cooldown_waits_for_it_then_alerts_once() -> None:
    rules = AlertRules()  # cooldown 15 min, hold 2 min
    assert len(feed_tier(rules, 5, T0)) == 1
    for minute in range(1, 5):
        assert feed_tier(rules, 2, T0 + minute * MIN) == []
    fired = [m for m in range(5, 40) if feed_tier(rules, 5, T0 + m * MIN)]
    assert fired == [15]


def test_orange_then_red_within_the_cooldown_replaces_the_notification() -> None:
    """Issue 10: at most one alert per position per cooldown — but the red that follows an
    orange within it must reach the trader before the ADL does. It is an escalation: it takes
    the orange's place on screen, and nothing more is told for the rest of the cooldown."""
    rules = AlertRules()  # cooldown 15 min
    assert [a.level for a in feed_tier(rules, 4, T0)] == [Level.ORANGE]
    fired = [
        (m, a.level, a.escalates) for m in range(1, 40) for a in feed_tier(rules, 5, T0 + m * MIN)
    ]
    assert fired == [(1, Level.RED, True)]


def test_red_then_orange_does_not_alert_again() -> None:
    rules = AlertRules()
    assert [a.level for a in feed_tier(rules, 5, T0)] == [Level.RED]
    assert feed_tier(rules, 4, T0 + MIN) == []
    assert feed_tier(rules, 4, T0 + 30 * MIN) == []


def test_yellow_never_alerts_by_default_but_can_be_chosen() -> None:
    assert feed_tier(AlertRules(), 3, T0) == []
    rules = AlertRules(AlertSettings(levels=frozenset({Level.YELLOW})))
    assert [a.level for a in feed_tier(rules, 3, T0)] == [Level.YELLOW]


def test_one_alert_per_position_not_per_account() -> None:
    rules = AlertRules()
    long_btc = risk(5, T0, position(symbol="BTC/USDT:USDT"))
    long_eth = risk(5, T0, position(symbol="ETH/USDT:USDT"))
    other = risk(5, T0, position(account="sub", symbol="BTC/USDT:USDT"))
    alerts = rules.feed(snap(T0, long_btc, long_eth, other), T0)
    assert sorted((a.account, a.symbol) for a in alerts) == [
        ("main", "BTC/USDT:USDT"),
        ("main", "ETH/USDT:USDT"),
        ("sub", "BTC/USDT:USDT"),
    ]
    assert rules.feed(snap(T0 + MIN, long_btc, long_eth, other), T0 + MIN) == []


QUIET = QuietHours(start=time(22, 0), end=time(7, 0))
NIGHT = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
MORNING = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)


def test_quiet_hours_hold_orange_and_release_it_once_if_still_orange() -> None:
    rules = AlertRules(AlertSettings(quiet_hours=QUIET, timezone=UTC))
    assert feed_tier(rules, 4, NIGHT) == []
    assert feed_tier(rules, 4, NIGHT + 60 * MIN) == []
    released = feed_tier(rules, 4, MORNING)
    assert [a.level for a in released] == [Level.ORANGE]
    assert feed_tier(rules, 4, MORNING + MIN) == []


def test_a_held_alert_is_dropped_when_the_position_calmed_down() -> None:
    rules = AlertRules(AlertSettings(quiet_hours=QUIET, timezone=UTC))
    assert feed_tier(rules, 4, NIGHT) == []
    assert feed_tier(rules, 2, NIGHT + 60 * MIN) == []
    assert feed_tier(rules, 2, MORNING) == []


def test_quiet_hours_pass_red() -> None:
    rules = AlertRules(AlertSettings(quiet_hours=QUIET, timezone=UTC))
    assert [a.level for a in feed_tier(rules, 5, NIGHT)] == [Level.RED]


def test_quiet_hours_hold_red_when_the_user_turned_that_off() -> None:
    rules = AlertRules(AlertSettings(quiet_hours=QUIET, timezone=UTC, red_in_quiet_hours=False))
    assert feed_tier(rules, 5, NIGHT) == []
    assert [a.level for a in feed_tier(rules, 5, MORNING)] == [Level.RED]


def test_quiet_hours_within_one_day_and_wrapping_midnight() -> None:
    assert QUIET.contains(time(23, 0)) and QUIET.contains(time(3, 0))
    assert not QUIET.contains(time(7, 0)) and not QUIET.contains(time(12, 0))
    lunch = QuietHours(time(12, 0), time(13, 0))
    assert lunch.contains(time(12, 30)) and not lunch.contains(time(13, 30))


def test_snooze_holds_even_red_and_then_alerts_once() -> None:
    rules = AlertRules()
    rules.snooze(T0 + 15 * MIN)
    for minute in range(15):
        assert feed_tier(rules, 5, T0 + minute * MIN) == []
    assert [a.level for a in feed_tier(rules, 5, T0 + 15 * MIN)] == [Level.RED]
    assert feed_tier(rules, 5, T0 + 16 * MIN) == []


def test_paused_holds_until_resumed() -> None:
    rules = AlertRules()
    rules.pause(True)
    assert feed_tier(rules, 5, T0) == []
    assert feed_tier(rules, 5, T0 + 60 * MIN) == []
    rules.pause(False)
    assert [a.level for a in feed_tier(rules, 5, T0 + 61 * MIN)] == [Level.RED]


def test_monitoring_lost_once_when_a_red_row_goes_stale() -> None:
    rules = AlertRules()
    assert len(feed_tier(rules, 5, T0)) == 1
    stale = risk(5, T0, stale=True)
    lost = rules.feed(snap(T0 + 5 * MIN, stale), T0 + 5 * MIN)
    assert [a.kind for a in lost] == [AlertKind.MONITORING_LOST]
    assert "monitoring lost" in lost[0].title and "no fresh data for 5 min" in lost[0].body
    assert rules.feed(snap(T0 + 6 * MIN, stale), T0 + 6 * MIN) == []


def test_monitoring_lost_when_the_account_errors_and_its_rows_vanish() -> None:
    rules = AlertRules()
    rules.feed(snap(T0, risk(4, T0), accounts=(live(),)), T0)
    failed = AccountStatus(
        name="main",
        exchange="bybit",
        state=AccountState.ERROR,
        error="main: cannot reach the exchange — check your internet connection; retrying.",
    )
    lost = rules.feed(snap(T0 + MIN, accounts=(failed,)), T0 + MIN)
    assert [a.kind for a in lost] == [AlertKind.MONITORING_LOST]
    assert "cannot reach the exchange" in lost[0].body
    assert rules.feed(snap(T0 + 2 * MIN, accounts=(failed,)), T0 + 2 * MIN) == []


def test_no_monitoring_lost_for_a_green_position_or_a_closed_one() -> None:
    rules = AlertRules()
    rules.feed(snap(T0, risk(2, T0)), T0)
    assert rules.feed(snap(T0 + MIN, risk(2, T0, stale=True)), T0 + MIN) == []
    rules.feed(snap(T0 + 2 * MIN, risk(5, T0 + 2 * MIN), accounts=(live(),)), T0 + 2 * MIN)
    assert rules.feed(snap(T0 + 3 * MIN, accounts=(live(),)), T0 + 3 * MIN) == []


def test_a_stale_row_never_raises_a_level_alert() -> None:
    rules = AlertRules()
    assert rules.feed(snap(T0, risk(2, T0)), T0) == []
    stale_red = risk(5, T0 + MIN, stale=True)
    kinds = [a.kind for a in rules.feed(snap(T0 + MIN, stale_red), T0 + MIN)]
    assert kinds == [AlertKind.MONITORING_LOST]


def test_monitoring_lost_of_orange_waits_out_quiet_hours_if_still_lost() -> None:
    rules = AlertRules(AlertSettings(quiet_hours=QUIET, timezone=UTC))
    assert feed_tier(rules, 4, NIGHT - 120 * MIN) != []
    stale = risk(4, NIGHT - 120 * MIN, stale=True)
    assert rules.feed(snap(NIGHT, stale), NIGHT) == []
    assert [a.kind for a in rules.feed(snap(MORNING, stale), MORNING)] == [
        AlertKind.MONITORING_LOST
    ]
    assert rules.feed(snap(MORNING + MIN, stale), MORNING + MIN) == []


def test_adl_hit_goes_through_quiet_hours() -> None:
    rules = AlertRules(AlertSettings(quiet_hours=QUIET, timezone=UTC))
    rules.feed(snap(NIGHT, risk(3, NIGHT)), NIGHT)
    hit = risk(3, NIGHT + MIN, adl_hit=True)
    assert [a.kind for a in rules.feed(snap(NIGHT + MIN, hit), NIGHT + MIN)] == [AlertKind.ADL_HIT]


def test_adl_hit_alerts_once() -> None:
    rules = AlertRules()
    rules.feed(snap(T0, risk(5, T0)), T0)
    hit = risk(5, T0 + MIN, position(contracts=0.4), adl_hit=True)
    alerts = rules.feed(snap(T0 + MIN, hit), T0 + MIN)
    assert [a.kind for a in alerts] == [AlertKind.ADL_HIT]
    assert alerts[0].title == "Bybit BTC/USDT:USDT long was auto-deleveraged"
    assert rules.feed(snap(T0 + 2 * MIN, hit), T0 + 2 * MIN) == []


def test_adl_hit_while_snoozed_is_delivered_once_afterwards() -> None:
    rules = AlertRules()
    rules.feed(snap(T0, risk(3, T0)), T0)
    rules.snooze(T0 + 10 * MIN)
    hit = risk(3, T0 + MIN, adl_hit=True)
    assert rules.feed(snap(T0 + MIN, hit), T0 + MIN) == []
    assert rules.feed(snap(T0 + 2 * MIN, hit), T0 + 2 * MIN) == []
    later = rules.feed(snap(T0 + 10 * MIN, hit), T0 + 10 * MIN)
    assert [a.kind for a in later] == [AlertKind.ADL_HIT]
    assert rules.feed(snap(T0 + 11 * MIN, hit), T0 + 11 * MIN) == []


def hedge_pair(at: datetime, *, hit: bool, short_size: float = 1.0) -> tuple[PositionRisk, ...]:
    long_leg = risk(5, at, position(account="bybit-main", contracts=1.0), adl_hit=hit)
    short_leg = risk(
        1,
        at,
        position(
            account="okx-hedge",
            exchange="okx",
            symbol="BTC/USDT:USDT",
            side=Side.SHORT,
            contracts=short_size,
        ),
    )
    unrelated = risk(1, at, position(account="okx-hedge", exchange="okx", symbol="ETH/USDT:USDT"))
    return long_leg, short_leg, unrelated


def test_hedge_broken_names_the_surviving_leg() -> None:
    rules = AlertRules()
    rules.feed(snap(T0, *hedge_pair(T0, hit=False)), T0)
    alerts = rules.feed(snap(T0 + MIN, *hedge_pair(T0 + MIN, hit=True)), T0 + MIN)
    kinds = {a.kind: a for a in alerts}
    assert set(kinds) == {AlertKind.ADL_HIT, AlertKind.HEDGE_BROKEN}
    broken = kinds[AlertKind.HEDGE_BROKEN]
    assert (broken.account, broken.exchange, broken.side) == ("okx-hedge", "okx", "short")
    assert "Bybit" in broken.body and "no longer hedged" in broken.body


def test_no_hedge_when_sizes_differ_by_more_than_half() -> None:
    rules = AlertRules()
    rules.feed(snap(T0, *hedge_pair(T0, hit=False, short_size=3.0)), T0)
    alerts = rules.feed(snap(T0 + MIN, *hedge_pair(T0 + MIN, hit=True, short_size=3.0)), T0 + MIN)
    assert [a.kind for a in alerts] == [AlertKind.ADL_HIT]


def test_same_account_opposite_side_is_not_a_cross_account_hedge() -> None:
    rules = AlertRules()
    long_leg = risk(5, T0 + MIN, position(), adl_hit=True)
    short_leg = risk(1, T0 + MIN, position(side=Side.SHORT))
    kinds = [a.kind for a in rules.feed(snap(T0 + MIN, long_leg, short_leg), T0 + MIN)]
    assert AlertKind.ADL_HIT in kinds and AlertKind.HEDGE_BROKEN not in kinds


# ---- property: oscillation never floods -----------------------------------------------

COOLDOWN = timedelta(minutes=15)


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.integers(min_value=0, max_value=5), st.integers(min_value=1, max_value=600)),
        min_size=1,
        max_size=120,
    )
)
def test_an_oscillating_tier_alerts_at_most_once_per_cooldown(
    steps: list[tuple[int, int]],
) -> None:
    """Any sequence of tiers and gaps (1 s … 10 min): any two notifications of one position are
    at least the cooldown apart (issue 10: at most one alert per position per cooldown); what
    comes between is an escalation that replaces the notification, each above the last."""
    rules = AlertRules(AlertSettings(cooldown=COOLDOWN))
    now = T0
    fired: list[Alert] = []
    for tier, gap in steps:
        now += timedelta(seconds=gap)
        fired += feed_tier(rules, tier, now)
    notifications = [a for a in fired if not a.escalates]
    assert all(b.at - a.at >= COOLDOWN for a, b in itertools.pairwise(notifications))
    for a, b in itertools.pairwise(fired):
        if b.escalates:
            assert b.level > a.level and b.at - a.at < COOLDOWN


@settings(max_examples=100, deadline=None)
@given(
    calm_tier=st.integers(min_value=0, max_value=3),
    gaps=st.lists(st.integers(min_value=1, max_value=900), min_size=2, max_size=150),
)
def test_oscillating_between_calm_and_red_alerts_at_most_once_per_cooldown(
    calm_tier: int, gaps: list[int]
) -> None:
    """Red on even readings, calm on odd ones, any gaps: at most one alert per cooldown — and
    exactly the ones a trader expects: the first red, then a red that follows a calm spell of
    at least the hold, once the cooldown since the last alert has passed."""
    hold = AlertSettings().hysteresis
    rules = AlertRules(AlertSettings(cooldown=COOLDOWN))
    now = T0
    times: list[datetime] = []
    expected: list[datetime] = []
    armed, calm_since = True, None
    for i, gap in enumerate(gaps):
        now += timedelta(seconds=gap)
        red = i % 2 == 0
        times += [a.at for a in feed_tier(rules, 5 if red else calm_tier, now)]
        if not red:
            calm_since = now
            continue
        if calm_since is not None and now - calm_since >= hold:
            armed = True
        if armed and (not expected or now - expected[-1] >= COOLDOWN):
            expected.append(now)
            armed = False
    assert times == expected
    assert all(b - a >= COOLDOWN for a, b in itertools.pairwise(times))


def test_settings_can_change_while_running() -> None:
    rules = AlertRules()
    rules.update_settings(replace(rules.settings, levels=frozenset({Level.RED})))
    assert feed_tier(rules, 4, T0) == []
    assert [a.level for a in feed_tier(rules, 5, T0 + MIN)] == [Level.RED]


def test_new_settings_keep_a_pause_and_a_snooze() -> None:
    """Saving the Settings dialog hands over new rules; it must not end a pause or snooze."""
    rules = AlertRules()
    rules.pause(True)
    rules.snooze(T0 + timedelta(hours=1))
    rules.update_settings(AlertSettings(levels=frozenset({Level.RED})))
    assert rules.settings.paused
    assert rules.settings.snooze_until == T0 + timedelta(hours=1)
    assert rules.settings.levels == frozenset({Level.RED})
    assert feed_tier(rules, 5, T0) == []  # held: still paused
