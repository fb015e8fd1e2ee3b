"""When to tell the trader: the alert rules as a pure state machine.

Input: snapshots and the clock (`AlertRules.feed(snapshot, now)`); output: `Alert` objects. No
I/O, no timers — the caller feeds every snapshot and shows what comes back.

The rules, per position (account, symbol, side) — never per refresh and never per account:

* **Level.** A position alerts when it rises into an alerting level (default orange and red).
  It stays quiet while it stays there. The level it was announced at is "spent" until the
  position has been *below* that level for the hysteresis hold (default 2 min): a dip shorter
  than that is noise, not a departure. Independently, a position gets **at most one level alert
  per cooldown** (default 15 min), whatever the level, so however the tier oscillates, one
  notification per cooldown. The one exception is a rise *above* what that notification said:
  an orange followed by red within the cooldown is an *escalation* (`Alert.escalates`) that
  takes the orange's place on screen — the trader must not learn of the red only from the ADL.
  One escalation per level, and a red is the top.
* **Raised by the market.** A profitable position below orange is taken as orange when the
  market says ADL is near on it — venue-wide ADL risk high, its tier rising fast, or a market
  run where the venue publishes no venue-wide risk (core/alerts/market_warning.py); the alert says
  that the reason is the market, not its own tier. Red stays red.
* **Monitoring lost** — once, when an orange/red position's row turns stale or its account
  reports an error (or the account's rows vanish while it is in error); re-armed when fresh data
  returns, and never twice within the cooldown.
* **ADL hit** — when the venue flags a position as auto-deleveraged (`PositionRisk.adl_hit`
  rising), naming the venue's evidence. A position fully closed by ADL is carried, at size
  zero, for the one reading that noticed the hit (`carry_deleveraged`); the alert gives the
  level and figures it was last seen at.
* **Closed, ADL not confirmed** — when a position vanished while at an alerting level (orange
  or red by default) and the venue showed neither ADL evidence nor a fill of the user's own
  (`PositionRisk.closed_unconfirmed`): ADL is likely, and silence would hide it. Once per close.
* **Hedge broken** — for each position of *another* account (any venue) on the same base asset,
  opposite side and similar size (within ±50 % of the deleveraged leg's size before the hit),
  when that other leg was just deleveraged: this one is now naked.

Holding:

* *paused* and *snoozed* hold every alert; *quiet hours* hold all but the urgent ones — red
  level, red monitoring-lost, ADL hit, unconfirmed close, hedge broken — unless
  `red_in_quiet_hours` is off.
* Held alerts are not replayed as a flood. A held level or monitoring-lost alert leaves the
  position armed, so when the hold ends, a position *still* at that level (or still unmonitored)
  alerts once, with its state at that moment; one that calmed down in the meantime stays
  silent. ADL hits, unconfirmed closes and broken hedges are facts, not states: each held one
  is delivered once (coalesced per position) when the hold ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta, tzinfo

from adl_monitor.core.alerts.alert import Alert, AlertKind
from adl_monitor.core.alerts.market_warning import MarketMemory, Raised, own_tier, raised
from adl_monitor.core.model.age import describe_age
from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.position import PositionId
from adl_monitor.core.model.snapshot import AccountState, AccountStatus, PositionRisk, Snapshot
from adl_monitor.core.venues.display_names import base_asset, venue_display_name

HEDGE_SIZE_TOLERANCE = 0.5
"""The other leg of a hedge is within ±50 % of the deleveraged leg's size."""
URGENT_KINDS = frozenset({AlertKind.ADL_HIT, AlertKind.ADL_UNCONFIRMED, AlertKind.HEDGE_BROKEN})


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily window in local time; `start` > `end` wraps midnight (22:00–07:00)."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


@dataclass(frozen=True, slots=True)
class AlertSettings:
    """What the user chose. `timezone` None means the machine's local time (for quiet hours)."""

    levels: frozenset[Level] = frozenset({Level.ORANGE, Level.RED})
    cooldown: timedelta = timedelta(minutes=15)
    hysteresis: timedelta = timedelta(minutes=2)
    quiet_hours: QuietHours | None = None
    red_in_quiet_hours: bool = True
    paused: bool = False
    snooze_until: datetime | None = None
    timezone: tzinfo | None = None


