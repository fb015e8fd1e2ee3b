"""The layer rules of docs/architecture.md hold: a crossed layer fails the suite.

Two independent checks: import-linter's static contracts from pyproject.toml, and a runtime
check that importing each layer in a fresh interpreter pulls in nothing it may not.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["core", "exchanges", "engine", "storage", "sim", "ui"]
COMPOSITION_ROOT = ["adl_monitor.cli", "adl_monitor.commands", "adl_monitor.wiring"]
# What each layer may never load, even indirectly, at import time.
FORBIDDEN_AT_RUNTIME = {
    # The estimator lives in core: it never reads the simulator it is measured against.
    "core": [
        "ccxt",
        "PySide6",
        "pyqtgraph",
        "aiohttp",
        "keyring",
        "adl_monitor.ui",
        "adl_monitor.sim",
    ],
    "storage": ["ccxt", "PySide6", "pyqtgraph", "adl_monitor.ui"],
    "sim": ["ccxt", "PySide6", "pyqtgraph", "adl_monitor.ui"],
    "exchanges": ["PySide6", "pyqtgraph", "adl_monitor.ui"],
    "engine": ["PySide6", "pyqtgraph", "adl_monitor.ui", *COMPOSITION_ROOT],
    # The window is handed its engine sessions (docs/architecture.md "Wiring").
    "ui": COMPOSITION_ROOT,
}


def test_import_contracts_hold() -> None:
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert linter, "import-linter is not installed (pip install -e '.[test]')"
    result = subprocess.run(
        [linter, str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _submodules(package: str) -> list[str]:
    base = ROOT / "adl_monitor" / package
    return sorted(
        "adl_monitor." + ".".join(path.relative_to(ROOT / "adl_monitor").with_suffix("").parts)
        for path in base.rglob("*.py")
        if path.name != "__main__.py"
    )


@pytest.mark.parametrize("package", PACKAGES)
def test_layer_loads_nothing_forbidden(package: str) -> None:
    modules = [m.removesuffix(".__init__") for m in _submodules(package)]
    forbidden = FORBIDDEN_AT_RUNTIME[package]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"bad = [m for m in {forbidden!r} if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{package} loaded {result.stdout.strip()}"


@pytest.mark.parametrize("package", ["core", "engine"])
def test_estimate_loads_no_simulator(package: str) -> None:
    """The estimator (core) and what feeds it (engine) never load `adl_monitor.sim`: an estimate
    tuned on the simulator's traders would flatter itself in the accuracy benchmark, which
    scores it against that simulator (issue 10)."""
    modules = [m.removesuffix(".__init__") for m in _submodules(package)]
    if package == "core":
        assert "adl_monitor.core.estimate.rank_estimator" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('adl_monitor.sim'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{package} loaded {result.stdout.strip()}"
