"""The user's settings: a registry of typed options with defaults (after Picard's `config`).

Each option is declared once, here, with its type, default and bounds; everything that reads or
writes a setting goes through the declaration, so a typo is an AttributeError, not a silently
ignored key. Values live in the config TOML's `[settings]` table (storage/config.py). A value
that is missing, of the wrong type or out of range reads as the default — a hand-edited config
never crashes the app, and `Settings.problems()` names each refused value in one sentence so
the user hears about it — and keys this version does not know are kept when saving, so a newer
version's settings survive a round trip through an older one. No Qt here: the CLI and the
engine read the same settings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from adl_monitor.core.model.levels import Level
from adl_monitor.storage.config import load_config, save_config

T = TypeVar("T")
OptionT = TypeVar("OptionT", bound="Option[Any]")

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class Option(Generic[T]):
    """One setting: its key in `[settings]`, its default and a one-line description."""

    name: str
    default: T
    doc: str

    def coerce(self, value: object) -> T:
        """Return `value` as this option's type, or raise ValueError saying why not."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class BoolOption(Option[bool]):
    def coerce(self, value: object) -> bool:
        if isinstance(value, bool):
            return value
        raise ValueError(f"{self.name} must be true or false")


@dataclass(frozen=True, slots=True)
class IntOption(Option[int]):
    minimum: int = 0
    maximum: int = 2**31

    def coerce(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{self.name} must be a whole number")
        if not self.minimum <= value <= self.maximum:
            raise ValueError(f"{self.name} must be between {self.minimum} and {self.maximum}")
        return value


@dataclass(frozen=True, slots=True)
class SecondsOption(Option[float]):
    """A duration in seconds: a finite number (whole or not) within the bounds; `note` says
    what a special value means, in the refusal sentence."""

    minimum: float = 0.0
    maximum: float = 3600.0
    note: str = ""

    def coerce(self, value: object) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not self.minimum <= value <= self.maximum
        ):
            note = f" ({self.note})" if self.note else ""
            raise ValueError(
                f"{self.name} must be a number of seconds from {self.minimum:g} to "
                f"{self.maximum:g}{note}"
            )
        return value


@dataclass(frozen=True, slots=True)
class ClockOption(Option[str]):
    """A time of day as "HH:MM" (24 h), e.g. the start of quiet hours."""

    def coerce(self, value: object) -> str:
        if isinstance(value, str) and _CLOCK.match(value.strip()):
            return value.strip()
        raise ValueError(f"{self.name} must be a time of day like 22:30")


@dataclass(frozen=True, slots=True)
class LevelsOption(Option[tuple[str, ...]]):
    """A set of alert levels by name ("orange", "red"), stored as a list, kept in scale order."""

    def coerce(self, value: object) -> tuple[str, ...]:
        if not isinstance(value, list | tuple):
            raise ValueError(f"{self.name} must be a list of levels")
        levels = {Level.parse(str(item)) for item in value}  # ValueError names the words
        levels.discard(Level.NONE)
        return tuple(level.label for level in sorted(levels))


class OptionRegistry:
    """Every declared option by name; declaring the same name twice is a programming error."""

    def __init__(self) -> None:
        self._options: dict[str, Option[Any]] = {}

    def register(self, option: OptionT) -> OptionT:
        if option.name in self._options:
            raise ValueError(f"setting {option.name!r} is declared twice")
        self._options[option.name] = option
        return option

    def __iter__(self) -> Iterator[Option[Any]]:
        return iter(self._options.values())

    def __contains__(self, name: object) -> bool:
        return name in self._options


OPTIONS = OptionRegistry()

REFRESH_SECONDS: SecondsOption = OPTIONS.register(
    SecondsOption(
        "refresh_seconds",
        0,
        "seconds between refreshes, never faster than the venue's own pace",
        minimum=0,
        maximum=600,
        note="0 = each venue's own pace",
    )
)
ALERT_LEVELS: Option[tuple[str, ...]] = OPTIONS.register(
    LevelsOption("alert_levels", ("orange", "red"), "levels that raise a notification")
)
ALERT_COOLDOWN_MINUTES: Option[int] = OPTIONS.register(
    IntOption(
        "alert_cooldown_minutes", 15, "minimum time between two alerts of a position", 1, 1440
    )
)
QUIET_HOURS: Option[bool] = OPTIONS.register(
    BoolOption("quiet_hours", False, "hold alerts during quiet hours")
)
QUIET_START: Option[str] = OPTIONS.register(ClockOption("quiet_start", "22:00", "quiet from"))
QUIET_END: Option[str] = OPTIONS.register(ClockOption("quiet_end", "07:00", "quiet until"))
RED_IN_QUIET_HOURS: Option[bool] = OPTIONS.register(
    BoolOption("red_in_quiet_hours", True, "a red alert still goes through in quiet hours")
)
SOUND: Option[bool] = OPTIONS.register(BoolOption("sound", True, "play a sound with an alert"))
CLOSE_TO_TRAY: Option[bool] = OPTIONS.register(
    BoolOption("close_to_tray", True, "closing the window keeps monitoring in the tray")
)
START_MINIMISED: Option[bool] = OPTIONS.register(
    BoolOption("start_minimised", False, "start hidden in the tray")
)
START_AT_LOGIN: Option[bool] = OPTIONS.register(
    BoolOption("start_at_login", False, "start when the user logs in")
)


class Settings:
    """Current setting values: `settings.get(SOUND)`, `settings.set(SOUND, False)`."""

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self._values: dict[str, Any] = dict(values or {})

    def get(self, option: Option[T]) -> T:
        if option.name not in self._values:
            return option.default
        try:
            return option.coerce(self._values[option.name])
        except ValueError:
            return option.default

    def problems(self) -> tuple[str, ...]:
        """One sentence per stored value its option refuses (the default is used instead)."""
        sentences = []
        for option in OPTIONS:
            if option.name not in self._values:
                continue
            value = self._values[option.name]
            try:
                option.coerce(value)
            except ValueError as error:
                sentences.append(
                    f"Setting {option.name} = {_shown(value)} is ignored: {error}; the "
                    f"default, {_shown(option.default)}, is used."
                )
        return tuple(sentences)

    def set(self, option: Option[T], value: T) -> None:
        """Store a value; raises ValueError (with the reason) for a value the option refuses."""
        coerced = option.coerce(value)
        self._values[option.name] = list(coerced) if isinstance(coerced, tuple) else coerced

    def reset(self, option: Option[Any]) -> None:
        self._values.pop(option.name, None)

    def as_table(self) -> dict[str, Any]:
        """The `[settings]` table: explicitly set values and unknown keys, never defaults."""
        return dict(self._values)

    def copy(self) -> Settings:
        return Settings(self._values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Settings):
            return NotImplemented
        return all(self.get(option) == other.get(option) for option in OPTIONS)

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read `[settings]` from the config file (ConfigError when the file is broken)."""
        return cls(load_config(path).settings)

    def save(self, path: Path | None = None) -> Path:
        """Write `[settings]` back, keeping the accounts as they are on disk now."""
        config = load_config(path)
        return save_config(config.with_settings(self.as_table()), path or config.path)


def _shown(value: object) -> str:
    """A value as the user wrote it in the TOML (1e+15, not 1000000000000000.0)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_shown(item) for item in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)
