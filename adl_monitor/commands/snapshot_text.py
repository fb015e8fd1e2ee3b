"""Snapshots and alerts as plain text for the terminal (`snapshot` and `watch` without --json).

A stale row says so in its tier column instead of showing the tier as if it were current.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from adl_monitor.core.age import describe_age
from adl_monitor.core.alert import Alert
from adl_monitor.core.snapshot import AccountState, PositionRisk, Snapshot

_COLUMNS = (
    "ACCOUNT",
    "SYMBOL",
    "SIDE",
    "NOTIONAL",
    "PNL %",
    "EFF LEV",
    "EXCHANGE TIER",
    "ESTIMATE",
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
        return " ".join(f"{key}={item}" for key, item in value.items())
    return str(value)


def _exchange_tier(risk: PositionRisk, now: datetime) -> str:
    adl = risk.exchange_adl
    if adl is None:
        return "none reported"
    if adl.tier is None:
        return f"? (raw {_raw(adl.raw)})"
    text = f"{adl.tier}/5 (raw {_raw(adl.raw)})"
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
            risk.level.label + (" (stale)" if risk.stale else ""),
        )
        for risk in snapshot.positions
    ]


def table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...]) -> str:
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
        if status.state is AccountState.LIVE and status.fetched_at is not None:
            state = f"live, {describe_age(max(0.0, (now - status.fetched_at).total_seconds()))} old"
        lines.append(f"  {status.name} ({status.exchange}): {state}")
        if status.error:
            lines.append(f"    {status.error}")
        if status.warning:
            lines.append(f"    WARNING {status.warning}")
    lines.append("")
    if snapshot.positions:
        lines.append(table(position_rows(snapshot), _COLUMNS))
        advised = [risk for risk in snapshot.positions if risk.advice is not None]
        for risk in advised:
            assert risk.advice is not None
            position = risk.position
            lines.append(
                f"  → {position.account} {position.symbol} {position.side.value}: "
                f"{risk.advice.text}"
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
            f"top: {top.position.account} {top.position.symbol} {top.position.side.value} "
            f"{top.level.label}{' (stale)' if top.stale else ''}"
        )
    trouble = [status.error for status in snapshot.accounts if status.error]
    return " | ".join(parts + trouble)


def alert_line(alert: Alert) -> str:
    return f"{alert.at:%H:%M:%S} ALERT [{alert.level.label}] {alert.title} — {alert.body}"
