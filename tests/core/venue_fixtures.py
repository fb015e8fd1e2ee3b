"""Venue responses kept in tests/fixtures/venues, as the venues send them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "venues"


def load(venue: str, name: str) -> Any:
    return json.loads((FIXTURES / venue / name).read_text(encoding="utf-8"))
