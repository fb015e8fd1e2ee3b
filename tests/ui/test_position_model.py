"""The positions table: a well-behaved Qt model, riskiest first, filters, stale rows marked."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.position import Side
from adl_monitor.ui.formatting import price as fmt_price
from adl_monitor.ui.position_filter import PositionFilterProxy
from adl_monitor.ui.position_model import Column, PositionTableModel, Role
from tests.ui.conftest import NOW, make_risk, make_snapshot, minutes_ago


def _rows(proxy: PositionFilterProxy) -> list[tuple[str, str, str]]:
    return [proxy.index(row, 0).data(Role.KEY) for row in range(proxy.rowCount())]


def _model_with(*risks):  # type: ignore[no-untyped-def]
    model = PositionTableModel()
    model.set_snapshot(make_snapshot(*risks))
    proxy = PositionFilterProxy()
    proxy.setSourceModel(model)
    return model, proxy


def test_model_passes_qt_model_tester_through_updates(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = PositionTableModel()
    proxy = PositionFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=True)
    model.set_snapshot(make_snapshot(make_risk("a"), make_risk("b", exchange_tier=5)))
    model.set_snapshot(make_snapshot(make_risk("b", exchange_tier=3), make_risk("c")))
    model.set_snapshot(make_snapshot())
    model.set_snapshot(make_snapshot(make_risk("d", stale=True, exchange_tier=None)))
    qtmodeltester.check(proxy, force_py=True)
    qtmodeltester.check(model, force_py=True)


def test_riskiest_position_comes_first_by_default() -> None:
    _, proxy = _model_with(
        make_risk("calm", exchange_tier=1, estimated_tier=1),
        make_risk("red", exchange_tier=5, estimated_tier=4),
        make_risk("orange", exchange_tier=4, estimated_tier=5),
        # No exchange indicator (Hyperliquid): the estimate decides its level.
        make_risk("estimated-red", estimated_tier=5, no_reading=True, score=9.0),
    )
    accounts = [key[0] for key in _rows(proxy)]
    assert accounts[0] == "red"
    assert accounts.index("estimated-red") < accounts.index("orange")
    assert accounts[-1] == "calm"


def test_rows_keep_their_identity_across_snapshots() -> None:
    model, proxy = _model_with(make_risk("a", exchange_tier=1), make_risk("b", exchange_tier=2))
    model.set_snapshot(
        make_snapshot(make_risk("a", exchange_tier=5), make_risk("b", exchange_tier=2))
    )
    assert _rows(proxy)[0][0] == "a"
    assert model.rowCount() == 2
    model.set_snapshot(make_snapshot(make_risk("b", exchange_tier=2)))
    assert [k[0] for k in _rows(proxy)] == ["b"]


def test_filters_by_account_venue_level_and_text() -> None:
    _, proxy = _model_with(
        make_risk("main", "BTC/USDT:USDT", exchange_tier=5),
        make_risk("main", "ETH/USDT:USDT", Side.SHORT, exchange_tier=2),
        make_risk("okx-sub", "SOL/USDT:USDT", exchange="okx", exchange_tier=4),
    )
    proxy.set_account("main")
    assert {k[1] for k in _rows(proxy)} == {"BTC/USDT:USDT", "ETH/USDT:USDT"}
    proxy.set_account(None)
    proxy.set_venue("okx")
    assert [k[0] for k in _rows(proxy)] == ["okx-sub"]
    proxy.set_venue(None)
    proxy.set_minimum_level(Level.ORANGE)
    assert {k[1] for k in _rows(proxy)} == {"BTC/USDT:USDT", "SOL/USDT:USDT"}
    proxy.set_minimum_level(Level.NONE)
    proxy.set_find_text("eth")
    assert [k[1] for k in _rows(proxy)] == ["ETH/USDT:USDT"]


def test_stale_row_shows_its_age_and_is_greyed() -> None:
    model, _ = _model_with(make_risk("old", stale=True, fetched_at=minutes_ago(2)))
    model.tick(NOW)
    updated = model.index(0, Column.UPDATED)
    assert updated.data() == "stale 2 min"
    tier = model.index(0, Column.EXCHANGE_TIER).data(Role.TIER)
    assert tier.stale and tier.age == "2 min"
    assert "STALE" in model.index(0, Column.EXCHANGE_TIER).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, Column.SYMBOL).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_tooltips_give_raw_value_scale_age_and_estimate_basis() -> None:
    model, _ = _model_with(
        make_risk(exchange_tier=4, estimated_tier=3, fetched_at=minutes_ago(0.5))
    )
    model.tick(NOW)
    exchange_tip = model.index(0, Column.EXCHANGE_TIER).data(Qt.ItemDataRole.ToolTipRole)
    assert "Raw value: 4" in exchange_tip
    assert "adlRankIndicator" in exchange_tip
    assert "30 s ago" in exchange_tip
    estimate_tip = model.index(0, Column.ESTIMATED_TIER).data(Qt.ItemDataRole.ToolTipRole)
    assert "range 2–4" in estimate_tip
    assert "classic formula" in estimate_tip


def test_unknown_tier_reads_unknown_with_the_reason() -> None:
    model, _ = _model_with(make_risk(exchange_tier=None))
    index = model.index(0, Column.EXCHANGE_TIER)
    assert index.data() == "unknown"
    assert index.data(Role.TIER).tier is None
    assert "unrecognised value" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_suggestion_and_numbers_are_shown() -> None:
    model, _ = _model_with(make_risk(advice="Reduce by 25 % to reach tier 3"))
    assert model.index(0, Column.SUGGESTION).data() == "Reduce by 25 % to reach tier 3"
    assert model.index(0, Column.PNL_PCT).data() == "+10.0 %"
    assert model.index(0, Column.LEVERAGE).data() == "10.0× (7.5×)"
    assert model.index(0, Column.ACCOUNT).data() == "main · Bybit"


def test_a_deleveraged_or_unexplained_close_says_so_in_its_row() -> None:
    """The vanished position is kept for one reading (issue 8, item 5): its row says why."""
    evidence = "Bybit execution list (execType AdlTrade)"
    hit = replace(make_risk("hit", advice="Reduce 0.1 BTC"), adl_hit=True, adl_evidence=evidence)
    gone = replace(make_risk("gone", exchange="htx"), closed_unconfirmed=True)
    model, _ = _model_with(hit, gone)
    texts = {
        model.index(row, 0).data(Role.KEY)[0]: model.index(row, Column.SUGGESTION).data()
        for row in range(model.rowCount())
    }
    assert texts == {
        "hit": f"Auto-deleveraged ({evidence})",
        "gone": "Closed — possibly auto-deleveraged, not confirmed by HTX",
    }


def test_a_snapshot_repaints_only_the_rows_that_changed(qtbot) -> None:  # type: ignore[no-untyped-def]
    """1,000 positions ticking must not repaint the whole table each time (benchmarks/)."""
    accounts = [f"acct{i}" for i in range(6)]
    model, _ = _model_with(*(make_risk(a) for a in accounts))
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, *_: changed.append((top.row(), bottom.row())))
    tiers = {"acct1": 5, "acct2": 4, "acct4": 3}
    model.set_snapshot(
        make_snapshot(*(make_risk(a, exchange_tier=tiers.get(a, 2)) for a in accounts))
    )
    assert changed == [(1, 2), (4, 4)]
    changed.clear()
    model.set_snapshot(
        make_snapshot(*(make_risk(a, exchange_tier=tiers.get(a, 2)) for a in accounts))
    )
    assert changed == []
    row = model.row_of(("acct4", "BTC/USDT:USDT", "long"))
    assert model.index(row, Column.EXCHANGE_TIER).data() == "3/5"


def test_a_tick_moves_ages_without_re_sorting_the_table(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Ages change every second; the order of 1,000 rows does not, so no re-sort."""
    model, proxy = _model_with(*(make_risk(f"acct{i}", exchange_tier=1 + i % 5) for i in range(9)))
    order = _rows(proxy)
    resorts: list[object] = []
    proxy.layoutChanged.connect(lambda *_: resorts.append(1))
    changed: list[int] = []
    proxy.dataChanged.connect(lambda top, *_: changed.append(top.column()))
    model.tick(NOW + timedelta(minutes=5))
    assert resorts == []
    assert _rows(proxy) == order
    assert Column.UPDATED in changed  # the ages were still told to move
    assert "5" in proxy.index(0, Column.UPDATED).data()


