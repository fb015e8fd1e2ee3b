"""What ships: the wheel carries the code and the resources, and the desktop files validate.

The validators are Debian's `desktop-file-validate` (desktop-file-utils) and `appstreamcli`
(appstream); `.ci/run` installs both. Locally a missing validator skips its test with the
package to install; under CI it fails, so the check can never silently stop running.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP_ID = "io.github.adlmonitor.adlmonitor"
RESOURCES = ROOT / "resources"


def _validator(program: str, package: str) -> str:
    path = shutil.which(program)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is missing (apt: {package}); .ci/run installs it")
        pytest.skip(f"needs {program} (apt: {package})")
    return path


def test_every_package_is_listed_in_pyproject() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "adl_monitor").rglob("__init__.py")
    }
    assert found | {"adl_monitor.resources"} == listed


def test_desktop_entry_validates() -> None:
    program = _validator("desktop-file-validate", "desktop-file-utils")
    entry = RESOURCES / f"{APP_ID}.desktop"
    result = subprocess.run([program, str(entry)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_metainfo_validates_pedantically() -> None:
    program = _validator("appstreamcli", "appstream")
    metainfo = RESOURCES / f"{APP_ID}.metainfo.xml"
    result = subprocess.run(
        [program, "validate", "--no-net", "--pedantic", str(metainfo)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_wheel_carries_code_and_resources(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("adl_monitor-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        "adl_monitor/resources/" + path.relative_to(RESOURCES).as_posix()
        for path in RESOURCES.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert shipped <= names, sorted(shipped - names)
    assert f"adl_monitor/resources/icons/hicolor/512x512/apps/{APP_ID}.png" in names
    assert "adl_monitor/resources/icons/tray/tray-red.svg" in names
    assert "adl_monitor/cli.py" in names and "adl_monitor/ui/main_window.py" in names
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)
