"""How old data is, in words: shared by account statuses, alerts and the CLI (the GUI has a
translatable twin in ui/formatting.py)."""

from __future__ import annotations


def describe_age(seconds: float) -> str:
    """`"45 s"`, `"3 min"`, `"2 h 5 min"` — how old data is, in words a glance can take in."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = int(seconds // 60)
    if minutes < 90:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"