@dataclass(slots=True)
class _Track:
    """What the rules remember about one position."""

    spent: Level = Level.NONE
    below_since: datetime | None = None
    below_peak: Level = Level.NONE
    alerted_at: dict[Level, datetime] = field(default_factory=dict)
    lost: bool = False
    lost_announced: bool = False
    lost_alerted_at: datetime | None = None
    hit: bool = False
    closed: bool = False
    last: PositionRisk | None = None
    last_fresh: PositionRisk | None = None
    market: MarketMemory = field(default_factory=MarketMemory)


class AlertRules:
    """The state machine. Feed it every snapshot in time order; it returns what to show."""

    def __init__(self, settings: AlertSettings | None = None) -> None:
        self._settings = settings or AlertSettings()
        self._tracks: dict[PositionId, _Track] = {}
        self._held_events: dict[tuple[AlertKind, PositionId], Alert] = {}

    @property
    def settings(self) -> AlertSettings:
        return self._settings

    def update_settings(self, settings: AlertSettings) -> None:
        """The user's new rules; a pause or snooze is this session's state, not a setting,
        so saving the Settings dialog never ends one (only `pause` and `snooze` do)."""
        current = self._settings
        self._settings = replace(settings, paused=current.paused, snooze_until=current.snooze_until)

    def snooze(self, until: datetime | None) -> None:
        """Hold alerts until `until` (None ends a snooze)."""
        self._settings = replace(self._settings, snooze_until=until)

    def pause(self, paused: bool) -> None:
        self._settings = replace(self._settings, paused=paused)

    def feed(self, snapshot: Snapshot, now: datetime) -> list[Alert]:
        out: list[Alert] = []
        self._release_held_events(now, out)
        accounts = {status.name: status for status in snapshot.accounts}
        present: dict[PositionId, PositionRisk] = {risk.key: risk for risk in snapshot.positions}
        hits: list[tuple[PositionRisk, float]] = []
        for key, risk in present.items():
            track = self._tracks.setdefault(key, _Track())
            status = accounts.get(risk.position.account)
            if risk.stale or _in_trouble(status):
                self._monitoring_lost(track, risk, status, now, out)
            else:
                self._monitoring_back(track)
                track.market.note(risk, now)
                why = raised(risk, track.market, now)
                level = risk.level if why is None else max(risk.level, why.level)
                self._level(track, level, risk, now, out, why)
                self._deleveraged(track, risk, now, out, hits)
                track.last_fresh = risk
            track.last = risk
        for key, track in list(self._tracks.items()):
            if key in present:
                continue
            last = track.last
            status = accounts.get(key[0])
            if last is not None and _in_trouble(status):
                self._monitoring_lost(track, last, status, now, out)
                continue
            self._monitoring_back(track)
            self._level(track, Level.NONE, last, now, out)
            if self._forgettable(track, now):
                del self._tracks[key]
        for hit, size in hits:
            for other in _other_legs(hit, size, present.values()):
                self._event(_hedge_broken_alert(other, hit, now), now, out)
        return out

    # ---- level alerts ------------------------------------------------------------------

    def _level(
        self,
        track: _Track,
        level: Level,
        risk: PositionRisk | None,
        now: datetime,
        out: list[Alert],
        why: Raised | None = None,
    ) -> None:
        settings = self._settings
        # Each reading holds until the next one: a position seen below its announced level at
        # `below_since` stayed there until now.
        if track.below_since is not None and now - track.below_since >= settings.hysteresis:
            track.spent = track.below_peak  # calmed down for long enough: re-armed above it
            track.below_since = None
        if level >= track.spent:
            track.below_since = None
        elif track.below_since is None:
            track.below_since = now
            track.below_peak = level
        else:
            track.below_peak = max(track.below_peak, level)
        if risk is None or level not in settings.levels or level <= track.spent:
            return
        # One notification per position per cooldown; a rise above what it said within the
        # cooldown replaces it (an escalation) rather than adding a second one.
        recent = [
            at_level for at_level, at in track.alerted_at.items() if now - at < settings.cooldown
        ]
        if recent and level <= max(recent):
            return
        alert = _level_alert(risk, level, now, why, escalates=bool(recent))
        if self._deliverable(alert, now):
            out.append(alert)
            track.spent = level
            track.below_since = None
            track.alerted_at[level] = now

    # ---- monitoring lost ---------------------------------------------------------------

    def _monitoring_lost(
        self,
        track: _Track,
        risk: PositionRisk,
        status: AccountStatus | None,
        now: datetime,
        out: list[Alert],
    ) -> None:
        track.lost = True
        if track.lost_announced:
            return
        level = max(risk.level, track.last_fresh.level if track.last_fresh else Level.NONE)
        if level not in self._settings.levels:
            return
        if track.lost_alerted_at and now - track.lost_alerted_at < self._settings.cooldown:
            track.lost_announced = True
            return
        alert = _lost_alert(risk, level, status, now)
        if self._deliverable(alert, now):
            out.append(alert)
            track.lost_announced = True
            track.lost_alerted_at = now

    @staticmethod
    def _monitoring_back(track: _Track) -> None:
        track.lost = False
        track.lost_announced = False

    # ---- events (ADL hit, unconfirmed close, hedge broken) -----------------------------

    def _deleveraged(
        self,
        track: _Track,
        risk: PositionRisk,
        now: datetime,
        out: list[Alert],
        hits: list[tuple[PositionRisk, float]],
    ) -> None:
        """An ADL hit the venue confirmed, or a close at orange/red it did not explain."""
        before = track.last_fresh or risk  # the position as last seen open
        level = max(risk.level, before.level)
        if risk.adl_hit and not track.hit:
            self._event(_adl_hit_alert(risk, before, level, now), now, out)
            hits.append((risk, _size_before_hit(track, risk)))
        elif risk.closed_unconfirmed and not track.closed and level in self._settings.levels:
            self._event(_unconfirmed_close_alert(risk, before, level, now), now, out)
        track.hit = risk.adl_hit
        track.closed = risk.closed_unconfirmed

    # ---- delivery of events --------------------------------------------------------

    def _event(self, alert: Alert, now: datetime, out: list[Alert]) -> None:
        if self._deliverable(alert, now):
            out.append(alert)
        else:
            self._held_events[(alert.kind, alert.position_id)] = alert

    def _release_held_events(self, now: datetime, out: list[Alert]) -> None:
        for slot, alert in list(self._held_events.items()):
            if self._deliverable(alert, now):
                out.append(alert)
                del self._held_events[slot]

    # ---- holding -----------------------------------------------------------------------

    def _deliverable(self, alert: Alert, now: datetime) -> bool:
        settings = self._settings
        if settings.paused:
            return False
        if settings.snooze_until is not None and now < settings.snooze_until:
            return False
        if settings.quiet_hours is None:
            return True
        local = now.astimezone(settings.timezone).time()
        if not settings.quiet_hours.contains(local):
            return True
        urgent = alert.kind in URGENT_KINDS or alert.level is Level.RED
        return urgent and settings.red_in_quiet_hours

    def _forgettable(self, track: _Track, now: datetime) -> bool:
        recent = any(now - at < self._settings.cooldown for at in track.alerted_at.values())
        return track.spent is Level.NONE and not track.lost and not recent


