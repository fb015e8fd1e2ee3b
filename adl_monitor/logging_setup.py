"""Logging: a rotating file in the platform log directory gets tracebacks; the user gets
one-sentence messages. Secrets are scrubbed from every record as a last line of defence."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import re
from pathlib import Path

from adl_monitor.core.private_files import open_private_append
from adl_monitor.storage.paths import log_dir

LOG_FILE_NAME = "adl-monitor.log"
_HANDLER_NAME = "adl-monitor"  # marks our handlers so a second setup replaces them
# Header / query names that carry credentials in ccxt's verbose output and URLs.
_SECRET_PATTERN = re.compile(
    r"(?i)(signature|sign|secret|passphrase|password|api[-_]?key|x-mbx-apikey|"
    r"ok-access-(?:key|sign|passphrase)|x-bapi-(?:api-key|sign))([\"']?\s*[:=]\s*[\"']?)"
    r"([^\s&\"',}]+)"
)


class SecretScrubber(logging.Filter):
    """Masks anything that looks like `secret=…` / `"apiKey": "…"` in a formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = _SECRET_PATTERN.sub(lambda m: m.group(1) + m.group(2) + "***", message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file, the rotated ones included, is created 0600: the log
    names accounts, venues and positions (core/private_files.py). The stock handler opens its
    files with `open()`, which gives 0644 under the usual umask."""

    def _open(self) -> io.TextIOWrapper:
        fd = open_private_append(Path(self.baseFilename))
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def log_file_path() -> Path:
    return log_dir() / LOG_FILE_NAME


def setup_logging(verbose: bool = False) -> Path:
    """Rotating file (1 MB × 5) at DEBUG/INFO; stderr only for warnings (or all with verbose)."""
    path = log_file_path()
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
            handler.close()
    file_handler = PrivateRotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    stderr_handler = logging.StreamHandler()
    stderr_handler.setLevel(logging.DEBUG if verbose else logging.ERROR)
    stderr_handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handlers: tuple[logging.Handler, ...] = (file_handler, stderr_handler)
    for handler in handlers:
        handler.set_name(_HANDLER_NAME)
        handler.addFilter(SecretScrubber())
        root.addHandler(handler)
    logging.getLogger("ccxt").setLevel(logging.WARNING)
    return path
