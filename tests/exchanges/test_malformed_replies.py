"""A malformed venue reply never crashes a connector, and never yields a nonsense position.

Each venue's recorded replies are served by the fixture server to the real ccxt client, after
hypothesis has broken them the ways a venue (or a proxy, or a half-deployed API change) does:
a leaf or a subtree replaced by some other JSON value, a key deleted, a list emptied. The body
stays HTTP 200 and valid JSON. Whatever comes back, `fetch()` must return a reading whose
positions are well-formed, or raise `VenueFailure` (the user then reads its sentence); and
`check_key()` must return a `KeyCheck` or raise `VenueFailure`. Any other exception is a crash
the engine would have to catch blindly.
"""

from __future__ import annotations

import asyncio
import copy
import math
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ccxt
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.core.model.levels import MAX_TIER
from adl_monitor.core.model.position import Position
from adl_monitor.core.security.key_verdict import KeyCheck
from adl_monitor.exchanges import market_cache
from adl_monitor.exchanges.position_builder import build_position
from adl_monitor.exchanges.registry import connector_for
from tests.exchanges import test_bybit, test_okx
from tests.exchanges.conftest import TEST_CREDENTIALS, WALLET
from tests.exchanges.fixture_server import FixtureServer, fixture
from tests.exchanges.markets import by_symbol, market
from tests.exchanges.test_binance import COINM_MARKETS, USDM_ACCOUNT, USDM_MARKETS
from tests.exchanges.test_other_venues import BITGET_POSITION_ROW
from tests.helpers import assert_loopback_client

Route = tuple[str, str]
Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Scenario:
    """One venue's working replies: fetch() and check_key() succeed on them unmutated."""

    venue: str
    markets: dict[str, Any]
    replies: dict[Route, Any]
    keyless: bool = False
    min_positions: int = 1  # what the unmutated replies must yield (the test's own sanity)
    check_key: bool = True


def _binance_row(symbol: str, amount: str) -> dict[str, Any]:
    row: dict[str, Any] = copy.deepcopy(fixture("binanceusdm", "positionRisk-v3")[0])
    row.update(symbol=symbol, positionAmt=amount)
    return row


def _phemex_reply() -> Any:
    reply = fixture("phemex", "accountPositions")
    reply["data"]["positions"][0].update(size="1", symbol="BTCUSDT")  # a placeholder row in docs
    return reply


def _bitget_position() -> dict[str, Any]:
    return {
        "code": "00000",
        "msg": "success",
        "requestTime": 1753775486724,
        "data": [dict(BITGET_POSITION_ROW)],
    }


