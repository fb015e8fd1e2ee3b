"""The selected position in detail: its price against entry and liquidation, its tiers over time.

Two pyqtgraph plots sharing a time axis. The top one shows the mark price with the entry and the
liquidation price as horizontal lines; the bottom one shows the exchange tier and the estimated
tier (steps, 0–5) and the estimate's score on its own right-hand axis.
"""

from __future__ import annotations

import time
from datetime import datetime

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QGraphicsView, QLabel, QVBoxLayout, QWidget

from adl_monitor.core.model.levels import Level
from adl_monitor.core.model.position import PositionId
from adl_monitor.core.model.snapshot import PositionRisk
from adl_monitor.core.venues.display_names import venue_display_name
from adl_monitor.ui import formatting as fmt
from adl_monitor.ui.chart_gaps import break_at_gaps
from adl_monitor.ui.colours import LEVEL_COLOURS
from adl_monitor.ui.position_history import PositionHistory

_MARK_PEN = "#3d8bfd"
_EXCHANGE_PEN = "#e8590c"
_ESTIMATE_PEN = "#b35cff"


CHART_DELAY_MS = 150
"""How long after the table a refreshed chart is drawn (`show_position(chart_later=True)`)."""

TIER_OFFSET = 0.07
"""The exchange tier is drawn this much above its value and the estimate this much below, so two
equal tiers show as two parallel lines instead of one hiding the other (the axis still reads
true: the offset is a tenth of the gap between tiers)."""


class ClockAxis(pg.DateAxisItem):  # type: ignore[misc]
    """Local clock times ("14:02:30") at every zoom below a day, dates beyond.

    pyqtgraph's own labels turn into "16.500" (seconds of the minute) when zoomed in, which
    reads like a price, not a time. A label equal to its left neighbour is left blank: on a
    short range minutes repeat ("14:02 14:02 14:02"), which says nothing.
    """

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if spacing >= 86_400:
            pattern = "%d %b"
        elif spacing >= 60:
            pattern = "%H:%M"
        else:
            pattern = "%H:%M:%S"
        labels = []
        previous = None
        for value in values:
            try:
                label = datetime.fromtimestamp(value).strftime(pattern)
            except (OverflowError, OSError, ValueError):
                label = ""
            labels.append("" if label == previous else label)
            previous = label
        return labels


