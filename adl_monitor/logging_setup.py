"""Logging: a rotating file in the platform log directory gets tracebacks; the user gets
one-sentence messages. Secrets are scrubbed from every record as a last line of defence."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import re
import sys
from pathlib import Path

from adl_monitor.core.security.held_secrets import on_held_secret
from adl_monitor.core.security.private_files import open_private_append
from adl_monitor.storage.paths import log_dir
from adl_monitor.terminal_text import terminal_lines

LOG_FILE_NAME = "adl-monitor.log"
_COMMANDS = {"snapshot", "watch", "history", "sim-exchange", "accounts"}
_WITH_ACTIONS = {"history", "accounts"}
_HANDLER_NAME = "adl-monitor"  # marks our handlers so a second setup replaces them
# Header / query names that carry credentials in ccxt's verbose output and URLs.
_SECRET_PATTERN = re.compile(
    r"(?i)(signature|sign|secret|passphrase|password|api[-_]?key|x-mbx-apikey|"
    r"ok-access-(?:key|sign|passphrase)|x-bapi-(?:api-key|sign))([\"']?\s*[:=]\s*[\"']?)"
    r"([^\s&\"',}]+)"
)


_known_secrets: set[str] = set()
_MIN_SECRET_LENGTH = 6  # shorter values would mask ordinary words


def remember_secret(value: str | None) -> None:
    """Mask `value` wherever it appears in a log record or a crash report from now on.

    The pattern below catches `secret=…`-shaped text; a key quoted bare inside an exception
    message has no such shape, so the credentials the app holds are masked by value too.
    """
    if value and len(value) >= _MIN_SECRET_LENGTH:
        _known_secrets.add(value)


on_held_secret(remember_secret)  # every credential the process holds is masked from now on


def scrub(text: str) -> str:
    """`text` with anything that looks like a credential, and every remembered secret, masked."""
    text = _SECRET_PATTERN.sub(lambda m: m.group(1) + m.group(2) + "***", text)
    for secret in _known_secrets:
        text = text.replace(secret, "***")
    return text


class SecretScrubber(logging.Filter):
    """Masks credentials in a record's message and in its traceback text."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


class _TerminalSafeFormatter(logging.Formatter):
    """Venue replies and config names end up in log messages: their control characters are
    shown as visible escapes, on stderr and in the file someone may `tail -f`."""

    def format(self, record: logging.LogRecord) -> str:
        return terminal_lines(super().format(record))


class _SentenceFormatter(_TerminalSafeFormatter):
    """stderr: the message only. A user who started the app from a terminal sees one sentence;
    the traceback is for the log file."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


class ProcessTag(logging.Filter):
    """Adds `record.origin` ("pid 4242 watch"): every process of the app (the GUI, a `watch`
    in a terminal, a cron `snapshot`) writes to the one log file, and a reader must be able to
    tell their lines apart."""

    def __init__(self, command: str) -> None:
        super().__init__()
        self.origin = f"pid {os.getpid()} {command}"

    def filter(self, record: logging.LogRecord) -> bool:
        record.origin = self.origin
        return True


def command_name(argv: list[str] | None = None) -> str:
    """The subcommand this process runs ("snapshot", "accounts add", …), or "gui"."""
    words = [w for w in (sys.argv[1:] if argv is None else argv) if not w.startswith("-")]
    if not words or words[0] not in _COMMANDS:
        return "gui"
    if words[0] in _WITH_ACTIONS and len(words) > 1:
        return f"{words[0]} {words[1]}"
    return words[0]


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file, the rotated ones included, is created 0600: the log
    names accounts, venues and positions (core/security/private_files.py). The stock handler opens
    its files with `open()`, which gives 0644 under the usual umask."""

    def _open(self) -> io.TextIOWrapper:
        fd = open_private_append(Path(self.baseFilename))
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def log_file_path() -> Path:
    return log_dir() / LOG_FILE_NAME


def setup_logging(verbose: bool = False, command: str | None = None) -> Path:
    """Rotating file (1 MB × 5) at DEBUG/INFO; stderr only for errors (or all with verbose).
    Each file line names the process and its command (`command_name()` unless given)."""
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
        _TerminalSafeFormatter(
            "%(asctime)s %(levelname)s [%(origin)s] %(threadName)s %(name)s: %(message)s"
        )
    )
    stderr_handler = logging.StreamHandler()
    stderr_handler.setLevel(logging.DEBUG if verbose else logging.ERROR)
    stderr_format = _TerminalSafeFormatter if verbose else _SentenceFormatter
    stderr_handler.setFormatter(stderr_format("%(levelname)s %(name)s: %(message)s"))
    handlers: tuple[logging.Handler, ...] = (file_handler, stderr_handler)
    for handler in handlers:
        handler.set_name(_HANDLER_NAME)
        handler.addFilter(SecretScrubber())
        handler.addFilter(ProcessTag(command or command_name()))
        root.addHandler(handler)
    logging.getLogger("ccxt").setLevel(logging.WARNING)
    return path
