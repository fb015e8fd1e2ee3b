"""Every way a venue can fail becomes the right `VenueFailure`, and a later good reply recovers.

Binance USDⓈ-M is the main subject (its error table is the richest); the HTML-page case is also
run on OKX and Bybit, whose ccxt parsers turn such a page into "no positions".
"""

from __future__ import annotations

import pytest

from adl_monitor.core.model.failure import FailureKind, VenueFailure
from tests.exchanges.conftest import TEST_CREDENTIALS
from tests.exchanges.fixture_server import FixtureServer, Reply, fixture
from tests.exchanges.markets import by_symbol, market

HTML_PAGE = "<!doctype html><html><body><h1>Welcome to Hotel Wi-Fi</h1></body></html>"
USDM_MARKETS = by_symbol(market("ADAUSDT", "ADA/USDT:USDT"))


def serve_binance(server: FixtureServer) -> None:
    server.reply("GET", "/fapi/v3/positionRisk", fixture("binanceusdm", "positionRisk-v3"))
    server.reply("GET", "/fapi/v3/account", {"assets": []})
    server.reply("GET", "/fapi/v1/adlQuantile", fixture("binanceusdm", "adlQuantile"))


async def failure_of(connector_fetch: object) -> VenueFailure:
    with pytest.raises(VenueFailure) as caught:
        await connector_fetch  # type: ignore[misc]
    failure = caught.value
    for secret in (TEST_CREDENTIALS.secret, TEST_CREDENTIALS.password, TEST_CREDENTIALS.api_key):
        assert secret not in str(failure)
        assert secret not in repr(failure)
    return failure


@pytest.mark.parametrize(
    ("reply", "kind", "retry_after"),
    [
        (
            Reply(
                {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."},
                status=401,
            ),
            FailureKind.BAD_KEY,
            None,
        ),
        (Reply(text=HTML_PAGE), FailureKind.BAD_REPLY, None),
        (
            Reply(
                {"code": -1003, "msg": "Too many requests."},
                status=429,
                headers={"Retry-After": "7"},
            ),
            FailureKind.RATE_LIMIT,
            7.0,
        ),
        (
            Reply({"code": -1008, "msg": "Server is currently overloaded."}, status=503),
            FailureKind.VENUE_DOWN,
            None,
        ),
        (
            Reply(
                {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."},
                status=400,
            ),
            FailureKind.CLOCK_SKEW,
            None,
        ),
    ],
    ids=["wrong-key", "html-200", "429-retry-after", "503", "timestamp"],
)
async def test_binance_fault_then_recovery(
    servers, open_connector, reply: Reply, kind: FailureKind, retry_after: float | None
) -> None:
    server = await servers("binanceusdm")
    serve_binance(server)
    connector = await open_connector(server, USDM_MARKETS)
    assert (await connector.fetch()).positions  # working before the fault
    server.fail_everything(reply)

    failure = await failure_of(connector.fetch())

    assert failure.kind is kind
    assert failure.retry_after == retry_after
    assert failure.sentence(connector.spec.name).startswith(connector.spec.name)
    serve_binance(server)  # the fault ends
    assert (await connector.fetch()).positions


async def test_html_page_is_not_an_empty_position_list_on_okx(servers, open_connector) -> None:
    server = await servers("okx")
    server.reply("GET", "/api/v5/account/positions", text=HTML_PAGE)
    connector = await open_connector(server, by_symbol(market("BTC-USDT-SWAP", "BTC/USDT:USDT")))

    failure = await failure_of(connector.fetch())

    assert failure.kind is FailureKind.BAD_REPLY
    assert "text/html" in failure.detail


async def test_html_page_is_not_an_empty_position_list_on_bybit(servers, open_connector) -> None:
    server = await servers("bybit")
    server.reply("GET", "/v5/position/list", text=HTML_PAGE)
    connector = await open_connector(server, by_symbol(market("BTCUSDT", "BTC/USDT:USDT")))

    assert (await failure_of(connector.fetch())).kind is FailureKind.BAD_REPLY


async def test_okx_rate_limit_is_not_venue_down(servers, open_connector) -> None:
    """ccxt files OKX's 429 under ExchangeNotAvailable; the user must hear "rate limit"."""
    server = await servers("okx")
    server.reply(
        "GET",
        "/api/v5/account/positions",
        {"code": "50011", "msg": "Too Many Requests", "data": []},
        status=429,
        headers={"Retry-After": "2"},
    )
    connector = await open_connector(server, by_symbol(market("BTC-USDT-SWAP", "BTC/USDT:USDT")))

    failure = await failure_of(connector.fetch())

    assert (failure.kind, failure.retry_after) == (FailureKind.RATE_LIMIT, 2.0)


async def test_key_without_position_permission(servers, open_connector) -> None:
    server = await servers("bybit")
    server.reply(
        "GET",
        "/v5/position/list",
        {"retCode": 10005, "retMsg": "Permission denied, please check your API key permissions."},
    )
    connector = await open_connector(server, by_symbol(market("BTCUSDT", "BTC/USDT:USDT")))

    assert (await failure_of(connector.fetch())).kind is FailureKind.PERMISSION


async def test_connection_refused_at_api_url_says_nothing_answers_there(
    servers, open_connector
) -> None:
    """A wrong port in api_url: not "check your internet connection" but "check api_url"."""
    server = await servers("binanceusdm")
    connector = await open_connector(server, USDM_MARKETS)
    await server.close()  # nothing listens on the port any more

    failure = await failure_of(connector.fetch())

    assert failure.kind is FailureKind.NOTHING_AT_API_URL
    assert failure.sentence("Binance main") == (
        "Binance main: nothing answers at the account's api_url — check its address and port "
        "in Accounts; retrying."
    )
    assert failure.retryable


async def test_timeout_says_the_exchange_did_not_answer_in_time(servers, open_connector) -> None:
    server = await servers("binanceusdm")
    serve_binance(server)
    server.reply("GET", "/fapi/v3/positionRisk", [], delay=1.0)
    connector = await open_connector(server, USDM_MARKETS)
    connector.client.timeout = 200  # ms

    failure = await failure_of(connector.fetch())

    assert failure.kind is FailureKind.TIMEOUT
    assert failure.sentence("Binance main") == (
        "Binance main: the exchange did not answer in time — retrying."
    )
    assert "internet" not in failure.sentence("Binance main")


async def test_missing_key_is_a_config_failure(servers, open_connector) -> None:
    server = await servers("bybit")
    with pytest.raises(VenueFailure) as caught:
        await open_connector(
            server, by_symbol(market("BTCUSDT", "BTC/USDT:USDT")), credentials=None
        )
    assert caught.value.kind is FailureKind.CONFIG
    assert server.hits.total() == 0


def test_credentials_never_in_a_connector_repr() -> None:
    from adl_monitor.core.model.account_spec import AccountSpec
    from adl_monitor.exchanges.registry import connector_for

    connector = connector_for(AccountSpec("main", "okx"), TEST_CREDENTIALS)
    for secret in (TEST_CREDENTIALS.secret, TEST_CREDENTIALS.password):
        assert secret not in repr(connector)
