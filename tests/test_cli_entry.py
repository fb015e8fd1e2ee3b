"""The installed entry points answer --version and --help without starting Qt."""

from __future__ import annotations

import subprocess
import sys

import pytest

from adl_monitor import __version__
from adl_monitor.cli import main

SUBCOMMANDS = ["snapshot", "watch", "sim-exchange", "accounts"]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"adl-monitor {__version__}"


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in SUBCOMMANDS:
        assert command in out
    assert "--demo" in out


def test_python_dash_m_runs_without_loading_qt_or_ccxt() -> None:
    script = (
        "import sys, runpy\n"
        "sys.argv = ['adl_monitor', '--help']\n"
        "try:\n    runpy.run_module('adl_monitor', run_name='__main__')\n"
        "except SystemExit as e:\n    assert e.code == 0\n"
        "print('LOADED', [m for m in ('PySide6', 'ccxt') if m in sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert "usage: adl-monitor" in result.stdout
    assert "LOADED []" in result.stdout


def test_without_a_display_the_gui_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "no graphical display" in err and "adl-monitor watch" in err


@pytest.mark.parametrize("command", [[], ["snapshot"], ["watch"], ["sim-exchange"]])
def test_scenario_choices_are_listed_in_every_help(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from adl_monitor.cli import main
    from adl_monitor.sim.scenarios import SCENARIOS

    with pytest.raises(SystemExit):
        main([*command, "--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in SCENARIOS), out


@pytest.mark.parametrize(
    "words",
    [
        [],
        ["--demo"],
        ["--demo", "--scenario", "squeeze"],
        ["--dem", "--scen=calm"],
        ["--config", "snapshot"],  # a config file that happens to share a command's name
        ["--config=~/adl.toml"],
    ],
)
def test_the_desktop_command_line_means_what_the_full_parser_says(
    words: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The desktop app skips loading the subcommands (issue 13) without reading its options
    any differently."""
    from adl_monitor import cli

    seen: list[object] = []
    monkeypatch.setattr("adl_monitor.commands.gui.run", lambda args: seen.append(args) or 0)
    assert cli.main(words) == 0
    full = cli.build_parser().parse_args(words)
    assert vars(seen[0]) == vars(full)


@pytest.mark.parametrize(
    ("words", "complaint"),
    [
        (["--scenario", "nope"], "invalid choice: 'nope'"),
        (["--demo", "extra"], "invalid choice: 'extra'"),
        (["--config"], "expected one argument"),
        (["--demo=yes"], "ignored explicit argument"),
    ],
)
def test_a_mistyped_desktop_command_line_gets_the_full_parsers_answer(
    words: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(words)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert complaint in err and "usage: adl-monitor" in err
