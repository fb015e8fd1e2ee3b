"""Hostile strings never reach the terminal raw (issue 9, item 6b).

A venue's reply (here Bybit's ADL indicator) and a config's account name carry escape
sequences, C1 controls and bidi overrides. Through `snapshot` (table and JSON), `watch` (text
and JSON lines) and `accounts list`, stdout and stderr must hold no raw control character:
the user sees a visible escape instead, and the JSON still parses to the venue's own string.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adl_monitor.cli import main
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.sim.demo import DEMO_API_KEY, DEMO_SECRET
from adl_monitor.sim.thread import SimExchangeThread
from adl_monitor.sim.venues.bybit import Bybit
from adl_monitor.terminal_text import terminal_json, terminal_lines, terminal_text
from tests.cli.conftest import write_config

# Clear the screen, an 8-bit CSI, a window-title OSC, a bell, and a right-to-left override.
HOSTILE = "\x1b[2J\x9b31m\x1b]0;pwned\x07\u202eevil\u2066"
# Anything a terminal would act on: C0 (bar newline), DEL, C1, bidi marks/overrides/isolates.
RAW_CONTROL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)


def _assert_clean(*streams: str) -> None:
    for text in streams:
        found = RAW_CONTROL.findall(text)
        assert not found, f"raw control characters reached the terminal: {found!r}"


@pytest.mark.parametrize("char", [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))])
def test_every_control_character_becomes_a_visible_escape(char: str) -> None:
    shown = terminal_text(f"a{char}b")
    assert RAW_CONTROL.search(shown) is None and "\n" not in shown
    assert shown == f"a\\x{ord(char):02x}b"


def test_bidi_overrides_are_visible_and_line_breaks_kept_only_between_lines() -> None:
    assert terminal_text("x\u202ey\u2066") == "x\\u202ey\\u2066"
    assert terminal_lines("one\x1b[2J\ntwo") == "one\\x1b[2J\ntwo"
    assert terminal_text("one\ntwo") == "one\\x0atwo"


def test_json_keeps_its_meaning_without_raw_controls() -> None:
    document = {"raw": HOSTILE, "name": "Ⓢ—ok"}
    printed = terminal_json(json.dumps(document, ensure_ascii=False))
    _assert_clean(printed)
    assert json.loads(printed) == document
    assert "Ⓢ—ok" in printed  # readable text stays readable


@pytest.fixture
def hostile_bybit(monkeypatch: pytest.MonkeyPatch) -> Iterator[SimExchangeThread]:
    """The simulator's Bybit, reporting HOSTILE as every position's `adlRankIndicator`
    (REST and websocket share `position_row`)."""
    original = Bybit.position_row

    def hostile_row(self: Bybit, view: Any) -> dict[str, Any]:
        row = original(self, view)
        row["adlRankIndicator"] = HOSTILE
        return row

    monkeypatch.setattr(Bybit, "position_row", hostile_row)
    thread = SimExchangeThread(scenario="calm", seed=5, speed=0.0, traders_per_side=40)
    thread.start()
    yield thread
    thread.stop()


@pytest.fixture
def hostile_config(
    hostile_bybit: SimExchangeThread, config_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """One Bybit account on the hostile simulator, its demo key in the environment."""
    spec = AccountSpec(name="main", exchange="bybit")
    monkeypatch.setenv(spec.env_prefix + "API_KEY", DEMO_API_KEY)
    monkeypatch.setenv(spec.env_prefix + "SECRET", DEMO_SECRET)
    url = f"{hostile_bybit.base_url}/bybit"
    return write_config(config_path, {"name": "main", "exchange": "bybit", "api_url": url})


COMMANDS = {
    "snapshot-table": ["snapshot"],
    "snapshot-json": ["snapshot", "--json"],
    "watch-text": ["watch", "--count", "2"],
    "watch-json": ["watch", "--count", "2", "--json"],
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_hostile_venue_string_reaches_the_terminal_only_as_escapes(
    command: list[str], hostile_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main([*command, "--config", str(hostile_config)])
    out, err = capsys.readouterr()
    _assert_clean(out, err)
    lines = out.strip().splitlines()
    if command == ["watch", "--count", "2"]:
        assert len(lines) == 2  # summary lines: names and levels, no raw indicator
    elif "--json" not in command:
        assert "\\x1b[2J" in out and "\\u202eevil" in out  # the user sees what was sent
    elif command[0] == "snapshot":
        positions = json.loads(out)["positions"]
        raws = [p["exchange_adl"]["raw"] for p in positions if p["exchange_adl"]]
        assert raws and all(raw == HOSTILE for raw in raws)  # JSON keeps the venue's string
    else:
        snapshots = [json.loads(line) for line in lines if '"type": "snapshot"' in line]
        assert len(snapshots) == 2
        raws = {p["exchange_adl"]["raw"] for doc in snapshots for p in doc["positions"]}
        assert raws == {HOSTILE}


@pytest.mark.parametrize("command", [["snapshot"], ["watch", "--count", "1"]])
def test_a_hostile_account_name_in_an_error_sentence_is_escaped(
    command: list[str],
    config_path: Path,
    sim: SimExchangeThread,
    capsys: pytest.CaptureFixture[str],
) -> None:
    name = f"nokey{HOSTILE}"  # no key anywhere: the error sentence names the account
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(
        f'[[accounts]]\nname = "{_toml_escape(name)}"\nexchange = "bybit"\n'
        f'api_url = "{sim.base_url}/bybit"\n',
        encoding="utf-8",
    )
    main([*command, "--config", str(config_path)])
    out, err = capsys.readouterr()
    _assert_clean(out, err)
    assert "nokey\\x1b[2J" in out + err


def _toml_escape(text: str) -> str:
    return "".join(
        c if c.isprintable() and c not in '"\\' and ord(c) < 0x7F else f"\\u{ord(c):04x}"
        for c in text
    )


def test_accounts_list_and_remove_escape_a_hostile_config_name(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = f"desk{HOSTILE}"
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(
        f'[[accounts]]\nname = "{_toml_escape(name)}"\nexchange = "bybit"\n', encoding="utf-8"
    )
    main(["accounts", "list", "--config", str(config_path)])
    out, err = capsys.readouterr()
    _assert_clean(out, err)
    assert "desk\\x1b[2J" in out + err
    main(["accounts", "remove", name, "--config", str(config_path)])
    out, err = capsys.readouterr()
    _assert_clean(out, err)
    assert "desk\\x1b[2J" in out + err


def test_log_lines_are_escaped_and_tracebacks_stay_in_the_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from adl_monitor.logging_setup import log_file_path, setup_logging

    root = logging.getLogger()
    setup_logging()
    try:
        logging.getLogger("adl_monitor.test").error("venue said %s", HOSTILE)
        try:
            raise ValueError(HOSTILE)
        except ValueError:
            logging.getLogger("adl_monitor.test").exception("the reply did not parse")
    finally:
        for handler in [h for h in root.handlers if h.get_name() == "adl-monitor"]:
            root.removeHandler(handler)
            handler.close()
    err = capsys.readouterr().err
    log = log_file_path().read_text(encoding="utf-8")
    _assert_clean(err, log)
    assert "venue said \\x1b[2J" in err
    # The terminal gets the sentence; the traceback is only in the file.
    assert "the reply did not parse" in err and "Traceback" not in err
    assert "Traceback" in log and "ValueError: \\x1b[2J" in log