# ---- helpers ------------------------------------------------------------------------------


_TROUBLE = frozenset({AccountState.ERROR, AccountState.STALE})


def _in_trouble(status: AccountStatus | None) -> bool:
    """The account's data cannot be trusted as current. (CONNECTING is the first connection:
    nothing was being monitored yet.)"""
    return status is not None and status.state in _TROUBLE


def _tier(risk: PositionRisk) -> tuple[int | None, bool]:
    """The tier behind the level, and whether it is our estimate rather than the venue's."""
    venue_tier = risk.exchange_adl is not None and risk.exchange_adl.tier is not None
    return own_tier(risk), not venue_tier and risk.estimate is not None


def _tier_words(risk: PositionRisk) -> str:
    tier, estimated = _tier(risk)
    if tier is None:
        return "tier unknown"
    return f"estimated tier {tier}" if estimated else f"tier {tier}"


def _name(risk: PositionRisk) -> str:
    position = risk.position
    return f"{venue_display_name(position.exchange)} {position.symbol} {position.side.value}"


def _figures(risk: PositionRisk) -> str:
    pnl = "PnL unknown" if risk.pnl_pct is None else f"PnL {100 * risk.pnl_pct:+.1f} %"
    leverage = (
        "effective leverage unknown"
        if risk.effective_leverage is None
        else f"effective leverage {risk.effective_leverage:.1f}×"
    )
    return f"{pnl}, {leverage}"


def _alert(
    kind: AlertKind, risk: PositionRisk, level: Level, now: datetime, title: str, body: str
) -> Alert:
    position = risk.position
    tier, _ = _tier(risk)
    return Alert(
        kind=kind,
        at=now,
        account=position.account,
        exchange=position.exchange,
        symbol=position.symbol,
        side=position.side.value,
        level=level,
        tier=tier,
        title=title,
        body=body,
    )


