"""The detail chart tells the truth about time: holes stay holes, equal tiers stay visible,
an empty chart shows the clock, and labels do not repeat."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QGraphicsView

from adl_monitor.ui.chart_gaps import break_at_gaps
from adl_monitor.ui.detail_panel import TIER_OFFSET, ClockAxis, DetailPanel
from adl_monitor.ui.position_history import PositionHistory
from tests.ui.conftest import NOW, make_risk, make_snapshot


def test_a_hole_in_the_data_breaks_the_line() -> None:
    times = [0.0, 5.0, 10.0, 15.0, 1_215.0, 1_220.0]
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    out_t, out_v = break_at_gaps(times, values)
    assert len(out_t) == len(times) + 1
    hole = next(i for i, v in enumerate(out_v) if math.isnan(v))
    assert out_t[hole - 1] == 15.0 and out_t[hole + 1] == 1_215.0
    assert break_at_gaps(times[:4], values[:4]) == (times[:4], values[:4])  # steady: no break


def _panel_with_two_runs(qtbot) -> DetailPanel:  # type: ignore[no-untyped-def]
    history = PositionHistory()
    for minutes in (0, 0.1, 0.2, 30, 30.1, 30.2):  # the app was closed for half an hour
        at = NOW + timedelta(minutes=minutes)
        history.add_snapshot(make_snapshot(make_risk(fetched_at=at), at=at))
    panel = DetailPanel(history)
    qtbot.addWidget(panel)
    panel.show_position(make_risk())
    return panel


def test_the_mark_and_tier_lines_break_where_the_app_was_not_running(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = _panel_with_two_runs(qtbot)
    for curve in (panel.mark_curve, panel.exchange_curve, panel.estimate_curve):
        _t, values = curve.getData()
        assert sum(math.isnan(v) for v in values) == 1, curve.name()


def test_equal_tiers_are_drawn_apart(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = _panel_with_two_runs(qtbot)  # exchange tier 2, estimated tier 2
    _t, exchange = panel.exchange_curve.getData()
    _t, estimate = panel.estimate_curve.getData()
    drawn = [(a, b) for a, b in zip(exchange, estimate, strict=True) if not math.isnan(a)]
    assert drawn and all(abs(a - b - 2 * TIER_OFFSET) < 1e-9 for a, b in drawn)
    assert all(round(a) == round(b) == 2 for a, b in drawn)  # both still read as tier 2


def test_an_empty_chart_shows_the_present_not_the_epoch(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = DetailPanel(PositionHistory())
    qtbot.addWidget(panel)
    (left, right), _ = panel.price_plot.viewRange()
    assert abs(right - time.time()) < 3_600
    axis = panel.price_plot.getAxis("bottom")
    assert isinstance(axis, ClockAxis)
    labels = axis.tickStrings([left + i * 6 for i in range(20)], 1.0, 6.0)
    assert "00:00:00" not in labels or datetime.now(UTC).hour == 0


def test_repeated_time_labels_are_left_blank() -> None:
    axis = ClockAxis(orientation="bottom")
    start = datetime(2026, 12, 4, 14, 2, 0).timestamp()
    labels = axis.tickStrings([start + i * 10 for i in range(6)], 1.0, 60.0)
    assert labels[0] == "14:02" and labels[1:] == ["", "", "", "", ""]


def test_a_tier_that_holds_is_drawn_from_its_corners_only(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Thousands of equal tiers must not become thousands of dashed segments to paint."""
    history = PositionHistory()
    for second in range(600):
        at = NOW + timedelta(seconds=second)
        tier = 2 if second < 300 else 4
        history.add_snapshot(make_snapshot(make_risk(fetched_at=at, exchange_tier=tier), at=at))
    panel = DetailPanel(history)
    qtbot.addWidget(panel)
    panel.show_position(make_risk())
    times, values = panel.exchange_curve.getData()
    assert [round(v) for v in values] == [2, 4, 4]
    assert list(times) == [(NOW + timedelta(seconds=s)).timestamp() for s in (0, 300, 599)]


def test_the_chart_keeps_no_view_sized_copy_of_its_plain_background(qtbot) -> None:  # type: ignore[no-untyped-def]
    """pyqtgraph caches a view's background in a pixmap the size of the view, made anew on each
    resize: 2.7 MB in the soak's window, and a long run kept each freed one resident
    (benchmarks/soak.py). The background is one colour; it is painted in it all the same."""
    panel = DetailPanel(PositionHistory())
    qtbot.addWidget(panel)
    assert panel.graphs.cacheMode() == QGraphicsView.CacheModeFlag.CacheNone
    for height in (500, 520, 480, 500):  # the summary above wraps to another line, and back
        panel.resize(800, height)
        image = panel.graphs.grab().toImage()
        assert image.pixelColor(2, 2) == panel.palette().color(QPalette.ColorRole.Base)
