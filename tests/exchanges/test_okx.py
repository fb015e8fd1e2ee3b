"""OKX: the positions and account-config examples through the real ccxt client."""

from __future__ import annotations

import time

from adl_monitor.core.model.position import MarginMode, Side
from adl_monitor.core.security.key_verdict import KeyVerdict
from tests.exchanges.fixture_server import FixtureServer, fixture
from tests.exchanges.markets import by_symbol, market

MARKETS = by_symbol(
    market("BTC-USDT", "BTC/USDT", kind="spot"),
    market("BTC-USDT-SWAP", "BTC/USDT:USDT", contract_size=0.01),
)
BALANCE = {
    "code": "0",
    "msg": "",
    "data": [
        {
            "totalEq": "120.5",
            "details": [
                {"ccy": "USDT", "cashBal": "100", "eq": "99.9", "mmr": "0.5", "imr": "20"},
            ],
        }
    ],
}
EMPTY = {"code": "0", "msg": "", "data": []}


def serve_account(server: FixtureServer, positions: object, history: object = EMPTY) -> None:
    server.reply("GET", "/api/v5/account/positions", positions)
    server.reply("GET", "/api/v5/account/balance", BALANCE)
    server.reply("GET", "/api/v5/account/positions-history", history)


async def test_margin_position_with_its_adl_value(servers, open_connector) -> None:
    server = await servers("okx")
    serve_account(server, fixture("okx", "positions"))
    connector = await open_connector(server, MARKETS)

    reading = await connector.fetch()

    (position,) = reading.positions
    assert position.symbol == "BTC/USDT"
    assert position.side is Side.LONG
    assert position.margin_mode is MarginMode.ISOLATED
    assert position.entry_price == 62961.4
    assert position.mark_price == 62891.9
    adl = reading.adl[("BTC/USDT", "long")]
    assert (adl.raw, adl.tier) == ("1", 1)
    usdt = reading.figures["USDT"]
    assert (usdt.wallet_balance, usdt.equity, usdt.maintenance_margin) == (100.0, 99.9, 0.5)


async def test_positions_history_adl_close_is_a_hit(servers, open_connector) -> None:
    def swap_position(size: str) -> dict[str, object]:
        reply = fixture("okx", "positions")
        reply["data"][0].update(
            instType="SWAP", instId="BTC-USDT-SWAP", posSide="short", pos=size, adl="4"
        )
        return reply

    now_ms = str(int(time.time() * 1000) + 1000)
    history = {
        "code": "0",
        "msg": "",
        "data": [
            {
                "instId": "BTC-USDT-SWAP",
                "type": "5",
                "posSide": "short",
                "posId": "7",
                "uTime": now_ms,
            },
            {
                "instId": "BTC-USDT-SWAP",
                "type": "2",
                "posSide": "long",
                "posId": "8",
                "uTime": now_ms,
            },
            {
                "instId": "BTC-USDT-SWAP",
                "type": "6",
                "posSide": "short",
                "posId": "6",
                "uTime": "1",
            },
        ],
    }
    server = await servers("okx")
    serve_account(server, swap_position("3"), history)
    connector = await open_connector(server, MARKETS)
    key = ("BTC/USDT:USDT", "short")

    before = await connector.fetch()
    assert before.adl[key].tier == 4
    assert before.adl_hits == frozenset()
    assert server.hits["/api/v5/account/positions-history"] == 0  # nothing shrank: not asked

    serve_account(server, swap_position("2"), history)  # OKX's ADL took one contract
    reduced = await connector.fetch()
    again = await connector.fetch()

    # The recent partial ADL close (type 5) counts; the old full close predates the app.
    assert reduced.adl_hits == {key}
    assert again.adl_hits == frozenset()  # reported once
    assert server.hits["/api/v5/account/positions-history"] == 1


async def test_account_config_example_can_withdraw(servers, open_connector) -> None:
    server = await servers("okx")
    server.reply("GET", "/api/v5/account/config", fixture("okx", "accountConfig"))
    connector = await open_connector(server, MARKETS)

    check = await connector.check_key()

    assert check.verdict is KeyVerdict.CAN_WITHDRAW
    assert set(check.permissions) == {"withdraw", "trade"}


async def test_read_only_perm(servers, open_connector) -> None:
    config = fixture("okx", "accountConfig")
    config["data"][0]["perm"] = "read_only"
    server = await servers("okx")
    server.reply("GET", "/api/v5/account/config", config)
    connector = await open_connector(server, MARKETS)

    assert (await connector.check_key()).verdict is KeyVerdict.READ_ONLY
