"""Building test positions the way a venue reports them: PnL and notional from the prices."""

from __future__ import annotations

from adl_monitor.core.model.position import MarginMode, Position, Side


def make_position(
    side: Side = Side.LONG,
    *,
    entry: float = 100.0,
    mark: float = 100.0,
    contracts: float = 1.0,
    contract_size: float = 1.0,
    inverse: bool = False,
    margin_mode: MarginMode = MarginMode.ISOLATED,
    exchange: str = "okx",
    leverage: float | None = None,
    margin: float | None = None,
    maintenance_margin: float | None = None,
) -> Position:
    size = contracts * contract_size
    if inverse:  # contracts worth `contract_size` of quote each; values in coin
        upnl = side.sign * size * (1 / entry - 1 / mark)
        notional = size / mark
    else:
        upnl = side.sign * size * (mark - entry)
        notional = size * mark
    return Position(
        account="test",
        exchange=exchange,
        symbol="BTC/USDT:USDT",
        side=side,
        contracts=contracts,
        contract_size=contract_size,
        entry_price=entry,
        mark_price=mark,
        notional=notional,
        unrealized_pnl=upnl,
        margin_mode=margin_mode,
        leverage=leverage,
        margin=margin,
        maintenance_margin=maintenance_margin,
        inverse=inverse,
        settle="BTC" if inverse else "USDT",
    )
