"""An exclusive lock between processes, held on a small file beside the data it guards.

Used by the config writers (storage/config.py): several `accounts add`, the Accounts and
Settings dialogs may write the config at once, and each must see the others' work.

POSIX: `flock`, which the kernel releases even when the holder dies, so a crash never leaves
a stale lock. Windows: `msvcrt.locking` on the first byte of the same file; each attempt
retries for about ten seconds, and after MAX_WINDOWS_ATTEMPTS the writer gives up with a
sentence rather than hang.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from adl_monitor.core.security.private_files import FILE_MODE, tighten

MAX_WINDOWS_ATTEMPTS = 6


class LockTimeout(OSError):
    """Another process held the lock for too long (Windows only)."""


@contextlib.contextmanager
def exclusive_lock(lock_path: Path) -> Iterator[None]:
    """Hold the lock on `lock_path` (created 0600 if absent) for the `with` body."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    tighten(lock_path)
    try:
        if sys.platform == "win32":
            import msvcrt

            for _ in range(MAX_WINDOWS_ATTEMPTS):
                try:
                    msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue
            else:
                raise LockTimeout(f"{lock_path} stayed locked by another ADL Monitor")
            try:
                yield
            finally:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
