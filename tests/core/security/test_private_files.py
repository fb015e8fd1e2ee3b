"""core/security/private_files.py and its users: 0600 files and 0700 directories whatever the umask,
including the log's rotated copies (issue 9 item 4)."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from adl_monitor.core.security.private_files import (
    copy_private,
    private_dir,
    tighten,
    write_private,
)
from adl_monitor.logging_setup import PrivateRotatingFileHandler


@pytest.fixture(autouse=True)
def loose_umask() -> Iterator[None]:
    previous = os.umask(0o002)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_written_and_copied_files_are_private(tmp_path: Path) -> None:
    target = private_dir(tmp_path / "a" / "b")
    assert _mode(target) == 0o700 and _mode(tmp_path / "a") == 0o775  # parents: default
    write_private(target / "f.json", b"{}")
    copy_private(target / "f.json", target / "f.json.bak")
    assert (target / "f.json.bak").read_bytes() == b"{}"
    assert {_mode(p) for p in target.iterdir()} == {0o600}
    assert [p.name for p in target.iterdir() if p.name.endswith(".tmp")] == []


def test_an_existing_directory_is_left_alone_when_asked(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    private_dir(shared, tighten_existing=False)
    assert _mode(shared) == 0o755
    private_dir(shared)
    assert _mode(shared) == 0o700


def test_tighten_ignores_what_is_not_there(tmp_path: Path) -> None:
    tighten(tmp_path / "absent")  # no error


def test_every_rotated_log_file_is_private(tmp_path: Path) -> None:
    logs = private_dir(tmp_path / "logs")
    path = logs / "adl-monitor.log"
    handler = PrivateRotatingFileHandler(path, maxBytes=200, backupCount=3, encoding="utf-8")
    logger = logging.getLogger("tests.private_log")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for n in range(40):
            logger.warning("line %d of a log that rotates", n)
    finally:
        logger.removeHandler(handler)
        handler.close()
    files = sorted(logs.iterdir())
    assert len(files) == 4  # the log and three rotated copies
    assert {_mode(p) for p in files} == {0o600}
