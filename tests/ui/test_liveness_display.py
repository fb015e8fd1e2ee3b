"""The status bar and the rows tell one story (docs/liveness.md): a stale account's failure
sentence is shown, not only logged, and a venue's slower indicator (Binance: every 30 s) is
worded as current while the account is live."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import Qt

from adl_monitor.core.model.snapshot import AccountState, AccountStatus
from adl_monitor.ui.account_status_bar import AccountStatusStrip
from adl_monitor.ui.position_model import Column, PositionTableModel
from tests.ui.conftest import NOW, make_risk, make_snapshot


def test_a_stale_accounts_failure_sentence_is_in_the_status_bar(qtbot) -> None:  # type: ignore[no-untyped-def]
    strip = AccountStatusStrip()
    qtbot.addWidget(strip)
    sentence = "okx-main: the exchange is down or under maintenance — retrying."
    strip.set_accounts(
        (
            AccountStatus("bybit-main", "bybit", AccountState.LIVE, NOW),
            AccountStatus(
                "okx-main", "okx", AccountState.STALE, NOW - timedelta(seconds=4), error=sentence
            ),
        ),
        NOW,
    )
    assert strip.error_label.text() == sentence
    badge = strip.badge("okx-main")
    assert badge is not None and "stale, last data 4 s ago" in badge.text()
    assert sentence in badge.toolTip()


def test_a_slower_indicator_of_a_live_account_is_worded_as_current() -> None:
    risk = make_risk("binance", exchange="binanceusdm", exchange_tier=3)
    assert risk.exchange_adl is not None
    risk = replace(
        risk, exchange_adl=replace(risk.exchange_adl, updated_at=NOW - timedelta(seconds=28))
    )
    model = PositionTableModel()
    model.set_snapshot(make_snapshot(risk))
    model.tick(NOW + timedelta(seconds=2))
    assert model.index(0, Column.UPDATED).data() == "2 s ago"
    tip = model.index(0, Column.EXCHANGE_TIER).data(Qt.ItemDataRole.ToolTipRole)
    assert "30 s ago" in tip and "it is current" in tip and "STALE" not in tip