def test_venue_risk_column_shows_the_venues_level_with_its_words(qapp) -> None:  # type: ignore[no-untyped-def]
    from adl_monitor.core.model.venue_risk import BYBIT_SOURCE, VenueRisk, VenueRiskLevel

    raw = {"balance": "2813", "pnlRatio": "-0.44", "insurancePnlRatio": "-0.3"}
    detail = "insurance pool 2,813 USDT, drawdown -44% (ADL at -30%): ADL is on"
    risk = VenueRisk(VenueRiskLevel.HIGH, raw, BYBIT_SOURCE, minutes_ago(1), detail)
    hot = replace(make_risk("hot"), venue_risk=risk)
    quiet = make_risk("quiet", exchange="hyperliquid")
    model, _proxy = _model_with(hot, quiet)
    rows = {model.risk_at(r).position.account: r for r in range(model.rowCount())}

    cell = model.index(rows["hot"], Column.VENUE_RISK)
    assert cell.data() == "high"
    assert cell.data(Qt.ItemDataRole.ForegroundRole) is not None  # coloured like an alarm
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert detail in tip and "Bybit adlAlert" in tip and "-0.44" in tip
    assert "not this position's place in the queue" in tip

    none = model.index(rows["quiet"], Column.VENUE_RISK)
    assert none.data() == "—"
    assert "publishes no venue-wide ADL risk" in none.data(Qt.ItemDataRole.ToolTipRole)


