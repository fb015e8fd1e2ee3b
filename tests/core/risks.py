"""Real core objects for storage and JSON tests (built the way the engine builds them)."""

from __future__ import annotations

from datetime import datetime

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.adl_indicator import AdlIndicator
from adl_monitor.core.model.estimate import Estimate
from adl_monitor.core.model.position import MarginMode, Position, Side
from adl_monitor.core.model.snapshot import PositionRisk


def position_risk(
    at: datetime,
    *,
    account: str = "main",
    symbol: str = "BTC/USDT:USDT",
    side: Side = Side.LONG,
    mark: float = 101_000.0,
    tier: int | None = 3,
    raw: object = 3,
    estimate_tier: int = 3,
    stale: bool = False,
) -> PositionRisk:
    position = Position(
        account=account,
        exchange="bybit",
        symbol=symbol,
        side=side,
        contracts=0.5,
        contract_size=1.0,
        entry_price=100_000.0,
        mark_price=mark,
        notional=0.5 * mark,
        unrealized_pnl=0.5 * (mark - 100_000.0) * side.sign,
        margin_mode=MarginMode.ISOLATED,
        leverage=10.0,
        liquidation_price=91_000.0,
    )
    adl = AdlIndicator(raw=raw, tier=tier, updated_at=at) if tier is not None else None
    estimate = Estimate(
        score=0.12, tier=estimate_tier, low=estimate_tier - 1, high=estimate_tier, basis="test"
    )
    return PositionRisk(
        position=position,
        exchange_adl=adl,
        estimate=estimate,
        fetched_at=at,
        effective_leverage=9.5,
        pnl_pct=position.unrealized_pnl / position.entry_notional,
        stale=stale,
    )


def moved_position(
    exchange: str,
    leverage: float,
    move: float,
    *,
    side: Side = Side.LONG,
    entry: float = 50_000.0,
    contracts: float = 2.0,
    mode: MarginMode = MarginMode.ISOLATED,
    account: str = "main",
    maintenance_rate: float = 0.005,
    spare: float = 0.0,
    known_margin: bool = True,
) -> tuple[Position, AccountFigures]:
    """A BTC position opened at `entry` whose price moved `move` in its favour (negative:
    against it), and its account: the position's margin plus `spare` in the wallet."""
    mark = entry * (1 + side.sign * move)
    upnl = side.sign * (mark - entry) * contracts
    margin = entry * contracts / leverage
    notional = mark * contracts
    maintenance = maintenance_rate * notional
    position = Position(
        account=account,
        exchange=exchange,
        symbol="BTC/USDT:USDT",
        side=side,
        contracts=contracts,
        contract_size=1.0,
        entry_price=entry,
        mark_price=mark,
        notional=notional,
        unrealized_pnl=upnl,
        margin_mode=mode,
        leverage=leverage if known_margin else None,
        margin=margin if known_margin else None,
        maintenance_margin=maintenance,
    )
    wallet = margin + spare
    return position, AccountFigures("USDT", wallet, wallet + upnl, maintenance, margin)
