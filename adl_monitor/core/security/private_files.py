"""Files and directories only the user may read: 0600 files, 0700 directories, any umask.

The history, the log, the market cache and the config copies tell whoever reads them which
positions a trader holds, on which venues; on a shared machine a 0644 file tells everyone.

This lives in core (standard library only) because both `storage/` (config, history, paths,
logging set-up) and `exchanges/market_cache.py` write such files, and the layer rules forbid
`exchanges/` to import `storage/`. One helper, so there is one rule for "private".

Fixing an existing file or directory is done only for what the current user owns (a chmod of
someone else's file would fail anyway). On Windows the modes mean little and are applied
best-effort; the per-user profile directories are already private there.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def _owned_by_me(status: os.stat_result) -> bool:
    getuid = getattr(os, "getuid", None)
    return getuid is None or status.st_uid == getuid()


def tighten(path: Path) -> None:
    """Make an existing file 0600 or directory 0700 when we own it; absent paths are left be.

    A symlink is not followed for a directory (the link's target is not ours to decide), but
    a symlinked file is: writing through the link is how the app treats it anyway.
    """
    try:
        status = path.stat()
    except OSError:
        return
    if not _owned_by_me(status):
        return
    wanted = DIR_MODE if stat.S_ISDIR(status.st_mode) else FILE_MODE
    if stat.S_ISDIR(status.st_mode) and path.is_symlink():
        return
    if stat.S_IMODE(status.st_mode) != wanted:
        with contextlib.suppress(OSError):
            os.chmod(path, wanted)


def private_dir(path: Path, *, tighten_existing: bool = True) -> Path:
    """Create `path` (and missing parents, with the default mode) so that `path` is 0700.

    `tighten_existing` False leaves a directory that already existed as it is: the caller uses
    that for a directory the user chose (an override), where the app owns only its files.
    """
    existed = path.is_dir()
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if not existed or tighten_existing:
        tighten(path)
    return path


def create_private(path: Path) -> None:
    """Create an empty 0600 file if absent (so a later open by a library inherits the mode),
    or tighten the existing one."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    tighten(path)


def open_private_append(path: Path) -> int:
    """An append-mode descriptor on a 0600 file (created 0600 if absent)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    tighten(path)
    return fd


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` atomically with `data` in a 0600 file: temp file + fsync + rename.

    The temp file sits beside the target so the rename stays on one file system.
    """
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def copy_private(source: Path, target: Path) -> None:
    """Copy the bytes of `source` to a 0600 `target` (shutil.copyfile would make it 0644)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as out, source.open("rb") as inp:
        shutil.copyfileobj(inp, out)
    tighten(target)