def scenarios() -> dict[str, Scenario]:
    ok_kucoin = {"code": "200000"}
    return {
        "binanceusdm": Scenario(
            "binanceusdm",
            USDM_MARKETS,
            {
                ("GET", "/fapi/v3/positionRisk"): [_binance_row("BTCUSDT", "30")],
                ("GET", "/fapi/v3/account"): USDM_ACCOUNT,
                ("GET", "/fapi/v1/adlQuantile"): fixture("binanceusdm", "adlQuantile"),
                ("GET", "/sapi/v1/account/apiRestrictions"): fixture(
                    "binanceusdm", "apiRestrictions"
                ),
            },
        ),
        "binancecoinm": Scenario(
            "binancecoinm",
            COINM_MARKETS,
            {
                ("GET", "/dapi/v1/positionRisk"): [
                    {
                        **_binance_row("BTCUSD_200925", "2"),
                        "notionalValue": "0.1",
                        "positionSide": "LONG",
                    },
                    {
                        **_binance_row("BTCUSD_201225", "-3"),
                        "notionalValue": "-0.1",
                        "positionSide": "SHORT",
                    },
                ],
                ("GET", "/dapi/v1/account"): {
                    "assets": [{"asset": "BTC", "walletBalance": "1", "marginBalance": "1.01"}]
                },
                ("GET", "/dapi/v1/adlQuantile"): fixture("binancecoinm", "adlQuantile"),
                ("GET", "/sapi/v1/account/apiRestrictions"): fixture(
                    "binanceusdm", "apiRestrictions"
                ),
            },
        ),
        "bybit": Scenario(
            "bybit",
            test_bybit.MARKETS,
            {
                ("GET", "/v5/position/list"): fixture("bybit", "positionList"),
                ("GET", "/v5/account/wallet-balance"): test_bybit.WALLET,
                ("GET", "/v5/account/info"): test_bybit.account_info(),
                ("GET", "/v5/user/query-api"): fixture("bybit", "queryApi"),
            },
        ),
        "okx": Scenario(
            "okx",
            test_okx.MARKETS,
            {
                ("GET", "/api/v5/account/positions"): fixture("okx", "positions"),
                ("GET", "/api/v5/account/balance"): test_okx.BALANCE,
                ("GET", "/api/v5/account/positions-history"): test_okx.EMPTY,
                ("GET", "/api/v5/account/config"): fixture("okx", "accountConfig"),
            },
        ),
        "gate": Scenario(
            "gate",
            by_symbol(market("BTC_USDT", "BTC/USDT:USDT", contract_size=0.0001)),
            {
                ("GET", "/api/v4/futures/usdt/positions"): fixture("gate", "positions"),
                ("GET", "/api/v4/futures/usdt/accounts"): {
                    "currency": "USDT",
                    "total": "500",
                    "unrealised_pnl": "-0.0005",
                    "maintenance_margin": "17.8",
                },
                ("GET", "/api/v4/account/main_keys"): [
                    {"mode": 1, "perms": [{"name": "futures", "read_only": True}]}
                ],
            },
        ),
        "htx": Scenario(
            "htx",
            by_symbol(market("BTC-USDT", "BTC/USDT:USDT", contract_size=0.001)),
            {
                ("GET", "/v5/trade/position/opens"): fixture("htx", "positionOpens"),
                ("GET", "/v5/account/balance"): {
                    "code": 200,
                    "data": {
                        "equity": "100",
                        "profit_unreal": "-0.039",
                        "maintenance_margin": "0.21",
                    },
                },
                ("GET", "/v2/user/uid"): {"code": 200, "data": 1234},
                ("GET", "/v2/user/api-key"): fixture("htx", "apiKey"),
            },
        ),
        "kucoinfutures": Scenario(
            "kucoinfutures",
            by_symbol(market("XBTUSDTM", "BTC/USDT:USDT", contract_size=0.001)),
            {
                ("GET", "/api/v1/positions"): fixture("kucoinfutures", "positions"),
                ("GET", "/api/v1/account-overview"): {
                    **ok_kucoin,
                    "data": {"currency": "USDT", "accountEquity": 110, "marginBalance": 100},
                },
                ("GET", "/api/v1/user/api-key"): fixture("kucoinfutures", "apiKey"),
                ("GET", "/api/ua/v1/account/mode"): {
                    **ok_kucoin,
                    "data": {"selfAccountMode": "CLASSIC"},
                },
            },
        ),
        "bitget": Scenario(
            "bitget",
            by_symbol(market("MOVEUSDT", "MOVE/USDT:USDT")),
            {
                ("GET", "/api/v2/mix/position/all-position"): _bitget_position(),
                ("GET", "/api/v2/mix/position/adlRank"): fixture("bitget", "adlRank"),
                ("GET", "/api/v2/mix/account/accounts"): {
                    "code": "00000",
                    "msg": "success",
                    "requestTime": 1753775486724,
                    "data": [{"marginCoin": "USDT", "accountEquity": "105", "unrealizedPL": "5"}],
                },
            },
        ),
        "phemex": Scenario(
            "phemex",
            by_symbol(market("BTCUSDT", "BTC/USDT:USDT")),
            {("GET", "/g-accounts/accountPositions"): _phemex_reply()},
        ),
        "hyperliquid": Scenario(
            "hyperliquid",
            by_symbol(market("1", "ETH/USDC:USDC", info={"name": "ETH"})),
            {
                ("POST", "/info"): {
                    "assetPositions": [fixture("hyperliquid", "clearinghouseState-assetPosition")],
                    "marginSummary": {"accountValue": "1000", "totalMarginUsed": "24.88"},
                    "crossMaintenanceMarginUsed": "5",
                }
            },
            keyless=True,
        ),
    }


SCENARIOS = scenarios()

# ------------------------------------------------------------------------------ mutations

# Strings venues (and broken proxies) really send where a number belongs.
_NASTY_STRINGS = st.sampled_from(
    [
        "",
        " ",
        " 3 ",
        "NaN",
        "nan",
        "Infinity",
        "-inf",
        "1e999",
        "-1e999",
        "-1",
        "-0",
        "0",
        "0.0",
        "1e-400",
        "null",
        "true",
        "1,5",
        "0x10",
        "--1",
        "∞",
        "BTCUSDT",
        "long",
        "short",
        "Adl",
    ]
)
_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
    | _NASTY_STRINGS
)
JSON_VALUES = st.recursive(
    _LEAVES,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=6) | _NASTY_STRINGS, children, max_size=3)
    ),
    max_leaves=6,
)


