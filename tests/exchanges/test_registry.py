"""The registry knows every venue the app supports, and nothing else."""

from __future__ import annotations

import pytest

from adl_monitor.core import venues
from adl_monitor.core.model.account_spec import SUPPORTED_EXCHANGES, AccountSpec
from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.exchanges.base import VenueConnector
from adl_monitor.exchanges.registry import connector_for, supported_exchanges


def test_every_supported_exchange_has_a_connector() -> None:
    assert set(supported_exchanges()) == set(SUPPORTED_EXCHANGES)
    for exchange in supported_exchanges():
        connector = connector_for(AccountSpec(f"a {exchange}", exchange), None)
        assert connector.exchange_id == exchange
        assert (
            connector.position_interval > 0
            and connector.adl_interval >= connector.position_interval
        )


def test_binance_indicator_is_slower_than_its_positions() -> None:
    connector = connector_for(AccountSpec("b", "binanceusdm"), None)
    assert connector.adl_interval == 30 and connector.position_interval < 30


def test_unknown_exchange_is_a_config_failure() -> None:
    with pytest.raises(VenueFailure) as caught:
        connector_for(AccountSpec("x", "bitmex"), None)
    assert caught.value.kind is FailureKind.CONFIG
    assert "bitmex" in caught.value.detail


def test_every_venue_record_has_a_connector_reading_at_its_cadence() -> None:
    assert set(supported_exchanges()) == set(venues.ids())
    for venue in venues.VENUES:
        connector = connector_for(AccountSpec(f"a {venue.id}", venue.id), None)
        assert type(connector).exchange_id == venue.id
        assert connector.position_interval == venue.cadence.positions
        assert connector.adl_interval == venue.cadence.indicator


def test_a_connector_for_a_venue_without_a_record_fails_at_import() -> None:
    with pytest.raises(TypeError, match="has no record in core"):
        type("BitmexConnector", (VenueConnector,), {"exchange_id": "bitmex"})
