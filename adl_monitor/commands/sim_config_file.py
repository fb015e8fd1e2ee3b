"""`sim-exchange --write-config PATH`: write the demo accounts' config without ever losing one.

An existing file is never replaced silently: without `--force` the command refuses before the
simulator starts, naming the file and the flag; with it, the old file is copied to `PATH.bak`
first and the output says where it went. The new file is written to a temporary file beside it
and renamed into place, so a crash leaves either the old or the new config, never half of one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_config_file(path: Path, text: str, force: bool) -> str:
    """Write `text` to `path` atomically; an existing file is first copied to `path.bak`.

    Returns the sentence to print. The caller has already refused an existing file without
    `force` (`existing_config_refusal`). A symlinked config is written through its link."""
    path = path.resolve() if path.is_symlink() else path
    path.parent.mkdir(parents=True, exist_ok=True)
    backup = path.with_name(path.name + ".bak")
    kept = force and path.exists()
    if kept:
        shutil.copy2(path, backup)
    fd, tmp_name = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return f"Wrote {path}" + (f"; the previous file is kept as {backup}." if kept else ".")


def existing_config_refusal(path: Path, force: bool) -> str | None:
    """The sentence refusing to replace an existing config without --force, else None."""
    if force or not (path.exists() or path.is_symlink()):
        return None
    return (
        f"sim-exchange: {path} already exists and was left untouched — pass --force to replace "
        f"it (the old file is then kept as {path.name}.bak), or choose another path."
    )
