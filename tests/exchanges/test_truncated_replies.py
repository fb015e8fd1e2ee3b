"""A reply cut short, or a success envelope without its payload, is a BAD_REPLY — never "no
positions" — on every venue and every route the app reads.

ccxt's `parse_json` returns None for a body that does not parse, and its parsers turn None into
an empty list: a truncated `/v5/position/list` read as "live, 0 positions". Each venue's working
replies (the scenarios of `test_malformed_replies`) are served to the real ccxt client with one
route's body cut in half, HTTP 200 and `application/json`; whichever call reads that route
(`fetch()` or `check_key()`) must fail with BAD_REPLY. The same for the market list, read when
there is no cache, and for the ADL-evidence routes read after a position closed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.exchanges.registry import connector_for
from tests.exchanges import test_okx
from tests.exchanges.conftest import TEST_CREDENTIALS, WALLET
from tests.exchanges.fixture_server import FixtureServer, Reply, fixture
from tests.exchanges.test_malformed_replies import SCENARIOS, Route

CASES = [
    pytest.param(venue, route, id=f"{venue}-{route[0]}-{route[1]}")
    for venue, scenario in sorted(SCENARIOS.items())
    for route in sorted(scenario.replies)
    if route != ("GET", "/api/v5/account/positions-history")  # read only after a close: below
]


def cut_short(body: Any) -> Reply:
    """`body` as JSON cut in half, HTTP 200, application/json: a dropped connection mid-reply."""
    text = json.dumps(body)
    return Reply(text=text[: len(text) // 2], content_type="application/json")


async def outcome(call: Any) -> object:
    try:
        return await call
    except VenueFailure as failure:
        return failure


def assert_bad_reply(result: object, what: str) -> None:
    assert isinstance(result, VenueFailure), f"{what}: read as {result!r}"
    assert result.kind is FailureKind.BAD_REPLY, (what, result)
    assert result.sentence("acct").startswith("acct: the exchange sent a reply")


@pytest.mark.parametrize(("venue", "route"), CASES)
async def test_a_reply_cut_short_fails_the_call_that_reads_it(
    venue: str, route: Route, servers, open_connector
) -> None:
    scenario = SCENARIOS[venue]
    server: FixtureServer = await servers(venue)
    server.serve(scenario.replies)
    server.route(*route, cut_short(scenario.replies[route]))
    connector = await open_connector(
        server, scenario.markets, credentials=None if scenario.keyless else TEST_CREDENTIALS
    )

    fetched = await outcome(connector.fetch())
    read_by_fetch = server.hits[route[1]] > 0
    checked = await outcome(connector.check_key())
    read_by_check = server.hits[route[1]] > 0 and not read_by_fetch

    assert read_by_fetch or read_by_check, f"{route} was never asked: the case proves nothing"
    if read_by_fetch:
        assert_bad_reply(fetched, "fetch")
    if read_by_check:
        assert_bad_reply(checked, "check_key")


@pytest.mark.parametrize("venue", sorted(SCENARIOS))
async def test_a_market_list_cut_short_fails_the_account(
    venue: str, servers, tmp_path: Path
) -> None:
    """No market cache: the first thing read is the market list, and it is cut short."""
    scenario = SCENARIOS[venue]
    server: FixtureServer = await servers(venue)
    server.fallback = cut_short({"code": "0", "data": [{"symbol": "BTCUSDT"}] * 40})
    spec = AccountSpec(
        f"{venue} main",
        venue,
        api_url=server.api_url,
        wallet_address=WALLET if scenario.keyless else None,
    )
    connector = connector_for(
        spec, None if scenario.keyless else TEST_CREDENTIALS, cache_dir=tmp_path / "markets"
    )
    try:
        assert_bad_reply(await outcome(connector.fetch()), "open")
    finally:
        await connector.close()
    assert server.hits.total() >= 1


# The ADL evidence each venue asks only after a position closed: (route, the positions route
# and its reply with the position gone, a full evidence reply to cut short).
EVIDENCE = {
    "okx": (
        ("GET", "/api/v5/account/positions-history"),
        ("GET", "/api/v5/account/positions"),
        test_okx.EMPTY,
        {**test_okx.EMPTY, "data": [{"posId": "1", "type": "6"}] * 9},
    ),
    "bybit": (
        ("GET", "/v5/execution/list"),
        ("GET", "/v5/position/list"),
        {"retCode": 0, "retMsg": "OK", "result": {"list": [], "category": "linear"}},
        fixture("bybit", "positionList"),
    ),
}


@pytest.mark.parametrize("venue", sorted(EVIDENCE))
async def test_adl_evidence_cut_short_after_a_close(venue: str, servers, open_connector) -> None:
    """Read once with the position open, then with it gone and the evidence cut short."""
    evidence, positions, no_positions, full_evidence = EVIDENCE[venue]
    scenario = SCENARIOS[venue]
    server: FixtureServer = await servers(venue)
    server.serve(scenario.replies)
    connector = await open_connector(server, scenario.markets)
    first = await connector.fetch()
    assert isinstance(first, AccountReading) and first.positions
    server.reply(*positions, no_positions)
    server.route(*evidence, cut_short(full_evidence))

    result = await outcome(connector.fetch())

    assert server.hits[evidence[1]] >= 1
    assert_bad_reply(result, "fetch after a close")


# A complete JSON document that says "success" (or says nothing) but holds no positions list.
HOLLOW: dict[str, tuple[Route, Any]] = {
    "bybit": (("GET", "/v5/position/list"), {"retCode": 0, "retMsg": "OK", "result": {}}),
    "bybit-no-status": (("GET", "/v5/position/list"), {"result": {"list": []}}),
    "okx": (("GET", "/api/v5/account/positions"), {"code": "0", "msg": ""}),
    "okx-no-status": (("GET", "/api/v5/account/positions"), {"data": []}),
    "htx": (("GET", "/v5/trade/position/opens"), {"code": 200, "message": "Success"}),
    "kucoinfutures": (("GET", "/api/v1/positions"), {"code": "200000"}),
    "bitget": (
        ("GET", "/api/v2/mix/position/all-position"),
        {"code": "00000", "msg": "success", "data": {}},
    ),
    "phemex": (("GET", "/g-accounts/accountPositions"), {"code": 0, "msg": "", "data": {}}),
    "binanceusdm": (("GET", "/fapi/v3/positionRisk"), {}),
    "binancecoinm": (("GET", "/dapi/v1/positionRisk"), {}),
    "gate": (("GET", "/api/v4/futures/usdt/positions"), {}),
    "hyperliquid": (("POST", "/info"), {}),
}


@pytest.mark.parametrize("case", sorted(HOLLOW))
async def test_a_success_document_without_its_list_is_a_bad_reply(
    case: str, servers, open_connector
) -> None:
    venue = case.split("-")[0]
    route, hollow = HOLLOW[case]
    scenario = SCENARIOS[venue]
    server: FixtureServer = await servers(venue)
    server.serve(scenario.replies)
    server.reply(*route, hollow)
    connector = await open_connector(
        server, scenario.markets, credentials=None if scenario.keyless else TEST_CREDENTIALS
    )

    assert_bad_reply(await outcome(connector.fetch()), f"{route} {hollow}")
