"""Screenshots of widgets saved under test-artifacts/ for a person to look at after a run."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def save_artifact(widget: QWidget, name: str) -> Path:
    """Grab `widget` as it is drawn now (offscreen works too) and save it as a PNG."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    widget.adjustSize()
    assert widget.grab().save(str(path)), f"could not save {path}"
    return path