def node_paths(node: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    """Every position in a JSON tree, the root included, parents before children."""
    yield prefix
    if isinstance(node, dict):
        for key, child in node.items():
            yield from node_paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from node_paths(child, (*prefix, index))


def _get(node: Any, path: Path_) -> Any:
    for step in path:
        node = node[step]
    return node


@st.composite
def mutated(draw: st.DrawFn, body: Any) -> Any:
    """`body` with one node replaced, deleted or emptied."""
    body = copy.deepcopy(body)
    path = draw(st.sampled_from(list(node_paths(body))))
    target = _get(body, path)
    operations = ["replace"]
    if path:
        operations.append("delete")
    if isinstance(target, list | dict) and target:
        operations.append("empty")
    operation = draw(st.sampled_from(operations))
    if operation == "empty":
        target.clear()
        return body
    if operation == "replace":
        value = draw(JSON_VALUES)
        if not path:
            return value
        _get(body, path[:-1])[path[-1]] = value
        return body
    parent = _get(body, path[:-1])
    del parent[path[-1]]
    return body


@st.composite
def broken_replies(draw: st.DrawFn, scenario: Scenario) -> dict[Route, Any]:
    """The scenario's replies with one to three mutations, each in some route's body."""
    replies = dict(scenario.replies)
    routes = sorted(replies)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        route = draw(st.sampled_from(routes))
        replies[route] = draw(mutated(replies[route]))
    return replies


# ------------------------------------------------------------------------------- contract

_NUMBERS = ("contracts", "contract_size", "entry_price", "mark_price", "notional")
_OPTIONAL_NUMBERS = ("leverage", "margin", "maintenance_margin", "liquidation_price")


def assert_well_formed(position: Position) -> None:
    for name in _NUMBERS:
        value = getattr(position, name)
        assert isinstance(value, float | int) and math.isfinite(value), (name, value)
        assert value >= 0, (name, value)
    assert position.contracts > 0 and position.contract_size > 0, position
    assert math.isfinite(position.unrealized_pnl), position
    for name in _OPTIONAL_NUMBERS:
        value = getattr(position, name)
        assert value is None or math.isfinite(value), (name, value)


def assert_reading(reading: AccountReading) -> None:
    assert isinstance(reading, AccountReading)
    keys = set()
    for position in reading.positions:
        assert_well_formed(position)
        keys.add((position.symbol, position.side.value))
    assert set(reading.adl) <= keys  # no indicator for a position that is not shown
    for adl in reading.adl.values():
        assert adl.tier is None or 1 <= adl.tier <= MAX_TIER, adl
        assert adl.updated_at == reading.fetched_at  # fresh: this connector read nothing before
    for figures in reading.figures.values():
        for value in (figures.wallet_balance, figures.equity, figures.maintenance_margin):
            assert value is None or math.isfinite(value), figures


_CCXT_ERRORS = {name for name in dir(ccxt) if isinstance(getattr(ccxt, name), type)}


def assert_clear_failure(failure: VenueFailure, account: str) -> None:
    """A classified failure whose sentence names the account; a crash inside the parsing
    (a Python error rather than the venue's own error code) must not come out as UNKNOWN."""
    assert isinstance(failure.kind, FailureKind)
    sentence = failure.sentence(account)
    assert sentence.startswith(f"{account}: ") and sentence.endswith(".")
    assert TEST_CREDENTIALS.secret not in str(failure)
    if failure.kind is FailureKind.UNKNOWN:
        raised = failure.detail.split(":", 1)[0]
        assert raised in _CCXT_ERRORS, f"unclassified crash: {failure.detail}"


# ---------------------------------------------------------------------------------- runner


class VenueBench:
    """One loop, one fixture server; a fresh connector per example (its state starts clean,
    so a failing example replays the same way), markets restored from the on-disk cache."""

    def __init__(self, scenario: Scenario, cache: Path) -> None:
        self.scenario = scenario
        self.cache = cache
        self.runner = asyncio.Runner()
        self.server = FixtureServer(scenario.venue)
        self.runner.run(self.server.start())
        market_cache.save(
            market_cache.cache_file(cache, scenario.venue, self.server.api_url), scenario.markets
        )

    def close(self) -> None:
        self.runner.run(self.server.close())
        self.runner.close()

    def serve(self, replies: dict[Route, Any]) -> None:
        self.server.routes.clear()
        for (method, path), body in replies.items():
            self.server.reply(method, path, body)

    def run(self, replies: dict[Route, Any]) -> tuple[object, object]:
        """(fetch outcome, check_key outcome): a reading/KeyCheck, or the VenueFailure."""
        self.serve(replies)
        return self.runner.run(self._run())

    async def _run(self) -> tuple[object, object]:
        venue = self.scenario.venue
        spec = AccountSpec(
            name=f"{venue} main",
            exchange=venue,
            api_url=self.server.api_url,
            wallet_address=WALLET if self.scenario.keyless else None,
        )
        credentials = None if self.scenario.keyless else TEST_CREDENTIALS
        connector = connector_for(spec, credentials, cache_dir=self.cache)
        try:
            await connector.open()
            assert_loopback_client(connector.client)
            connector.client.timeout_on_exit = 0  # ccxt sleeps 250 ms on close by default
            fetched: object
            checked: object = None
            try:
                fetched = await connector.fetch()
            except VenueFailure as failure:
                fetched = failure
            if self.scenario.check_key:
                try:
                    checked = await connector.check_key()
                except VenueFailure as failure:
                    checked = failure
            return fetched, checked
        finally:
            await connector.close()


@pytest.fixture(scope="module")
def cache_root() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="adlmon-malformed-") as root:
        yield Path(root)


