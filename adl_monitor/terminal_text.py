"""Text from a venue or a config made harmless before it reaches a terminal.

Account names, symbols, raw ADL indicators and error messages come from places we do not
control: a config file anyone can edit, and a venue's reply. Printed raw, `\\x1b[2J` clears the
user's screen, an OSC sequence retitles the window, and a right-to-left override makes
`BTC long` read as something else. Every such character is shown instead as a visible escape
(`\\x1b`, `\\u202e`), so the user still sees that something odd was sent (docs/security.md).

A top-level module, like logging_setup.py, because three layers print through it: the commands,
the log file's formatter and the desktop app's one line on stderr when monitoring cannot start.

Three forms, one rule:
* `terminal_text` for one value inside a line: every control character is escaped, newlines
  and tabs included, so a value can never start a line of its own.
* `terminal_lines` for a whole message about to be printed: the same, but its own line breaks
  stay line breaks.
* `terminal_json` for a JSON document: `json.dumps` already escapes C0 controls, but with
  `ensure_ascii=False` it passes DEL, the C1 controls (`\\x9b` is a CSI on many terminals) and
  the bidi overrides through raw; those become JSON `\\uXXXX` escapes, so the document still
  parses to the same strings.
"""

from __future__ import annotations

import re

_BIDI_AND_SEPARATORS = (
    "\u061c"  # arabic letter mark
    "\u200e\u200f"  # left-to-right / right-to-left marks
    "\u2028\u2029"  # line and paragraph separators
    "\u202a-\u202e"  # embeddings and overrides
    "\u2066-\u2069"  # isolates
)
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}]")
_UNSAFE_KEEPING_NEWLINES = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}]")
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f{_BIDI_AND_SEPARATORS}]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_text(value: object) -> str:
    """One value for a terminal line: every control or bidi character as a visible escape."""
    return _UNSAFE.sub(_visible, str(value))


def terminal_lines(text: str) -> str:
    """A whole message for the terminal: as `terminal_text`, but its line breaks are kept."""
    return _UNSAFE_KEEPING_NEWLINES.sub(_visible, text)


def terminal_json(document: str) -> str:
    """A JSON text for the terminal: raw DEL, C1 and bidi characters as `\\uXXXX` escapes.

    Such characters can only stand inside JSON strings, where `\\uXXXX` means the same."""
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", document)