def test_binance_tooltip_names_the_slot_that_applies_and_missing_leverage_says_so(qapp) -> None:  # type: ignore[no-untyped-def]
    from adl_monitor.core.model.adl_indicator import AdlIndicator

    raw = {"LONG": 0, "SHORT": 0, "BOTH": 2}
    binance = replace(
        make_risk("b", exchange="binanceusdm"),
        exchange_adl=AdlIndicator(raw=raw, tier=3, updated_at=minutes_ago(0)),
    )
    binance = replace(binance, position=replace(binance.position, leverage=None))
    model, _proxy = _model_with(binance)

    tip = model.index(0, Column.EXCHANGE_TIER).data(Qt.ItemDataRole.ToolTipRole)
    assert "Raw value: BOTH=2 (one-way mode)" in tip
    assert "{'LONG': 0, 'SHORT': 0, 'BOTH': 2}" in tip  # the whole object, below it
    leverage = model.index(0, Column.LEVERAGE)
    assert leverage.data().startswith("—")
    assert "reported no nominal leverage" in leverage.data(Qt.ItemDataRole.ToolTipRole)


def _marked(risk, mark: float):  # type: ignore[no-untyped-def]
    return replace(risk, position=replace(risk.position, mark_price=mark))


def test_one_changed_row_repaints_that_row_only_and_does_not_re_sort(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A refresh where one position's mark moves: the view is told about that row, nothing
    else, and the table keeps its order (no layout change a 1,000-row table would pay for)."""
    risks = [make_risk(f"acct{i}", exchange_tier=1 + i % 5) for i in range(12)]
    model, proxy = _model_with(*risks)
    order = _rows(proxy)
    changed: list[tuple[int, int, int, int]] = []
    proxy.dataChanged.connect(
        lambda top, bottom, *_: changed.append(
            (top.row(), bottom.row(), top.column(), bottom.column())
        )
    )
    layouts: list[object] = []
    proxy.layoutChanged.connect(lambda *_: layouts.append(1))
    moved = risks[7].key
    risks[7] = _marked(risks[7], 70_000.0)
    model.set_snapshot(make_snapshot(*risks))
    row = order.index(moved)
    assert [(top, bottom) for top, bottom, *_ in changed] == [(row, row)]
    assert layouts == []
    assert _rows(proxy) == order
    assert proxy.index(row, Column.MARK).data() == fmt_price(70_000.0)


def test_a_refresh_that_reorders_many_rows_re_sorts_once(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Three separate rows climb to the top in one refresh: one layout change, not three."""
    risks = [make_risk(f"acct{i}", exchange_tier=1 + i % 3) for i in range(9)]
    model, proxy = _model_with(*risks)
    layouts: list[object] = []
    proxy.layoutChanged.connect(lambda *_: layouts.append(1))
    for i in (1, 4, 7):
        risks[i] = make_risk(f"acct{i}", exchange_tier=5)
    model.set_snapshot(make_snapshot(*risks))
    assert len(layouts) == 1
    assert {key[0] for key in _rows(proxy)[:3]} == {"acct1", "acct4", "acct7"}


@pytest.mark.parametrize("column", list(Column), ids=lambda c: c.name.lower())
def test_sorting_by_any_column_orders_rows_by_that_value(qtbot, column: Column) -> None:  # type: ignore[no-untyped-def]
    risks = [
        replace(
            make_risk(f"acct{i}", f"C{(i * 7) % 10}/USDT:USDT", exchange_tier=1 + (i * 3) % 5),
            position=replace(make_risk().position, account=f"acct{i}", mark_price=100.0 + i),
        )
        for i in range(10)
    ]
    model, proxy = _model_with(*risks)
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        proxy.sort(column, order)
        values = [proxy.index(r, column).data(Role.SORT) for r in range(proxy.rowCount())]
        comparable = [(0, 0) if v is None else (1, v) for v in values]
        expected = sorted(comparable, reverse=order == Qt.SortOrder.DescendingOrder)
        assert comparable == expected
        assert proxy.sortColumn() == column and proxy.sortOrder() == order
    # The order holds through a refresh that moves a row's value.
    risks[0] = _marked(risks[0], 1_000.0)
    model.set_snapshot(make_snapshot(*risks))
    values = [proxy.index(r, column).data(Role.SORT) for r in range(proxy.rowCount())]
    comparable = [(0, 0) if v is None else (1, v) for v in values]
    assert comparable == sorted(comparable, reverse=True)


def test_a_level_filter_follows_a_refresh_that_changes_the_level(qtbot) -> None:  # type: ignore[no-untyped-def]
    risks = [make_risk("a", exchange_tier=1), make_risk("b", exchange_tier=5)]
    model, proxy = _model_with(*risks)
    proxy.set_minimum_level(Level.RED)
    assert [k[0] for k in _rows(proxy)] == ["b"]
    model.set_snapshot(
        make_snapshot(make_risk("a", exchange_tier=5), make_risk("b", exchange_tier=1))
    )
    assert [k[0] for k in _rows(proxy)] == ["a"]
