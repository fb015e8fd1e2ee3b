"""Reading one number out of whatever a venue sent, or saying in words why not.

Venues send indicators as JSON numbers or as strings holding numbers ("3", "0.45"). Anything
else — a bool, null, NaN, a list, a nested object, a string that only looks numeric to a
lenient parser — is refused with a reason instead of being coerced: a wrong tier shown as fact
is worse than "unknown".
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_CEILING, Decimal, InvalidOperation

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
"""Plain ASCII decimal notation: no underscores, no other scripts' digits, no 'nan'/'inf'."""

_MAX_TEXT = 40
"""A longer string is not an indicator a venue sends; refuse it before parsing."""


class Unmappable(Exception):
    """The raw value cannot be placed on the common scale; the message says why, in words."""


_MAX_SHOWN = 40


def describe_value(raw: object) -> str:
    """A short rendering of a raw value for a reason text (never the whole payload)."""
    if isinstance(raw, int) and not isinstance(raw, bool) and raw.bit_length() > 128:
        return "a number with more digits than any indicator"  # repr() may refuse it
    try:
        text = repr(raw)
    except Exception:  # a reason text must never be the thing that fails
        return f"a {type(raw).__name__} that cannot be shown"
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def parse_number(raw: object, what: str) -> Decimal:
    """The number in `raw` as an exact Decimal, or Unmappable naming what was wrong.

    `what` names the venue's field for the reason text ("Gate adl_ranking"). Floats go through
    their shortest repr so 0.6 stays 0.6 (5 × 0.6 must be 3, not 3.0000000000000004, or a
    fraction would land one tier too high).
    """
    if raw is None:
        raise Unmappable(f"{what} was missing: the venue sent no value")
    if isinstance(raw, bool):
        raise Unmappable(f"{what} was {raw!r}, a yes/no flag rather than a number")
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise Unmappable(f"{what} was {raw!r}, which is not a finite number")
        return Decimal(repr(raw))
    if isinstance(raw, str):
        return _parse_text(raw, what)
    if isinstance(raw, dict | list | tuple):
        raise Unmappable(f"{what} was {describe_value(raw)}, not a single number")
    raise Unmappable(f"{what} was a {type(raw).__name__}, not a number")


def _parse_text(raw: str, what: str) -> Decimal:
    text = raw.strip()
    if not text:
        raise Unmappable(f"{what} was empty: the venue sent no value")
    if len(text) > _MAX_TEXT or not _NUMBER.fullmatch(text):
        raise Unmappable(f"{what} was {describe_value(raw)}, which is not a number")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        raise Unmappable(f"{what} was {describe_value(raw)}, which is not a number") from None


def parse_integer(raw: object, low: int, high: int, what: str) -> int:
    """A whole number within [low, high]; "3", 3 and 3.0 all read as 3."""
    value = parse_number(raw, what)
    if not low <= value <= high:
        raise Unmappable(f"{what} was {describe_value(raw)}, outside its {low}–{high} scale")
    if value != value.to_integral_value():
        raise Unmappable(f"{what} was {describe_value(raw)}, but the scale has only whole steps")
    return int(value)


def parse_fraction(raw: object, what: str, *, scale: int = 0) -> Decimal:
    """A fraction within [0, 1]; `scale` undoes a fixed-point encoding (value ÷ 10^scale)."""
    value = parse_number(raw, what).scaleb(-scale)
    if not 0 <= value <= 1:
        raise Unmappable(f"{what} was {describe_value(raw)}, outside its 0–1 range")
    return value


def fraction_tier(fraction: Decimal) -> int:
    """Fraction of the queue → tier: ceil(5 × p), at least 1 (each lit light is 20 %).

    A position with a fraction, even 0, is in the queue, so it is never tier 0.
    """
    tier = int((fraction * 5).to_integral_value(rounding=ROUND_CEILING))
    return max(1, min(5, tier))
