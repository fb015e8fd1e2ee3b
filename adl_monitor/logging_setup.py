"""Logging: a rotating file in the platform log directory gets tracebacks; the user gets
one-sentence messages. Secrets are scrubbed from every record as a last line of defence."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from adl_monitor.commands.terminal_text import terminal_lines
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


class _TerminalSafeFormatter(logging.Formatter):
    """Venue replies and config names end up in log messages: their control characters are
    shown as visible escapes, on stderr and in the file someone may `tail -f`."""

    def format(self, record: logging.LogRecord) -> str:
        return terminal_lines(super().format(record))


class _SentenceFormatter(_TerminalSafeFormatter):
    """stderr: the message only; its traceback is for the log file (DESIGN.md §8)."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


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
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(
        _TerminalSafeFormatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    stderr_handler = logging.StreamHandler()
    stderr_handler.setLevel(logging.DEBUG if verbose else logging.ERROR)
    stderr_format = _TerminalSafeFormatter if verbose else _SentenceFormatter
    stderr_handler.setFormatter(stderr_format("%(levelname)s %(name)s: %(message)s"))
    handlers: tuple[logging.Handler, ...] = (file_handler, stderr_handler)
    for handler in handlers:
        handler.set_name(_HANDLER_NAME)
        handler.addFilter(SecretScrubber())
        root.addHandler(handler)
    logging.getLogger("ccxt").setLevel(logging.WARNING)
    return path
