"""Each venue's permission reply read into a verdict, beyond what the doc examples show."""

from __future__ import annotations

from adl_monitor.core.security.key_verdict import KeyVerdict
from adl_monitor.exchanges.gate import key_check_from_main_keys
from adl_monitor.exchanges.htx import key_check_from_api_key as htx_check
from adl_monitor.exchanges.kucoinfutures import key_check_from_api_key as kucoin_check
from adl_monitor.exchanges.okx import key_check_from_config
from tests.exchanges.fixture_server import fixture


def test_gate_perms() -> None:
    def keys(*perms: tuple[str, bool]) -> list[dict[str, object]]:
        return [{"mode": 1, "perms": [{"name": n, "read_only": r} for n, r in perms]}]

    assert key_check_from_main_keys(keys(("futures", True), ("wallet", True))).verdict is (
        KeyVerdict.READ_ONLY
    )
    trade = key_check_from_main_keys(keys(("futures", False), ("wallet", True)))
    assert (trade.verdict, trade.permissions) == (KeyVerdict.CAN_TRADE, ("futures",))
    withdraw = key_check_from_main_keys(keys(("withdraw", False), ("futures", True)))
    assert withdraw.verdict is KeyVerdict.CAN_WITHDRAW
    assert key_check_from_main_keys([]).verdict is KeyVerdict.UNVERIFIED


def test_htx_permission_of_this_key() -> None:
    reply = fixture("htx", "apiKey")
    key = reply["data"][0]["accessKey"]
    assert htx_check(reply, key).verdict is KeyVerdict.CAN_TRADE
    reply["data"][0]["permission"] = "readOnly"
    assert htx_check(reply, key).verdict is KeyVerdict.READ_ONLY
    reply["data"][0]["permission"] = "readOnly,withdraw"
    assert htx_check(reply, key).verdict is KeyVerdict.CAN_WITHDRAW


def test_kucoin_general_only_is_read_only() -> None:
    reply = fixture("kucoinfutures", "apiKey")
    reply["data"]["permission"] = "General"
    assert kucoin_check(reply).verdict is KeyVerdict.READ_ONLY
    reply["data"]["permission"] = "General,Futures,Withdrawal"
    check = kucoin_check(reply)
    assert check.verdict is KeyVerdict.CAN_WITHDRAW
    assert check.permissions == ("Futures", "Withdrawal")


def test_okx_reply_without_perm_is_unverified() -> None:
    check = key_check_from_config({"code": "0", "data": [{}]})
    assert check.verdict is KeyVerdict.UNVERIFIED and check.message
