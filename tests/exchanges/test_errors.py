"""The classification of ccxt's exceptions, and what a failure's detail may contain."""

from __future__ import annotations

import aiohttp
import ccxt
import pytest

from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.exchanges.errors import parse_retry_after, safe_detail, to_failure
from adl_monitor.exchanges.response_guard import check_response


def _raised_from_transport() -> ccxt.ExchangeNotAvailable:
    try:
        try:
            raise aiohttp.ClientConnectionError("Connection refused")
        except aiohttp.ClientConnectionError as cause:
            raise ccxt.ExchangeNotAvailable("okx GET http://127.0.0.1:1/okx") from cause
    except ccxt.ExchangeNotAvailable as error:
        return error


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (ccxt.AuthenticationError("bybit {retCode:10003, Invalid apikey}"), FailureKind.BAD_KEY),
        (
            ccxt.PermissionDenied("bybit permission denied for current apikey"),
            FailureKind.PERMISSION,
        ),
        (ccxt.AccountSuspended("binance account suspended"), FailureKind.BAD_KEY),
        (
            ccxt.InvalidNonce("Timestamp for this request is outside of the recvWindow"),
            FailureKind.CLOCK_SKEW,
        ),
        (ccxt.AuthenticationError("okx 50102 Timestamp request expired"), FailureKind.CLOCK_SKEW),
        (ccxt.ExchangeError("kucoin 400002 KC-API-TIMESTAMP Invalid"), FailureKind.CLOCK_SKEW),
        (ccxt.RateLimitExceeded("too many requests"), FailureKind.RATE_LIMIT),
        (ccxt.DDoSProtection("418 I'm a teapot"), FailureKind.RATE_LIMIT),
        (ccxt.RequestTimeout("timed out"), FailureKind.TIMEOUT),
        (ccxt.NetworkError("reset by peer"), FailureKind.NETWORK),
        (_raised_from_transport(), FailureKind.NETWORK),
        (ccxt.ExchangeNotAvailable("system busy"), FailureKind.VENUE_DOWN),
        (ccxt.OnMaintenance("maintenance"), FailureKind.VENUE_DOWN),
        (ccxt.BadResponse("not json"), FailureKind.BAD_REPLY),
        (ccxt.ExchangeError("something else"), FailureKind.UNKNOWN),
        # A venue's own error with words in it stays the venue's: the detail carries them.
        (ccxt.ExchangeError('okx {"code": "51000", "msg": "x error"}'), FailureKind.UNKNOWN),
        # ccxt's catch-all for a reply without the venue's status code and message.
        (ccxt.ExchangeError("kucoinfutures {}"), FailureKind.BAD_REPLY),
        (ccxt.ExchangeError("okx []"), FailureKind.BAD_REPLY),
        (ccxt.ExchangeError('bybit {"retCode": [], "retMsg": "OK"}'), FailureKind.BAD_REPLY),
        # What a parser raises on a null, a string or a zero where it expected something else.
        (AttributeError("'NoneType' object has no attribute 'get'"), FailureKind.BAD_REPLY),
        (ZeroDivisionError("float division by zero"), FailureKind.BAD_REPLY),
        (KeyError("data"), FailureKind.BAD_REPLY),
    ],
)
def test_kind_per_ccxt_exception(error: BaseException, kind: FailureKind) -> None:
    assert to_failure(error).kind is kind


def test_retry_after_from_headers() -> None:
    failure = to_failure(ccxt.RateLimitExceeded("429"), response_headers={"retry-after": "12"})
    assert failure.retry_after == 12.0
    assert parse_retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) is None
    assert parse_retry_after(None) is None


def test_detail_hides_query_strings_and_secrets() -> None:
    message = (
        "binanceusdm GET https://fapi.binance.com/fapi/v3/positionRisk?timestamp=1&signature=abc "
        "401 {'echo': 'my-secret-value'}"
    )
    detail = safe_detail(message, ["my-secret-value", None])
    assert "signature" not in detail and "abc" not in detail
    assert "my-secret-value" not in detail
    assert "/fapi/v3/positionRisk" in detail
    assert len(safe_detail("x" * 5000)) <= 300


@pytest.mark.parametrize(("body", "named"), [("null", "null"), ("12", "int"), ('"ok"', "str")])
def test_bare_json_value_is_a_bad_reply_named_as_such(body: str, named: str) -> None:
    with pytest.raises(VenueFailure) as raised:
        check_response(200, "OK", {"Content-Type": "application/json"}, body)
    assert raised.value.kind is FailureKind.BAD_REPLY
    assert f"bare JSON {named} instead of the venue's object or list" in raised.value.detail


def test_every_kind_has_one_sentence_naming_the_account() -> None:
    for kind in FailureKind:
        sentence = VenueFailure(kind, "detail", context="example.invalid").sentence("main")
        assert sentence.startswith("main: ") and sentence.endswith(".")
        assert "{" not in sentence and "detail" not in sentence
    # Only a failure to reach the venue blames the user's internet connection.
    blaming = [k for k in FailureKind if "internet" in VenueFailure(k).sentence("a")]
    assert blaming == [FailureKind.NETWORK]


def test_a_redirect_sentence_names_where_it_pointed() -> None:
    failure = check_response_failure(302, {"Location": "https://other.invalid/v5/position/list"})
    assert failure.kind is FailureKind.REDIRECT
    assert failure.sentence("main") == (
        "main: the exchange redirected the request to other.invalid; the app sends keys to "
        "nobody else and follows no redirects — check api_url."
    )
    assert "another address" in check_response_failure(301, {}).sentence("main")


def check_response_failure(code: int, headers: dict[str, str]) -> VenueFailure:
    with pytest.raises(VenueFailure) as caught:
        check_response(code, "Found", headers, "", url="https://api.bybit.com/v5/position/list")
    return caught.value
