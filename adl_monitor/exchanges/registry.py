"""Which connector class reads which venue: the one place the engine asks.

The venues themselves are declared once, in core (`core/venues/table.py`); this mapping only
adds the class that reads each one. A connector class naming a venue with no record fails at
import (`VenueConnector.__init_subclass__`), and tests/exchanges/test_registry.py fails when a
record has no connector here.
"""

from __future__ import annotations

from pathlib import Path

from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.exchanges.base import VenueConnector
from adl_monitor.exchanges.binance import BinanceCoinmConnector, BinanceUsdmConnector
from adl_monitor.exchanges.bitget import BitgetConnector
from adl_monitor.exchanges.bybit import BybitConnector
from adl_monitor.exchanges.gate import GateConnector
from adl_monitor.exchanges.htx import HtxConnector
from adl_monitor.exchanges.hyperliquid import HyperliquidConnector
from adl_monitor.exchanges.kucoinfutures import KucoinFuturesConnector
from adl_monitor.exchanges.okx import OkxConnector
from adl_monitor.exchanges.phemex import PhemexConnector

_CONNECTORS: dict[str, type[VenueConnector]] = {
    cls.exchange_id: cls
    for cls in (
        BinanceUsdmConnector,
        BinanceCoinmConnector,
        BybitConnector,
        OkxConnector,
        GateConnector,
        HtxConnector,
        KucoinFuturesConnector,
        BitgetConnector,
        PhemexConnector,
        HyperliquidConnector,
    )
}


def supported_exchanges() -> tuple[str, ...]:
    return tuple(_CONNECTORS)


def connector_for(
    spec: AccountSpec, credentials: Credentials | None, *, cache_dir: Path | None = None
) -> VenueConnector:
    """A connector for `spec` (not opened yet); raises `VenueFailure(CONFIG)` for unknown ids."""
    try:
        connector_class = _CONNECTORS[spec.exchange]
    except KeyError:
        known = ", ".join(_CONNECTORS)
        raise VenueFailure(
            FailureKind.CONFIG, f"unknown exchange {spec.exchange!r}; supported: {known}"
        ) from None
    return connector_class(spec, credentials, cache_dir=cache_dir)
