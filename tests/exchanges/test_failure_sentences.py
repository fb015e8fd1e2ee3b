"""Each way of getting an account wrong gets one true sentence, through the real ccxt client.

A missing passphrase used to read "key or secret rejected", a wrong venue path "exchange is
down", a rejected Hyperliquid wallet "an unexpected error occurred". (Time-outs and a wrong port
are in test_faults.)
"""

from __future__ import annotations

import errno

import ccxt
import pytest

from adl_monitor.core.model.account_spec import Credentials
from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.exchanges.errors import to_failure
from adl_monitor.exchanges.registry import supported_exchanges
from tests.exchanges.conftest import TEST_CREDENTIALS
from tests.exchanges.fixture_server import FixtureServer, Reply
from tests.exchanges.test_faults import failure_of
from tests.exchanges.test_malformed_replies import SCENARIOS

NO_PASSPHRASE = Credentials(TEST_CREDENTIALS.api_key, TEST_CREDENTIALS.secret, None)
NOT_FOUND_PAGE = "<html><head><title>404 Not Found</title></head><body>nginx</body></html>"


@pytest.mark.parametrize("venue", ["okx", "kucoinfutures", "bitget"])
async def test_a_missing_passphrase_is_named_before_anything_is_sent(
    venue: str, servers, open_connector
) -> None:
    server: FixtureServer = await servers(venue)
    server.serve(SCENARIOS[venue].replies)

    with pytest.raises(VenueFailure) as caught:
        await open_connector(server, SCENARIOS[venue].markets, credentials=NO_PASSPHRASE)

    assert caught.value.kind is FailureKind.MISSING_PASSPHRASE
    assert caught.value.sentence("OKX main") == (
        "OKX main: the API passphrase is missing — add it in Accounts."
    )
    assert server.hits.total() == 0  # no signed request went out without it


async def test_a_venue_without_passphrases_does_not_ask_for_one(servers, open_connector) -> None:
    server: FixtureServer = await servers("bybit")
    server.serve(SCENARIOS["bybit"].replies)
    connector = await open_connector(server, SCENARIOS["bybit"].markets, credentials=NO_PASSPHRASE)

    assert (await connector.fetch()).positions


@pytest.mark.parametrize("venue", supported_exchanges())
async def test_a_wrong_path_says_the_address_is_not_the_venues_api(
    venue: str, servers, open_connector
) -> None:
    """api_url points at a web server that is not the venue's API: every path is 404."""
    scenario = SCENARIOS[venue]
    server: FixtureServer = await servers(venue)
    server.fallback = Reply(text=NOT_FOUND_PAGE, status=404)
    connector = await open_connector(
        server, scenario.markets, credentials=None if scenario.keyless else TEST_CREDENTIALS
    )

    failure = await failure_of(connector.fetch())

    assert failure.kind is FailureKind.WRONG_API_URL
    assert failure.sentence("main") == (
        "main: the account's api_url does not look like the exchange's API (it answered "
        "'not found') — check api_url in Accounts."
    )
    assert "down" not in failure.sentence("main")


async def test_a_rejected_hyperliquid_wallet_says_so(servers, open_connector) -> None:
    server: FixtureServer = await servers("hyperliquid")
    server.reply(
        "POST",
        "/info",
        text="Failed to deserialize the JSON body into the target type: user: invalid length",
        status=422,
        content_type="text/plain",
    )
    connector = await open_connector(server, SCENARIOS["hyperliquid"].markets, credentials=None)

    failure = await failure_of(connector.fetch())

    assert failure.kind is FailureKind.WALLET_REJECTED
    assert failure.sentence("HL main") == (
        "HL main: the exchange rejected the wallet address — check it in Accounts "
        "(0x followed by 40 hexadecimal digits)."
    )


def _refused() -> ccxt.ExchangeNotAvailable:
    error = ccxt.ExchangeNotAvailable("bybit GET https://api.bybit.com/v5/position/list")
    error.__cause__ = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
    return error


def test_a_refused_connection_is_the_network_unless_api_url_is_set() -> None:
    """Without api_url the host is the venue's own: refused there is a network problem."""
    assert to_failure(_refused()).kind is FailureKind.NETWORK
    assert to_failure(_refused(), api_url_set=True).kind is FailureKind.NOTHING_AT_API_URL
