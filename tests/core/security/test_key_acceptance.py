"""The rules for accepting an API key, shared by `accounts add` and the Accounts dialog."""

from __future__ import annotations

import pytest

from adl_monitor.core.security.key_acceptance import KeyOutcome, accept_key
from adl_monitor.core.security.key_verdict import KeyCheck, KeyVerdict


@pytest.mark.parametrize("allow_trading", [False, True])
@pytest.mark.parametrize("verdict", [KeyVerdict.READ_ONLY, KeyVerdict.NOT_NEEDED])
def test_a_read_only_key_or_no_key_is_accepted_without_a_warning(
    verdict: KeyVerdict, allow_trading: bool
) -> None:
    decision = accept_key(KeyCheck(verdict), allow_trading)
    assert decision.accepted and decision.outcome is KeyOutcome.READ_ONLY
    assert not decision.trading_key and decision.unverified_reason == ""


def test_a_trading_key_is_refused_unless_the_user_allows_it() -> None:
    check = KeyCheck(KeyVerdict.CAN_TRADE, ("ContractTrade",))
    refused = accept_key(check, allow_trading=False)
    assert not refused.accepted and refused.outcome is KeyOutcome.TRADING_REFUSED
    allowed = accept_key(check, allow_trading=True)
    assert allowed.accepted and allowed.trading_key  # the account carries the warning


@pytest.mark.parametrize("allow_trading", [False, True])
def test_a_key_that_can_withdraw_is_always_refused(allow_trading: bool) -> None:
    decision = accept_key(KeyCheck(KeyVerdict.CAN_WITHDRAW, ("Wallet:Withdraw",)), allow_trading)
    assert not decision.accepted and decision.outcome is KeyOutcome.WITHDRAW_REFUSED
    assert not decision.trading_key


def test_a_key_that_could_not_be_verified_is_kept_with_the_reason() -> None:
    check = KeyCheck(KeyVerdict.UNVERIFIED, message="The venue did not answer in 20 s.")
    decision = accept_key(check, allow_trading=False)
    assert decision.accepted and decision.outcome is KeyOutcome.UNVERIFIED
    assert decision.unverified_reason == "The venue did not answer in 20 s"
    silent = accept_key(KeyCheck(KeyVerdict.UNVERIFIED), allow_trading=False)
    assert silent.unverified_reason == "the exchange offers no way to ask"
