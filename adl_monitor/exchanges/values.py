"""Read numbers out of venue JSON, where they arrive as strings, numbers, "" or null."""

from __future__ import annotations

import math
from collections.abc import Mapping


def to_float(value: object) -> float | None:
    """`"1.5"`, `1.5` → 1.5; `None`, `""`, `"NaN"`, garbage → None (never raises)."""
    if type(value) is float:  # ccxt's unified numbers: the common case, a dozen per position
        return value if math.isfinite(value) else None
    if type(value) is str:  # a venue's own JSON (float() ignores surrounding whitespace itself)
        try:
            number = float(value)
        except ValueError:
            return None
    elif value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    else:
        number = float(value)
    return number if math.isfinite(number) else None


def field(mapping: object, *names: str) -> object:
    """The first of `names` present (and not None/"") in `mapping`, else None."""
    if not isinstance(mapping, Mapping):
        return None
    for name in names:
        value = mapping.get(name)
        if value is not None and value != "":
            return value
    return None


def number(mapping: object, *names: str) -> float | None:
    """`field(mapping, *names)` as a float."""
    return to_float(field(mapping, *names))


def as_list(value: object) -> list[object]:
    """A JSON array, or [] for anything else (a venue sometimes sends null or an object)."""
    return list(value) if isinstance(value, list) else []


def as_dict(value: object) -> dict[str, object]:
    return dict(value) if isinstance(value, dict) else {}
