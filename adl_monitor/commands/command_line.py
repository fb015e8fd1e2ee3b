"""Command-line glue shared by `snapshot`, `watch`, `history` and `accounts`: the source
arguments, number flags, logging set-up and the one-sentence error wrapper. Opening the sources
and building the engine is the wiring's job (adl_monitor/wiring/sources.py).
"""

from __future__ import annotations

import argparse
import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from adl_monitor.sim.scenarios import SCENARIOS
from adl_monitor.wiring.sources import DEFAULT_DEMO_SCENARIO, Sources

_log = logging.getLogger(__name__)


def add_source_arguments(parser: Any) -> None:
    """`--config PATH | --demo [--scenario NAME]`, `--json`, `--verbose`."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--config", default=None, help="config file (default: platform dir)")
    group.add_argument("--demo", action="store_true", help="use the simulated exchange")
    parser.add_argument(
        "--scenario",
        default=None,
        choices=sorted(SCENARIOS),
        help=f"simulator scenario for --demo (default {DEFAULT_DEMO_SCENARIO})",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--verbose", action="store_true", help="more detail in the log file")


def count_argument(text: str) -> int:
    """A count as argparse's `type`, a whole number, 1 or more: `watch --count N` (snapshots),
    `sim-exchange --traders-per-side N`."""
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, 1 or more, not {text!r}")
    return count


def refresh_argument(text: str) -> float:
    """`--refresh SECONDS` as argparse's `type`: the rule and range of the `refresh_seconds`
    setting (storage/settings.py), so the flag and the config can never disagree."""
    from adl_monitor.storage.settings import REFRESH_SECONDS

    try:
        return REFRESH_SECONDS.coerce(float(text))
    except ValueError:
        bounds = f"from {REFRESH_SECONDS.minimum:g} to {REFRESH_SECONDS.maximum:g}"
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds {bounds} (0 = each venue's own pace; a venue is never "
            f"asked faster than its own cadence), not {text!r}"
        ) from None


def print_settings_problems(sources: Sources) -> None:
    """Each refused value in `[settings]`, one sentence a line, on stderr."""
    for problem in sources.settings_problems:
        print(problem, file=sys.stderr)


def setup_cli_logging(verbose: bool) -> None:
    """The rotating log file gets the tracebacks; the terminal gets sentences."""
    try:
        from adl_monitor.logging_setup import setup_logging
    except ImportError:
        return
    try:
        setup_logging(verbose=verbose)
    except Exception:
        _log.debug("logging setup failed", exc_info=True)


def config_path_arg(value: str | None) -> Path | None:
    return Path(value).expanduser() if value else None


def friendly_errors(command: Callable[[Any], int]) -> Callable[[Any], int]:
    """Wrap a command's `run`: an unexpected error becomes one sentence on stderr (and its
    traceback goes to the log file) instead of a traceback on the terminal."""

    @functools.wraps(command)
    def run(args: Any) -> int:
        try:
            return command(args)
        except KeyboardInterrupt:
            return 130
        except Exception as error:
            # WARNING, not ERROR: the file gets the traceback, the terminal only the sentence.
            _log.warning("unexpected error in %s", command.__module__, exc_info=True)
            where = _log_file()
            print(
                f"adl-monitor: an unexpected error occurred ({type(error).__name__}) — the "
                f"details are in {where}; please report it.",
                file=sys.stderr,
            )
            return 1

    return run


def _log_file() -> str:
    try:
        from adl_monitor.logging_setup import log_file_path

        return str(log_file_path())
    except Exception:
        return "the log file"
