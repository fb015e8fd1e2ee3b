"""The read-only promise, tested (issue 9): every command and the desktop app, on every venue
the simulator serves, send only the documented reads of docs/security.md.

The simulator logs the method and path of every request it receives (`sim/request_log.py`).
Each test runs the real code path against it, then checks every logged request against
`DOCUMENTED_READS` — the one list of what the app may send, mirrored in docs/security.md (a
test keeps the two equal) — and, independently of the list, against the patterns of endpoints
that act: orders, cancels, transfers, withdrawals, leverage and margin changes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from adl_monitor.cli import main
from adl_monitor.commands import sim_exchange
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.sim.demo import (
    DEMO_API_KEY,
    DEMO_PASSWORD,
    DEMO_SECRET,
    HYPERLIQUID_DEMO_WALLET,
    VENUES,
)
from adl_monitor.sim.request_log import LoggedRequest
from adl_monitor.sim.thread import SimExchangeThread

REPO = Path(__file__).resolve().parents[1]

# -- what the app may send: the one list ---------------------------------------------------------

DOCUMENTED_READS: dict[str, frozenset[tuple[str, str]]] = {
    "bybit": frozenset(
        {
            ("GET", "/v5/market/time"),
            ("GET", "/v5/market/instruments-info"),
            ("GET", "/v5/market/tickers"),
            ("GET", "/v5/user/query-api"),  # what the key may do
            ("GET", "/v5/account/info"),
            ("GET", "/v5/account/wallet-balance"),
            ("GET", "/v5/position/list"),
            ("GET", "/v5/execution/list"),  # ADL evidence: execType AdlTrade
            ("GET", "/v5/market/adlAlert"),  # venue-wide ADL risk (insurance pool)
            ("GET", "/v5/private"),  # the private websocket (login + position topic)
        }
    ),
    "binanceusdm": frozenset(
        {
            ("GET", "/fapi/v1/ping"),
            ("GET", "/fapi/v1/time"),
            ("GET", "/fapi/v1/exchangeInfo"),
            ("GET", "/fapi/v1/premiumIndex"),
            ("GET", "/fapi/v1/leverageBracket"),  # a read of the brackets, not a change
            ("GET", "/sapi/v1/account/apiRestrictions"),  # what the key may do
            ("GET", "/fapi/v2/account"),
            ("GET", "/fapi/v3/account"),
            ("GET", "/fapi/v2/balance"),
            ("GET", "/fapi/v3/balance"),
            ("GET", "/fapi/v2/positionRisk"),
            ("GET", "/fapi/v3/positionRisk"),
            ("GET", "/fapi/v1/adlQuantile"),
            ("GET", "/fapi/v1/symbolAdlRisk"),  # venue-wide ADL risk rating
            ("GET", "/fapi/v1/klines"),  # public hourly candles, for the estimate's prior
            ("GET", "/fapi/v1/symbolConfig"),  # the leverage set per symbol (a read)
            ("GET", "/fapi/v1/forceOrders"),  # ADL evidence: autoCloseType=ADL
            ("GET", "/fapi/v1/allOrders"),  # ADL evidence: clientOrderId adl_autoclose
            ("POST", "/fapi/v1/listenKey"),  # opens the user-data stream (read only)
            ("PUT", "/fapi/v1/listenKey"),  # keeps it open
        }
    ),
    "okx": frozenset(
        {
            ("GET", "/api/v5/public/time"),
            ("GET", "/api/v5/public/instruments"),
            ("GET", "/api/v5/public/mark-price"),
            ("GET", "/api/v5/account/config"),  # what the key may do (perm)
            ("GET", "/api/v5/account/balance"),
            ("GET", "/api/v5/account/positions"),
            ("GET", "/api/v5/account/positions-history"),  # ADL evidence: type 5
            ("GET", "/ws/v5/private"),  # the private websocket (login + positions channel)
        }
    ),
    "hyperliquid": frozenset({("POST", "/info")}),
}
HYPERLIQUID_READ_TYPES = frozenset(
    {
        "meta",
        "metaAndAssetCtxs",
        "allMids",
        "perpDexs",
        "clearinghouseState",
        "spotClearinghouseState",
        "userAbstraction",
        "userFills",  # ADL evidence: fills marked as ADL
        "userFillsByTime",
        # public hourly candles: the estimate's prior (core/estimate/public_prior.py)
        "candleSnapshot",
        # public trades, for the wallets whose public positions the prior reads
        # (exchanges/hyperliquid_wallets.py; those are `clearinghouseState` reads)
        "recentTrades",
    }
)
"""`POST /info` only reads; Hyperliquid's writes all go to `POST /exchange`, never sent."""

