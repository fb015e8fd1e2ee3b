"""`adl-monitor --config BROKEN` (the desktop app): one sentence with the path, line, column
and what to do, on stderr and in the window; the traceback only in the log file (issue 8 item 7).

The real entry point runs in a child process (offscreen Qt, the test's own directories); the
probe only quits the app once the window has shown the failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

PROBE = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtCore import QTimer
    from adl_monitor.cli import main
    from adl_monitor.ui import app as ui_app

    shown = {}
    original = ui_app.DesktopApp.on_start_failed

    def on_start_failed(self, sentence):
        original(self, sentence)
        shown["notice"] = self.window.notice.text()
        QTimer.singleShot(0, self.quit)

    ui_app.DesktopApp.on_start_failed = on_start_failed
    code = main(["--config", sys.argv[1]])
    print(json.dumps({"code": code, **shown}))
    """
)
# What Qt's offscreen platform says about itself on stderr; not ours to word.
QT_OFFSCREEN_NOISE = ("propagateSizeHints", "does not support raise")


def test_a_broken_config_is_one_sentence_on_stderr_and_in_the_window(
    tmp_path: Path, isolated_dirs: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[[accounts]]\nname = "main"\nexchange = bybit\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    lines = [
        line
        for line in result.stderr.splitlines()
        if line.strip() and not any(noise in line for noise in QT_OFFSCREEN_NOISE)
    ]
    assert len(lines) == 1, result.stderr
    sentence = lines[0]
    assert sentence.startswith("adl-monitor: ")
    assert str(config) in sentence and "line 3, column" in sentence and "fix" in sentence
    assert str(config) in seen["notice"] and "line 3, column" in seen["notice"]
    log = (isolated_dirs / "log" / "adl-monitor.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "the engine could not start" in log
