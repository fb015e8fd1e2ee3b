"""Wrong credentials, unknown paths and missing parameters get each venue's real error reply,
so ccxt raises the same exception class it raises against the real venue."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ccxt
import pytest

from adl_monitor.sim.demo import DEMO_API_KEY

Client = Callable[..., Any]

POSITIONS: dict[str, Callable[[Any], Any]] = {
    "bybit": lambda ex: ex.privateGetV5PositionList({"category": "linear", "settleCoin": "USDT"}),
    "binanceusdm": lambda ex: ex.fapiPrivateV3GetPositionRisk(),
    "okx": lambda ex: ex.privateGetAccountPositions(),
}


@pytest.mark.parametrize("venue", sorted(POSITIONS))
@pytest.mark.parametrize(
    "overrides",
    [{"secret": "not-the-secret"}, {"api_key": "someone-elses-key"}],
    ids=["bad-signature", "unknown-key"],
)
async def test_wrong_credentials_raise_authentication_error(
    client: Client, venue: str, overrides: dict[str, str]
) -> None:
    with pytest.raises(ccxt.AuthenticationError):
        await POSITIONS[venue](client(venue, **overrides))


async def test_okx_wrong_passphrase_is_an_authentication_error(client: Client) -> None:
    with pytest.raises(ccxt.AuthenticationError, match="PASSPHRASE"):
        await client("okx", password="not-the-passphrase").privateGetAccountPositions()


async def test_right_credentials_pass(client: Client) -> None:
    for venue, read in POSITIONS.items():
        assert await read(client(venue, api_key=DEMO_API_KEY)) is not None


@pytest.mark.parametrize(
    ("venue", "call"),
    [
        ("bybit", lambda ex: ex.privateGetV5PositionList({})),
        ("binanceusdm", lambda ex: ex.fapiPrivateGetAllOrders()),
        ("okx", lambda ex: ex.publicGetPublicInstruments()),
    ],
)
async def test_missing_parameter_is_a_bad_request(client: Client, venue: str, call: Any) -> None:
    with pytest.raises(ccxt.BadRequest):
        await call(client(venue))


@pytest.mark.parametrize(
    ("venue", "path", "api", "error"),
    [
        # Bybit answers unknown paths with a bare 404 page: ccxt maps the status.
        ("bybit", "v5/no/such/endpoint", ["private"], ccxt.ExchangeNotAvailable),
        ("binanceusdm", "no/such/endpoint", ["fapiPrivate"], ccxt.ExchangeError),
        ("okx", "account/no-such-endpoint", ["private"], ccxt.ExchangeError),
    ],
)
async def test_unknown_path_gets_the_venue_not_found(
    client: Client, venue: str, path: str, api: list[str], error: type[Exception]
) -> None:
    with pytest.raises(error) as raised:
        await client(venue).request(path, api, "GET", {})
    assert not isinstance(raised.value, ccxt.AuthenticationError)


async def test_hyperliquid_rejects_unknown_request_types_and_missing_user(client: Client) -> None:
    hyperliquid = client("hyperliquid")
    with pytest.raises(ccxt.ExchangeError, match="unknown variant"):
        await hyperliquid.publicPostInfo({"type": "noSuchType"})
    with pytest.raises(ccxt.ExchangeError, match="missing field `user`"):
        await hyperliquid.publicPostInfo({"type": "clearinghouseState"})