WEBSOCKET_FRAMES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "bybit": (frozenset({"auth", "subscribe", "ping"}), frozenset({"position"})),
    "okx": (frozenset({"login", "subscribe", "ping"}), frozenset({"positions"})),
}
"""Per venue: the `op`s the app may send on its private websocket, and the channels it may
subscribe to. A venue that takes orders over the same socket (OKX `order`, Bybit
`order.create`) never gets one."""

ACTING_ENDPOINT = re.compile(r"(?i)(order|cancel|transfer|withdraw|leverage|margin|/exchange$)")
"""Path fragments of endpoints that act on an account; two reads match and are named below."""
ACTING_LOOKALIKE_READS = frozenset(
    {
        ("binanceusdm", "GET", "/fapi/v1/forceOrders"),
        ("binanceusdm", "GET", "/fapi/v1/allOrders"),
        ("binanceusdm", "GET", "/fapi/v1/leverageBracket"),
    }
)


def _undocumented(requests: list[LoggedRequest]) -> list[str]:
    """Every logged request that is not a documented read (or looks like an acting call)."""
    wrong = []
    for request in requests:
        pair = (request.method, request.path)
        documented = pair in DOCUMENTED_READS.get(request.venue, frozenset())
        if request.venue == "hyperliquid" and documented:
            documented = request.info_type in HYPERLIQUID_READ_TYPES
        if request.method == "WS":
            documented = _documented_frame(request)
        acting = bool(ACTING_ENDPOINT.search(request.path)) and (
            (request.venue, *pair) not in ACTING_LOOKALIKE_READS
        )
        acting |= any(
            ACTING_ENDPOINT.search(word) for word in (request.info_type or "", *request.channels)
        )
        if not documented or acting:
            wrong.append(str(request))
    return wrong


def _documented_frame(frame: LoggedRequest) -> bool:
    ops, channels = WEBSOCKET_FRAMES.get(frame.venue, (frozenset(), frozenset()))
    on_the_socket = ("GET", frame.path) in DOCUMENTED_READS[frame.venue]
    return on_the_socket and frame.info_type in ops and set(frame.channels) <= channels


def _assert_only_reads(requests: list[LoggedRequest], *venues: str) -> None:
    assert requests, "the simulator logged no request: the check would prove nothing"
    assert not _undocumented(requests), f"not a documented read: {_undocumented(requests)}"
    assert {request.venue for request in requests} >= set(venues)


def test_the_list_itself_holds_no_acting_endpoint() -> None:
    for venue, pairs in DOCUMENTED_READS.items():
        for method, path in pairs:
            if ACTING_ENDPOINT.search(path):
                assert (venue, method, path) in ACTING_LOOKALIKE_READS
                assert method == "GET"
            assert method == "GET" or path in ("/fapi/v1/listenKey", "/info")
    frame_words = [word for ops, channels in WEBSOCKET_FRAMES.values() for word in ops | channels]
    assert not any(ACTING_ENDPOINT.search(w) for w in [*HYPERLIQUID_READ_TYPES, *frame_words])


