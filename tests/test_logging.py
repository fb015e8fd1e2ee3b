"""The log file gets details; secrets are scrubbed from every record."""

from __future__ import annotations

import logging

from adl_monitor.logging_setup import setup_logging


def test_log_file_in_log_dir_and_scrubbed() -> None:
    path = setup_logging()
    log = logging.getLogger("adl_monitor.test")
    log.warning("request headers {'X-MBX-APIKEY': 'abcdef123', 'signature': 'deadbeef'}")
    log.warning("url ...?timestamp=1&signature=cafebabe1234&recvWindow=5000")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text()
    assert "abcdef123" not in text and "deadbeef" not in text and "cafebabe1234" not in text
    assert "recvWindow=5000" in text
    for handler in list(logging.getLogger().handlers):
        if handler.get_name() == "adl-monitor":
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_each_line_names_its_process_and_command() -> None:
    import os

    from adl_monitor.logging_setup import command_name

    assert command_name(["--demo"]) == "gui"
    assert command_name(["watch", "--demo", "--json"]) == "watch"
    assert command_name(["accounts", "add", "main", "--exchange", "bybit"]) == "accounts add"
    path = setup_logging(command="snapshot")
    logging.getLogger("adl_monitor.test").warning("hello from the test")
    for handler in logging.getLogger().handlers:
        handler.flush()
    line = next(li for li in path.read_text().splitlines() if "hello from the test" in li)
    assert f"[pid {os.getpid()} snapshot]" in line
    for handler in list(logging.getLogger().handlers):
        if handler.get_name() == "adl-monitor":
            logging.getLogger().removeHandler(handler)
            handler.close()