class DetailPanel(QWidget):
    def __init__(self, history: PositionHistory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._history = history
        self._key: PositionId | None = None
        self._risk: PositionRisk | None = None
        self._plotted: object = None  # what the charts show now, to skip an unchanged replot
        self._replot = QTimer(self)
        self._replot.setSingleShot(True)
        self._replot.setInterval(CHART_DELAY_MS)
        self._replot.timeout.connect(self._plot)

        self.title = QLabel(self.tr("Select a position to see its chart"))
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)

        self.graphs = pg.GraphicsLayoutWidget()
        self.graphs.setMinimumHeight(220)
        # The background is one colour, painted as cheaply as a cached copy is drawn. pyqtgraph
        # caches it in a pixmap the size of the view (2.7 MB in a 1600×1000 window, four times
        # that at 2× scaling), made anew whenever the view is resized — the summary above wraps
        # to another line — and the allocator kept each freed one resident (benchmarks/soak.py).
        self.graphs.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        self.price_plot = self.graphs.addPlot(
            row=0, col=0, axisItems={"bottom": ClockAxis(orientation="bottom")}
        )
        self.price_plot.setLabel("left", self.tr("Price"))
        self.price_plot.showGrid(x=True, y=True, alpha=0.2)
        self.price_plot.getViewBox().setDefaultPadding(0.08)  # room for the line labels
        self.price_plot.addLegend(offset=(8, 8))
        self.mark_curve = self.price_plot.plot(
            name=self.tr("mark"), pen=pg.mkPen("#3d8bfd", width=2), connect="finite"
        )
        self.entry_line = pg.InfiniteLine(
            angle=0,
            pen=pg.mkPen("#8a8f98", width=1, style=Qt.PenStyle.DashLine),
            label=self.tr("entry"),
            labelOpts={"position": 0.97, "color": "#8a8f98", "anchors": [(1, 1), (1, 1)]},
        )
        self.liquidation_line = pg.InfiniteLine(
            angle=0,
            pen=pg.mkPen(LEVEL_COLOURS[Level.RED], width=1, style=Qt.PenStyle.DashLine),
            label=self.tr("liquidation"),
            labelOpts={
                "position": 0.97,
                "color": LEVEL_COLOURS[Level.RED],
                "anchors": [(1, 0), (1, 0)],
            },
        )
        self.price_plot.addItem(self.entry_line, ignoreBounds=False)
        self.price_plot.addItem(self.liquidation_line, ignoreBounds=False)

        self.tier_plot = self.graphs.addPlot(
            row=1, col=0, axisItems={"bottom": ClockAxis(orientation="bottom")}
        )
        self.tier_plot.setXLink(self.price_plot)
        self.tier_plot.setLabel("left", self.tr("Tier"))
        self.tier_plot.setYRange(-0.2, 5.4, padding=0)
        self.tier_plot.setLimits(yMin=-0.5, yMax=5.8)
        self.tier_plot.getAxis("left").setTicks([[(t, str(t)) for t in range(6)]])
        self.tier_plot.showGrid(x=True, y=True, alpha=0.2)
        self.tier_plot.addLegend(offset=(-8, -8))  # bottom right: tiers tend to sit high
        self.exchange_curve = self.tier_plot.plot(
            name=self.tr("exchange tier"),
            pen=pg.mkPen(_EXCHANGE_PEN, width=3),
            stepMode="right",
            connect="finite",
        )
        self.estimate_curve = self.tier_plot.plot(
            name=self.tr("estimated tier"),
            pen=pg.mkPen(_ESTIMATE_PEN, width=2, style=Qt.PenStyle.DashLine),
            stepMode="right",
            connect="finite",
        )
        self.score_view = pg.ViewBox()
        self.tier_plot.showAxis("right")
        self.tier_plot.scene().addItem(self.score_view)
        self.tier_plot.getAxis("right").linkToView(self.score_view)
        self.tier_plot.getAxis("right").setLabel(self.tr("score"))
        self.score_view.setXLink(self.tier_plot)
        self.score_curve = pg.PlotDataItem(pen=pg.mkPen("#8a8f98", width=1), connect="finite")
        self.score_view.addItem(self.score_curve)
        self.tier_plot.vb.sigResized.connect(self._sync_score_view)
        # Same axis widths on both plots, so their shared time axes line up exactly.
        self.price_plot.showAxis("right")
        self.price_plot.getAxis("right").setStyle(showValues=False)
        for plot in (self.price_plot, self.tier_plot):
            plot.getAxis("left").setWidth(64)
            plot.getAxis("right").setWidth(64)
            # A grid from the right-hand axes too drew a second set of horizontal lines at
            # their own ticks: twice the painting each second (benchmarks/gui_load.py).
            plot.getAxis("right").setGrid(False)
            for name in ("left", "bottom"):
                # Grid lines at labelled ticks only: each long line of the finest level cost
                # as much to paint as a whole table row.
                plot.getAxis(name).setStyle(maxTickLevel=1)
        for curve in (self.mark_curve, self.score_curve):
            # Only what is in view, at most a few points per pixel: a year of history loaded
            # from the database paints as fast as the last minutes.
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
        self.graphs.ci.layout.setRowStretchFactor(0, 3)
        self.graphs.ci.layout.setRowStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addWidget(self.graphs, 1)
        self.apply_palette(self.palette())
        self._clear()

    def apply_palette(self, palette: QPalette) -> None:
        """Follow the light/dark scheme: plot background and axes from the window palette."""
        background = palette.color(QPalette.ColorRole.Base)
        foreground = palette.color(QPalette.ColorRole.Text)
        self.graphs.setBackground(background)
        for plot in (self.price_plot, self.tier_plot):
            for name in ("left", "bottom", "right"):
                axis = plot.getAxis(name)
                axis.setPen(pg.mkPen(foreground))
                axis.setTextPen(pg.mkPen(foreground))

    def _sync_score_view(self) -> None:
        self.score_view.setGeometry(self.tier_plot.vb.sceneBoundingRect())
        self.score_view.linkedViewChanged(self.tier_plot.vb, self.score_view.XAxis)

    @property
    def key(self) -> PositionId | None:
        return self._key

    def show_position(self, risk: PositionRisk | None, *, chart_later: bool = False) -> None:
        """Show `risk` (or nothing); called on selection and on every snapshot.

        `chart_later` (a refresh of the position already shown) redraws the charts a moment
        after the table instead of in the same pass of the event loop: the two paints together
        made the longest stall under load (benchmarks/gui_load.py)."""
        self._risk = risk
        self._key = risk.key if risk is not None else None
        if risk is None:
            self._clear()
            return
        p = risk.position
        side = self.tr("long") if p.side.value == "long" else self.tr("short")
        venue = venue_display_name(p.exchange)
        self.title.setText(f"{p.symbol} {side} — {p.account} · {venue}")
        pieces = [
            self.tr("PnL {pnl}, effective leverage {lev}").format(
                pnl=fmt.percent(risk.pnl_pct), lev=fmt.leverage(risk.effective_leverage)
            )
        ]
        if risk.stale:
            pieces.append(
                self.tr("STALE — data is {age} old").format(
                    age=fmt.age(fmt.age_seconds(risk.fetched_at))
                )
            )
        if risk.advice is not None:
            pieces.append(risk.advice.text)
        self.summary.setText("  ·  ".join(pieces))
        if chart_later:
            self._replot.start()
        else:
            self._replot.stop()
            self._plot()

    def _clear(self) -> None:
        self._replot.stop()
        self._plotted = None
        self.title.setText(self.tr("Select a position to see its chart"))
        self.summary.setText("")
        for curve in (self.mark_curve, self.exchange_curve, self.estimate_curve, self.score_curve):
            curve.setData([], [])
        self.entry_line.hide()
        self.liquidation_line.hide()
        self._show_recent_minutes()

    def _show_recent_minutes(self) -> None:
        """An empty or one-point chart spans the last two minutes: real clock labels, not the
        twenty "00:00:00" of an axis at the epoch."""
        now = time.time()
        self.price_plot.setXRange(now - 120, now + 10, padding=0)

    def _plot(self) -> None:
        """Redraw the charts, unless neither the history nor the lines moved since the last
        time: a redraw repaints every axis, the costliest thing the window paints."""
        if self._risk is None or self._key is None:
            return
        p = self._risk.position
        plotting = (self._key, self._history.latest(self._key), p.entry_price, p.liquidation_price)
        if plotting == self._plotted:
            return
        self._plotted = plotting
        samples = self._history.samples(self._key)
        times = [s.at for s in samples]
        self.mark_curve.setData(*break_at_gaps(times, [s.mark for s in samples]))
        few = len(samples) < 3  # a line needs two points: show the first ones as dots
        for curve, colour in (
            (self.mark_curve, _MARK_PEN),
            (self.exchange_curve, _EXCHANGE_PEN),
            (self.estimate_curve, _ESTIMATE_PEN),
        ):
            curve.setSymbol("o" if few else None)
            curve.setSymbolSize(6)
            curve.setSymbolBrush(colour)
            curve.setSymbolPen(colour)
        self.entry_line.setValue(p.entry_price)
        self.entry_line.show()
        if p.liquidation_price is not None and p.liquidation_price > 0:
            self.liquidation_line.setValue(p.liquidation_price)
            self.liquidation_line.show()
        else:
            self.liquidation_line.hide()
        self._steps(self.exchange_curve, times, [s.exchange_tier for s in samples], TIER_OFFSET)
        self._steps(self.estimate_curve, times, [s.estimated_tier for s in samples], -TIER_OFFSET)
        if len(times) < 2:  # nothing to span yet
            self._show_recent_minutes()
        else:
            self.price_plot.enableAutoRange(axis="x")
        scored = [(s.at, s.score) for s in samples if s.score is not None]
        self.score_curve.setData(*break_at_gaps([t for t, _ in scored], [v for _, v in scored]))
        for view in (self.price_plot.vb, self.tier_plot.vb, self.score_view):
            # Settle the new ranges now, not while painting: pyqtgraph would otherwise move
            # them during the paint, which invalidates every axis and paints everything twice.
            view.updateAutoRange()
            view.updateMatrix()

    @staticmethod
    def _steps(
        curve: pg.PlotDataItem, times: list[float], tiers: list[int | None], offset: float
    ) -> None:
        """Tiers are steps: each value holds until the next reading (stepMode "right")."""
        known = [(t, float(v) + offset) for t, v in zip(times, tiers, strict=True) if v is not None]
        xs, ys = break_at_gaps([t for t, _ in known], [v for _, v in known])
        curve.setData(*_corners(xs, ys))


def _corners(xs: list[float], ys: list[float]) -> tuple[list[float], list[float]]:
    """A step line drawn from its corners only: a point where the value changes (or a gap's
    NaN, or either end). A tier holds for hours, so 20,000 samples draw as a handful of steps
    — a dashed wide pen over every sample took seconds to paint (benchmarks/README.md)."""
    keep = [
        i
        for i, y in enumerate(ys)
        if i in (0, len(ys) - 1) or not (y == ys[i - 1] or (y != y and ys[i - 1] != ys[i - 1]))
    ]
    return [xs[i] for i in keep], [ys[i] for i in keep]
