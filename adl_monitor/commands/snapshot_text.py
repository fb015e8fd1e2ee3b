"""Snapshots and alerts as plain text for the terminal (`snapshot` and `watch` without --json).

A stale row says so in its tier column instead of showing the tier as if it were current.
Every string that came from a venue or the config (names, symbols, raw indicators, errors)
passes through `terminal_text`, so it cannot move the cursor or clear the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from adl_monitor.core.alerts.alert import Alert
from adl_monitor.core.model.age import describe_age
from adl_monitor.core.model.snapshot import AccountState, AccountStatus, PositionRisk, Snapshot
from adl_monitor.core.ranking.scales import applied_raw
from adl_monitor.terminal_text import terminal_text

_COLUMNS = (
    "ACCOUNT",
    "SYMBOL",
    "SIDE",
    "NOTIONAL",
    "PNL %",
    "EFF LEV",
    "EXCHANGE TIER",
    "ESTIMATE",
    "VENUE RISK",
    "LEVEL",
)


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.1f}%"


def _leverage(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}×"


def _raw(value: object) -> str:
    """Compact raw value: Binance's `{"LONG": 0, "BOTH": 3}` as `LONG=0 BOTH=3`."""
    if isinstance(value, dict):
        return " ".join(
            f"{terminal_text(key)}={terminal_text(item)}" for key, item in value.items()
        )
    return terminal_text(value)


def _exchange_tier(risk: PositionRisk, now: datetime) -> str:
    adl = risk.exchange_adl
    if adl is None:
        return "none reported"
    position = risk.position
    applied = applied_raw(position.exchange, adl.raw, position.side.value)
    raw = terminal_text(applied) if applied is not None else _raw(adl.raw)
    if adl.tier is None:
        return f"? (raw {raw})"
    text = f"{adl.tier}/5 (raw {raw})"
    if risk.stale:
        age = describe_age(max(0.0, (now - adl.updated_at).total_seconds()))
        text = f"STALE {age}: {text}"
    return text


def _estimate(risk: PositionRisk) -> str:
    estimate = risk.estimate
    if estimate is None:
        return "—"
    if estimate.tier == 0:
        return "not in queue"  # Hyperliquid queues only profitable positions
    if estimate.low == estimate.high:
        return f"{estimate.tier}/5"
    return f"{estimate.tier}/5 ({estimate.low}–{estimate.high})"


def _venue_risk(risk: PositionRisk) -> str:
    """The venue's contract-wide ADL risk (docs/venue-risk.md); "—" where it publishes none."""
    return "—" if risk.venue_risk is None else risk.venue_risk.level.label


def position_rows(snapshot: Snapshot) -> list[tuple[str, ...]]:
    now = snapshot.generated_at
    return [
        (
            risk.position.account,
            risk.position.symbol,
            risk.position.side.value,
            _money(risk.position.notional),
            _percent(risk.pnl_pct),
            _leverage(risk.effective_leverage),
            _exchange_tier(risk, now),
            _estimate(risk),
            _venue_risk(risk),
            risk.level.label + (" (stale)" if risk.stale else ""),
        )
        for risk in snapshot.positions
    ]


def table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...]) -> str:
    rows = [tuple(terminal_text(cell) for cell in row) for row in rows]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in [header, *rows]
    ]
    return "\n".join(lines)


def render_snapshot(snapshot: Snapshot) -> str:
    now = snapshot.generated_at
    lines = [f"ADL Monitor snapshot {now:%Y-%m-%d %H:%M:%S} UTC"]
    for status in snapshot.accounts:
        state = status.state.value
        if status.state in _AGED and status.fetched_at is not None:
            state = f"{state}, {_age(status, now)} old"
        name, exchange = terminal_text(status.name), terminal_text(status.exchange)
        lines.append(f"  {name} ({exchange}): {state}")
        if status.error:
            lines.append(f"    {terminal_text(status.error)}")
        if status.warning:
            lines.append(f"    WARNING {terminal_text(status.warning)}")
    lines.append("")
    if snapshot.positions:
        lines.append(table(position_rows(snapshot), _COLUMNS))
        advised = [risk for risk in snapshot.positions if risk.advice is not None]
        for risk in advised:
            assert risk.advice is not None
            position = risk.position
            lines.append(
                f"  → {terminal_text(position.account)} {terminal_text(position.symbol)} "
                f"{position.side.value}: {terminal_text(risk.advice.text)}"
            )
    elif any(status.ok for status in snapshot.accounts):
        failed = sum(not status.ok for status in snapshot.accounts)
        lines.append(
            "No open positions."
            if not failed
            else f"No open positions on the accounts that answered ({failed} did not)."
        )
    else:
        lines.append("No positions could be read: no account answered (see above).")
    return "\n".join(lines)


def summary_line(snapshot: Snapshot) -> str:
    """One line per snapshot for `watch`: accounts' health, position count, the worst one."""
    now = snapshot.generated_at
    live = sum(1 for status in snapshot.accounts if status.ok)
    parts = [
        f"{now:%H:%M:%S}",
        f"{live}/{len(snapshot.accounts)} accounts live",
        f"{len(snapshot.positions)} positions",
        f"worst {snapshot.worst_level.label}",
    ]
    if snapshot.positions:
        top = snapshot.positions[0]
        parts.append(
            f"top: {terminal_text(top.position.account)} {terminal_text(top.position.symbol)} "
            f"{top.position.side.value} {top.level.label}{' (stale)' if top.stale else ''}"
        )
    trouble = [terminal_text(_trouble(status, now)) for status in snapshot.accounts if status.error]
    return " | ".join(parts + trouble)


_AGED = (AccountState.LIVE, AccountState.STALE)


def _age(status: AccountStatus, now: datetime) -> str:
    fetched_at = status.fetched_at or now
    return describe_age(max(0.0, (now - fetched_at).total_seconds()))


def _trouble(status: AccountStatus, now: datetime) -> str:
    """An account's sentence, with the age of the data it still shows when it is stale."""
    text = status.error or ""
    if status.state is AccountState.STALE and status.fetched_at is not None:
        text = f"{text} (data {_age(status, now)} old)"
    return text


def alert_line(alert: Alert) -> str:
    title, body = terminal_text(alert.title), terminal_text(alert.body)
    return f"{alert.at:%H:%M:%S} ALERT [{alert.level.label}] {title} — {body}"
