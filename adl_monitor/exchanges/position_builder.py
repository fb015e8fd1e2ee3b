"""Turn a ccxt unified position (plus its market) into the core `Position`.

ccxt's unified fields are mostly right; where a venue leaves one empty the value is derived
from the others (notional at mark, unrealized PnL), never guessed.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adl_monitor.core.model.position import MarginMode, Position, QueueKey, Side
from adl_monitor.exchanges.values import to_float

log = logging.getLogger(__name__)


def _positive(value: object) -> float | None:
    """A price, size or leverage: only a finite number above zero means anything."""
    if type(value) is float:  # ccxt's unified numbers: the common case (NaN fails both tests)
        return value if 0 < value < math.inf else None
    number = to_float(value)
    return number if number is not None and number > 0 else None


_SIDES = {"long": Side.LONG, "short": Side.SHORT}


def position_side(unified: Mapping[str, Any]) -> Side | None:
    """The unified `side`, or the sign of `contracts` when ccxt left side empty."""
    side = _SIDES.get(unified.get("side"))  # type: ignore[arg-type]
    if side is not None:
        return side
    contracts = to_float(unified.get("contracts"))
    if contracts:
        return Side.LONG if contracts > 0 else Side.SHORT
    return None


def position_key(unified: Mapping[str, Any]) -> QueueKey | None:
    side = position_side(unified)
    symbol = unified.get("symbol")
    if side is None or not isinstance(symbol, str):
        return None
    return QueueKey(symbol, side.value)


def is_open(unified: Mapping[str, Any]) -> bool:
    contracts = to_float(unified.get("contracts"))
    return bool(contracts) and position_side(unified) is not None


def open_position_key(unified: Mapping[str, Any]) -> QueueKey | None:
    """`position_key(unified)` when `is_open(unified)`, else None: in one pass, as a connector
    asks both of every position of every refresh."""
    side = position_side(unified)
    symbol = unified.get("symbol")
    if side is None or not isinstance(symbol, str) or not to_float(unified.get("contracts")):
        return None
    return QueueKey(symbol, side.value)


def has_unreadable_size(unified: Mapping[str, Any]) -> bool:
    """Whether the venue sent a size that is no number at all ("abc", "NaN", an object): such
    a row is skipped like a closed one, but it may be an open position, so it gets a log line.
    """
    contracts = unified.get("contracts")
    return contracts not in (None, "") and to_float(contracts) is None


def _settle(symbol: str, market: Mapping[str, Any] | None) -> str:
    if market and isinstance(market.get("settle"), str):
        return str(market["settle"])
    return symbol.split(":", 1)[1].split("-")[0] if ":" in symbol else "USDT"


@dataclass(frozen=True, slots=True)
class MarketFacts:
    """What a position takes from its market (ccxt's market structure): the same for every
    position in that market, so a connector reads it once per market, not once per position
    and refresh (`VenueConnector._reading`)."""

    contract_size: float | None
    inverse: bool
    settle: str
    contract_step: float | None
    min_contracts: float | None


def market_facts(symbol: str, market: Mapping[str, Any] | None) -> MarketFacts:
    known = market or {}
    return MarketFacts(
        contract_size=_positive(known.get("contractSize")),
        inverse=bool(known.get("inverse")),
        settle=_settle(symbol, market),
        contract_step=_amount_step(known),
        min_contracts=_positive(_nested(known, "limits", "amount", "min")),
    )


def build_position(
    account: str,
    exchange: str,
    unified: Mapping[str, Any],
    market: Mapping[str, Any] | None,
    *,
    facts: MarketFacts | None = None,
) -> Position | None:
    """The core Position, or None for a closed (zero-size) or unreadable entry. `facts`: the
    market's, when the caller has them already (else read from `market`)."""
    side = position_side(unified)
    symbol = unified.get("symbol")
    contracts = abs(to_float(unified.get("contracts")) or 0.0)
    if side is None or not isinstance(symbol, str) or contracts == 0:
        return None
    if facts is None:
        facts = market_facts(symbol, market)
    contract_size = _positive(unified.get("contractSize")) or facts.contract_size or 1.0
    inverse = facts.inverse
    entry = _positive(unified.get("entryPrice")) or 0.0
    mark = _positive(unified.get("markPrice")) or 0.0
    size = contracts * contract_size
    if mark > 0:
        notional = size / mark if inverse else size * mark
    else:
        notional = abs(to_float(unified.get("notional")) or 0.0)
        if notional and size:
            mark = size / notional if inverse else notional / size
    pnl = to_float(unified.get("unrealizedPnl"))
    if pnl is None:
        pnl = _pnl(side, size, entry, mark, inverse)
    if not all(map(math.isfinite, (size, mark, notional, pnl))):
        required = {"size": size, "mark price": mark, "notional": notional, "PnL": pnl}
        unreadable = [name for name, value in required.items() if not math.isfinite(value)]
        # Out of any float's range (a venue sending 1e308): showing it would be a lie, and
        # every formula downstream would turn it into NaN. The user sees the position missing
        # and the log says why.
        log.warning(
            "%s: skipped %s %s: the exchange sent unusable numbers (%s)",
            account,
            symbol,
            side.value,
            ", ".join(unreadable),
        )
        return None
    mode = MarginMode.ISOLATED if unified.get("marginMode") == "isolated" else MarginMode.CROSS
    margin = _isolated_margin(unified) if mode is MarginMode.ISOLATED else None
    if margin is None:
        margin = _non_negative(unified.get("initialMargin"))
    return Position(
        account=account,
        exchange=exchange,
        symbol=symbol,
        side=side,
        contracts=contracts,
        contract_size=contract_size,
        entry_price=entry,
        mark_price=mark,
        notional=notional,
        unrealized_pnl=pnl,
        margin_mode=mode,
        leverage=_positive(unified.get("leverage")),
        margin=margin,
        maintenance_margin=_non_negative(unified.get("maintenanceMargin")),
        liquidation_price=_positive(unified.get("liquidationPrice")),
        inverse=inverse,
        settle=facts.settle,
        contract_step=facts.contract_step,
        min_contracts=facts.min_contracts,
    )


def _nested(mapping: Mapping[str, Any], *keys: str) -> object:
    """`mapping[k1][k2]…`, or None where a level is missing or not a mapping."""
    value: object = mapping
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _amount_step(market: Mapping[str, Any]) -> float | None:
    """The market's order-size step in contracts: ccxt's `precision.amount`.

    ccxt 4.5 reports every venue this app knows in TICK_SIZE mode, where that figure is the
    step itself (0.01, 1), not a count of decimals.
    """
    return _positive(_nested(market, "precision", "amount"))


def _non_negative(value: object) -> float | None:
    """A margin amount: a negative one is a venue's placeholder or junk, so unknown."""
    if type(value) is float:  # as in `_positive`
        return value if 0 <= value < math.inf else None
    number = to_float(value)
    return number if number is not None and number >= 0 else None


def _isolated_margin(unified: Mapping[str, Any]) -> float | None:
    """The isolated position's own margin, *without* its unrealized PnL.

    ccxt's `positionMargin` is that figure (Binance `isolatedWallet`, OKX `margin`, Bybit
    `positionBalance`; ccxt derives it from `collateral` − uPnL where a venue sends only the
    collateral). `collateral` itself includes the uPnL: taking it as the margin would count
    the PnL twice in every effective-leverage and margin-ratio formula.
    """
    return _positive(unified.get("positionMargin"))


def _pnl(side: Side, size: float, entry: float, mark: float, inverse: bool) -> float:
    if not entry or not mark:
        return 0.0
    if inverse:
        return side.sign * size * (1 / entry - 1 / mark)
    return side.sign * size * (mark - entry)