def _level_alert(
    risk: PositionRisk, level: Level, now: datetime, why: Raised | None, *, escalates: bool
) -> Alert:
    """The position rose into `level`: by its own tier, or raised by the market (`why`);
    `escalates` when it replaces a lower level's notification from this cooldown."""
    if why is None or level > why.level or risk.level >= why.level:
        title = f"{_name(risk)} → {level.label} ({_tier_words(risk)})"
        body = f"{risk.position.account}: {_figures(risk)}."
    else:
        title = f"{_name(risk)} → {level.label}: ADL risk on the market ({_tier_words(risk)})"
        body = f"{risk.position.account}: {why.reason} {_figures(risk)}."
    if risk.advice is not None:
        body = f"{body} {risk.advice.text}"
    alert = _alert(AlertKind.LEVEL, risk, level, now, title, body)
    return replace(alert, escalates=True) if escalates else alert


def _lost_alert(
    risk: PositionRisk, level: Level, status: AccountStatus | None, now: datetime
) -> Alert:
    title = f"{_name(risk)}: monitoring lost (last {level.label}, {_tier_words(risk)})"
    if status is not None and status.error:
        reason = status.error.rstrip(".")
    else:
        age = describe_age(max(0.0, (now - risk.fetched_at).total_seconds()))
        reason = f"{risk.position.account}: no fresh data for {age}"
    body = f"{reason}. Last known: {_figures(risk)} — check the position on the exchange."
    return _alert(AlertKind.MONITORING_LOST, risk, level, now, title, body)


def _adl_hit_alert(risk: PositionRisk, before: PositionRisk, level: Level, now: datetime) -> Alert:
    title = f"{_name(risk)} was auto-deleveraged"
    how_much = "all" if risk.position.contracts == 0 else "part"
    evidence = risk.adl_evidence or f"{venue_display_name(risk.position.exchange)}'s position data"
    body = (
        f"{risk.position.account}: the exchange closed {how_much} of this position by ADL "
        f"(evidence: {evidence}). Last seen at {level.label}: {_figures(before)}. "
        "Check what is left, and any hedge on another account."
    )
    return _alert(AlertKind.ADL_HIT, before, level, now, title, body)


def _unconfirmed_close_alert(
    risk: PositionRisk, before: PositionRisk, level: Level, now: datetime
) -> Alert:
    venue = venue_display_name(risk.position.exchange)
    title = (
        f"{_name(risk)} closed while {level.label} — possibly auto-deleveraged, "
        f"not confirmed by {venue}"
    )
    body = (
        f"{risk.position.account}: the position is gone, and {venue} shows no fill of yours "
        f"that closed it. ADL is likely; check your trade history on {venue}. "
        f"Last seen: {_figures(before)}."
    )
    return _alert(AlertKind.ADL_UNCONFIRMED, before, level, now, title, body)


def _hedge_broken_alert(risk: PositionRisk, hit: PositionRisk, now: datetime) -> Alert:
    title = f"{_name(risk)}: hedge broken"
    other = hit.position
    body = (
        f"{risk.position.account}: the opposite {other.side.value} leg on "
        f"{venue_display_name(other.exchange)} ({other.account}, {other.symbol}) was just "
        f"auto-deleveraged — this position is no longer hedged. {_figures(risk)}."
    )
    return _alert(AlertKind.HEDGE_BROKEN, risk, risk.level, now, title, body)


def _base_size(risk: PositionRisk) -> float:
    """Position size in the base asset, comparable across linear and inverse contracts."""
    position = risk.position
    size = abs(position.contracts) * position.contract_size
    if position.inverse:
        return size / position.mark_price if position.mark_price else 0.0
    return size


def _size_before_hit(track: _Track, risk: PositionRisk) -> float:
    before = _base_size(track.last_fresh) if track.last_fresh is not None else 0.0
    return max(before, _base_size(risk))


def _other_legs(
    hit: PositionRisk, size: float, candidates: Iterable[PositionRisk]
) -> list[PositionRisk]:
    """Positions of other accounts that hedged `hit`: same base, opposite side, similar size."""
    legs: list[PositionRisk] = []
    asset = base_asset(hit.position.symbol)
    for other in candidates:
        position = other.position
        if position.account == hit.position.account or position.side is hit.position.side:
            continue
        if base_asset(position.symbol) != asset or size <= 0:
            continue
        if abs(_base_size(other) - size) <= HEDGE_SIZE_TOLERANCE * size:
            legs.append(other)
    return legs
