"""The start-up baseline (benchmarks/first_paint.py): what any PySide6 + pyqtgraph app pays to
show a table and a plot. `python -m benchmarks.bare_window` prints the same timing line as the
app at its first paint.

A module of its own, importing nothing but Qt, pyqtgraph and the timing line, so the baseline
process does not also pay for the benchmark harness (subprocess, statistics, the Xvfb session…),
which would flatter the app's ratio.
"""

from __future__ import annotations

import sys

import pyqtgraph as pg
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QSplitter, QTableWidget

from adl_monitor.ui.timing_report import report_once


class Window(QSplitter):
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        report_once("first-paint")


def main() -> None:
    app = QApplication(sys.argv[:1])
    window = Window()
    window.addWidget(QTableWidget(20, 15))
    plot = pg.PlotWidget()
    plot.plot([1, 2, 3], [1, 3, 2])
    window.addWidget(plot)
    window.resize(1200, 760)
    window.show()
    app.exec()


if __name__ == "__main__":
    main()
