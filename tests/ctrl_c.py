"""Children a test stops with Ctrl-C (SIGINT), as a user stops them in a terminal.

A shell without job control starts a background job with SIGINT ignored, and an ignored signal
stays ignored across fork and exec: a CI runner that starts the suite that way leaves
`adl-monitor watch` and `sim-exchange` deaf to the test's Ctrl-C, and the test times out. Pass
`preexec_fn=default_ctrl_c` to `subprocess.Popen` and the child takes Ctrl-C as from a terminal.
"""

from __future__ import annotations

import signal


def default_ctrl_c() -> None:
    """In the child, before exec: SIGINT back to its default, so Python raises
    KeyboardInterrupt on it again."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