def test_the_checker_catches_an_order_a_withdrawal_and_a_hyperliquid_action() -> None:
    """The check can fail: requests a trading bot would send are all reported."""
    sent = [
        LoggedRequest("POST", "bybit", "/v5/order/create"),
        LoggedRequest("GET", "binanceusdm", "/fapi/v1/forceOrders"),
        LoggedRequest("POST", "binanceusdm", "/sapi/v1/capital/withdraw/apply"),
        LoggedRequest("POST", "okx", "/api/v5/account/set-leverage"),
        LoggedRequest("POST", "hyperliquid", "/exchange"),
        LoggedRequest("POST", "hyperliquid", "/info", "clearinghouseState"),
        LoggedRequest("POST", "hyperliquid", "/info", "order"),
        LoggedRequest("WS", "okx", "/ws/v5/private", "subscribe", ("positions",)),
        LoggedRequest("WS", "okx", "/ws/v5/private", "order"),
        LoggedRequest("WS", "bybit", "/v5/private", "subscribe", ("wallet", "order")),
    ]
    assert _undocumented(sent) == [
        "POST /bybit/v5/order/create",
        "POST /binanceusdm/sapi/v1/capital/withdraw/apply",
        "POST /okx/api/v5/account/set-leverage",
        "POST /hyperliquid/exchange",
        "POST /hyperliquid/info type=order",
        "WS /okx/ws/v5/private type=order",
        "WS /bybit/v5/private type=subscribe channels=wallet,order",
    ]


