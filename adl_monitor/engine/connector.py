"""What the engine needs from a venue connector (exchanges/), as a structural type.

The engine depends on this protocol rather than on `exchanges.base.VenueConnector` so that
importing the engine does not import ccxt; `exchanges.registry.connector_for` is imported only
when the first connector is built.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.core.security.key_verdict import KeyCheck


class Connector(Protocol):
    @property
    def exchange_id(self) -> str: ...
    @property
    def position_interval(self) -> float: ...
    @property
    def adl_interval(self) -> float: ...
    @property
    def supports_watch(self) -> bool: ...
    @property
    def streams_indicator(self) -> bool: ...

    async def open(self) -> None: ...
    async def fetch(self) -> AccountReading: ...
    async def watch(self) -> AccountReading: ...
    async def check_key(self) -> KeyCheck: ...
    async def close(self) -> None: ...


ConnectorFactory = Callable[[AccountSpec, Credentials | None], Connector]


def venue_connector_factory(cache_dir: Path | None) -> ConnectorFactory:
    """The real factory: `exchanges.registry.connector_for`, with markets cached in `cache_dir`."""

    def make(spec: AccountSpec, credentials: Credentials | None) -> Connector:
        from adl_monitor.exchanges.registry import connector_for

        connector: Connector = connector_for(spec, credentials, cache_dir=cache_dir)
        return connector

    return make