def assert_contract(outcome: tuple[object, object], account: str) -> None:
    fetched, checked = outcome
    if isinstance(fetched, VenueFailure):
        assert_clear_failure(fetched, account)
    else:
        assert_reading(fetched)  # type: ignore[arg-type]
    if isinstance(checked, VenueFailure):
        assert_clear_failure(checked, account)
    else:
        assert checked is None or isinstance(checked, KeyCheck), checked


@pytest.mark.parametrize("venue", sorted(SCENARIOS))
def test_unbroken_replies_read_positions(venue: str, cache_root: Path) -> None:
    """The baseline the mutations start from really works, so the property is not vacuous."""
    scenario = SCENARIOS[venue]
    bench = VenueBench(scenario, cache_root / f"{venue}-baseline")
    try:
        fetched, checked = bench.run(scenario.replies)
    finally:
        bench.close()
    assert isinstance(fetched, AccountReading), fetched
    assert len(fetched.positions) >= scenario.min_positions
    assert_reading(fetched)
    assert isinstance(checked, KeyCheck), checked


@pytest.mark.parametrize("venue", sorted(SCENARIOS))
def test_malformed_reply_never_crashes(venue: str, cache_root: Path) -> None:
    scenario = SCENARIOS[venue]
    bench = VenueBench(scenario, cache_root / venue)
    account = f"{venue} main"

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(replies=broken_replies(scenario))
    def property_(replies: dict[Route, Any]) -> None:
        assert_contract(bench.run(replies), account)

    try:
        property_()
    finally:
        bench.close()


_UNIFIED_NUMBERS = (
    "contracts",
    "contractSize",
    "entryPrice",
    "markPrice",
    "notional",
    "unrealizedPnl",
    "leverage",
    "positionMargin",
    "initialMargin",
    "maintenanceMargin",
    "liquidationPrice",
)


_SANE = {"contracts": "2", "contractSize": "1", "entryPrice": "100", "markPrice": "110"}


@settings(max_examples=300, deadline=None, database=None)
@example(  # a size times a mark beyond any float: the notional would be inf
    values={**_SANE, "contracts": "1e300", "markPrice": "1e300"},
    side="long",
    margin_mode="cross",
    inverse=False,
    market_contract_size=None,
)
@example(  # a negative contract size: the notional would come out negative
    values={**_SANE, "contractSize": "-100"},
    side="short",
    margin_mode="isolated",
    inverse=True,
    market_contract_size=-1,
)
@example(  # negative prices, leverage and margin: placeholders, not numbers
    values={**_SANE, "entryPrice": -5, "markPrice": "-1", "leverage": -3, "positionMargin": -1},
    side="long",
    margin_mode="isolated",
    inverse=False,
    market_contract_size=1,
)
@given(
    values=st.fixed_dictionaries({name: _LEAVES for name in _UNIFIED_NUMBERS}),
    side=st.sampled_from(["long", "short", None, "", "buy"]),
    margin_mode=st.sampled_from(["isolated", "cross", None]),
    inverse=st.booleans(),
    market_contract_size=_LEAVES,
)
def test_any_numbers_build_a_sane_position_or_none(
    values: dict[str, Any],
    side: str | None,
    margin_mode: str | None,
    inverse: bool,
    market_contract_size: Any,
) -> None:
    """The shared builder, under every connector, on numbers ccxt passed through unchecked."""
    unified = {**values, "symbol": "BTC/USD:BTC", "side": side, "marginMode": margin_mode}
    market = {"inverse": inverse, "contractSize": market_contract_size, "settle": "BTC"}

    position = build_position("main", "bybit", unified, market)

    if position is not None:
        assert_well_formed(position)


def test_position_beyond_float_range_is_skipped_with_a_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    unified = {**_SANE, "contracts": "1e300", "markPrice": "1e300", "symbol": "BTC/USDT:USDT"}

    with caplog.at_level("WARNING"):
        position = build_position("main", "bybit", {**unified, "side": "long"}, None)

    assert position is None
    assert "main: skipped BTC/USDT:USDT long: the exchange sent unusable numbers" in caplog.text
    assert "notional" in caplog.text