def test_docs_security_lists_exactly_these_reads() -> None:
    text = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(\w+)` \| `(GET|POST|PUT) ([^`]+)` \|", text, re.MULTILINE))
    expected = {
        (venue, method, path) for venue, pairs in DOCUMENTED_READS.items() for method, path in pairs
    }
    assert listed == expected
    for kind in HYPERLIQUID_READ_TYPES:
        assert f"`{kind}`" in text
    rows = re.findall(r"^\| `(\w+)` websocket \| ([^|]+) \| ([^|]+) \|", text, re.MULTILINE)
    frames = {
        (
            venue,
            frozenset(re.findall(r"`([\w.-]+)`", ops)),
            frozenset(re.findall(r"`([\w.-]+)`", chans)),
        )
        for venue, ops, chans in rows
    }
    assert frames == {(venue, *allowed) for venue, allowed in WEBSOCKET_FRAMES.items()}


# -- every command, through `sim-exchange` and the config it writes --------------------------------


def _feed(monkeypatch: pytest.MonkeyPatch, *lines: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))


def _demo_keys_in_environment(monkeypatch: pytest.MonkeyPatch, config: Path) -> None:
    from adl_monitor.storage.config import load_config

    for spec in load_config(config).accounts:
        if spec.needs_key:
            monkeypatch.setenv(spec.env_prefix + "API_KEY", DEMO_API_KEY)
            monkeypatch.setenv(spec.env_prefix + "SECRET", DEMO_SECRET)
            monkeypatch.setenv(spec.env_prefix + "PASSWORD", DEMO_PASSWORD)


def _every_command(monkeypatch: pytest.MonkeyPatch, config: Path, base_url: str, tmp: Path) -> None:
    """What a user does with the simulator's config: snapshot, watch, and the account
    commands on a second config, one account per venue."""
    _demo_keys_in_environment(monkeypatch, config)
    main(["snapshot", "--config", str(config)])
    main(["snapshot", "--config", str(config), "--json"])
    main(["watch", "--config", str(config), "--count", "2"])
    main(["watch", "--config", str(config), "--count", "1", "--json"])
    mine = tmp / "mine.toml"
    for venue in VENUES:
        name = f"my-{venue}"
        extra = ["--wallet-address", HYPERLIQUID_DEMO_WALLET] if venue == "hyperliquid" else []
        _feed(monkeypatch, DEMO_API_KEY, DEMO_SECRET, DEMO_PASSWORD)
        url = f"{base_url}/{venue}"
        add = ["accounts", "add", name, "--exchange", venue, "--api-url", url, "--config"]
        code = main([*add, str(mine), *extra])
        assert code == 0, venue
    assert main(["accounts", "verify", "--config", str(mine)]) == 0
    assert main(["accounts", "list", "--config", str(mine)]) == 0
    for venue in VENUES:
        assert main(["accounts", "remove", f"my-{venue}", "--config", str(mine)]) == 0


def test_every_command_sends_only_documented_reads_to_every_venue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    started: list[SimExchangeThread] = []
    original_start = SimExchangeThread.start

    def recording_start(self: SimExchangeThread) -> str:
        started.append(self)
        return original_start(self)

    config = tmp_path / "sim-config.toml"
    requests: list[LoggedRequest] = []

    def while_serving(seconds: float) -> None:
        """`sim-exchange` waits for Ctrl-C here: use it, then press Ctrl-C."""
        (sim,) = started
        sim.sim.requests.clear()  # only what the app sends from here on
        _every_command(monkeypatch, config, sim.base_url, tmp_path)
        requests.extend(sim.sim.requests.entries())
        main(["snapshot", "--demo"])  # and the embedded simulator of --demo
        assert len(started) == 2
        requests.extend(started[-1].sim.requests.entries())
        raise KeyboardInterrupt

    monkeypatch.setattr(SimExchangeThread, "start", recording_start)
    monkeypatch.setattr(sim_exchange, "time", SimpleNamespace(sleep=while_serving))
    code = main(["sim-exchange", "--port", "0", "--speed", "0", "--write-config", str(config)])
    assert code == 0, capsys.readouterr().err
    _assert_only_reads(requests, *VENUES)
    assert not [r for r in requests if r.venue == "__sim"]  # the app never drives the market


# -- the desktop app: the real window for a few refreshes, and the Accounts dialog's Verify ----


@pytest.fixture
def sim() -> Iterator[SimExchangeThread]:
    """The squeeze: positions climb the ADL queue while the window refreshes."""
    with SimExchangeThread(scenario="squeeze", seed=2, speed=0.0, traders_per_side=40) as thread:
        yield thread


@pytest.mark.qt_log_ignore("propagateSizeHints", "support raise")  # offscreen's limits
def test_the_desktop_app_sends_only_documented_reads(  # type: ignore[no-untyped-def]
    qtbot, qapp, sim: SimExchangeThread, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adl_monitor.storage.config import load_config
    from adl_monitor.ui.accounts_dialog import AccountsDialog
    from adl_monitor.ui.app import DesktopApp
    from adl_monitor.ui.bridge import EngineBridge
    from adl_monitor.wiring.desktop import desktop_wiring

    config = tmp_path / "config.toml"
    config.write_text(sim_exchange.config_toml(sim.sim.demo_accounts()), encoding="utf-8")
    _demo_keys_in_environment(monkeypatch, config)
    sim.sim.requests.clear()
    wiring = desktop_wiring(config, False, None)
    bridge = EngineBridge(wiring.start_engine)
    desktop = DesktopApp(qapp, bridge, wiring)
    qtbot.addWidget(desktop.window)
    try:
        with qtbot.waitSignal(bridge.started, timeout=60_000):
            desktop.show()
        for _ in range(3):  # a few refreshes, the market moving between them
            with qtbot.waitSignal(bridge.snapshot_received, timeout=60_000):
                desktop.bridge.refresh_now()
            sim.advance(20.0)  # on the simulator's own thread
        assert desktop.window.model.rowCount() > 0

        desktop.open_accounts()
        dialog = desktop.window.findChild(AccountsDialog)
        assert dialog is not None
        for spec in load_config(config).accounts:
            _verify_in_dialog(qtbot, dialog, bridge, spec)
    finally:
        desktop.quit()
    requests = sim.sim.requests.entries()
    _assert_only_reads(requests, *VENUES)
    assert {r.venue for r in requests if r.method == "WS" and r.info_type == "subscribe"} == {
        "bybit",
        "okx",
    }  # the streams were opened, and their frames checked


def _verify_in_dialog(qtbot, dialog, bridge, spec: AccountSpec) -> None:  # type: ignore[no-untyped-def]
    dialog.new_account()
    dialog.name.setText(f"check-{spec.exchange}")
    dialog.exchange.setCurrentIndex(dialog.exchange.findData(spec.exchange))
    dialog.api_url.setText(spec.api_url or "")
    if spec.wallet_address:
        dialog.wallet.setText(spec.wallet_address)
    else:
        dialog.api_key.setText(DEMO_API_KEY)
        dialog.secret.setText(DEMO_SECRET)
        dialog.password.setText(DEMO_PASSWORD)
    with qtbot.waitSignal(bridge.key_checked, timeout=30_000):
        dialog.verify_button.click()
    qtbot.waitUntil(lambda: dialog.verify_button.isEnabled(), timeout=30_000)
