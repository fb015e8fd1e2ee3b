"""The registry knows every venue the app supports, and nothing else."""

from __future__ import annotations

import pytest

from adl_monitor.core.account_spec import SUPPORTED_EXCHANGES, AccountSpec
from adl_monitor.core.failure import FailureKind, VenueFailure
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
