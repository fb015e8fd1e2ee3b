"""`adl-monitor sim-exchange` as a child process, for tests of its command line."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from adl_monitor.commands.sim_exchange import LISTENING
from tests.ctrl_c import default_ctrl_c


class SimProcess:
    """The running simulator: its base URL, and after `stop` its exit code and stderr."""

    def __init__(self, process: subprocess.Popen[bytes], base_url: str) -> None:
        self.process = process
        self.base_url = base_url
        self.returncode: int | None = None
        self.stderr = ""

    def stop(self) -> None:
        """Ctrl-C, as a user stops it; the exit code and stderr are kept."""
        self.process.send_signal(signal.SIGINT)
        _, raw_err = self.process.communicate(timeout=30)
        self.returncode, self.stderr = self.process.returncode, raw_err.decode("utf-8")


@contextmanager
def sim_exchange(*options: str) -> Iterator[SimProcess]:
    """Start `adl-monitor sim-exchange --port 0 OPTIONS…` and wait until it listens."""
    command = [sys.executable, "-m", "adl_monitor", "sim-exchange", "--port", "0", *options]
    # Binary pipes: communicate() after a buffered text readline() can split a UTF-8 character.
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=default_ctrl_c
    )
    try:
        assert process.stdout is not None
        base_url = ""
        while not base_url:
            line = process.stdout.readline().decode("utf-8")
            assert line, "sim-exchange exited before it listened"
            match = LISTENING.search(line)
            base_url = match.group(1) if match else ""
        yield SimProcess(process, base_url)
    finally:
        if process.poll() is None:
            process.kill()
