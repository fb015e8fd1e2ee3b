"""`adl-monitor watch`: headless monitoring, one line per snapshot and per alert.

With `--json` each line is one JSON object: a snapshot document (docs/interfaces.md) with
`"type": "snapshot"`, or an alert with `"type": "alert"`. The engine runs on its own thread
(`EngineRunner`, as in the GUI); this thread only prints, so Ctrl-C always ends cleanly.

The first line waits for every account's first answer or failure (the engine turns an account
that has not answered within the request time-out into a failure): a snapshot of accounts still
connecting has no positions and would read as "no risk" to a script.
"""

from __future__ import annotations

import argparse
import queue
import sys
from collections.abc import Callable
from typing import Any

from adl_monitor.commands.command_line import (
    add_source_arguments,
    config_path_arg,
    count_argument,
    friendly_errors,
    print_settings_problems,
    refresh_argument,
    setup_cli_logging,
)
from adl_monitor.commands.config_follow import ConfigFollower
from adl_monitor.core.alerts.alert import Alert
from adl_monitor.core.model.snapshot import AccountState, Snapshot
from adl_monitor.terminal_text import terminal_json, terminal_lines
from adl_monitor.wiring.sources import SourcesError, open_sources


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "watch",
        help="monitor headless: one line per snapshot and per alert",
        description="Monitor every account until interrupted (Ctrl-C), printing one line per "
        "snapshot and per alert (JSON lines with --json).",
    )
    add_source_arguments(parser)
    parser.add_argument(
        "--count",
        type=count_argument,
        default=None,
        metavar="N",
        help="stop after N snapshots, N >= 1 (for scripts)",
    )
    parser.add_argument(
        "--refresh",
        type=refresh_argument,
        default=None,
        metavar="SECONDS",
        help="refresh every SECONDS, 0 to 600 (default 0: each venue's own cadence, which no "
        "value can make faster)",
    )
    parser.set_defaults(func=run)


class _Printer:
    """The engine's listener: hands everything over to the main thread through a queue."""

    def __init__(self) -> None:
        self.items: queue.Queue[Snapshot | Alert] = queue.Queue()

    def on_snapshot(self, snapshot: Snapshot) -> None:
        self.items.put(snapshot)

    def on_alert(self, alert: Alert) -> None:
        self.items.put(alert)


@friendly_errors
def run(args: argparse.Namespace) -> int:
    setup_cli_logging(args.verbose)
    try:
        sources = open_sources(config_path_arg(args.config), args.demo, args.scenario)
    except SourcesError as error:
        print(terminal_lines(str(error)), file=sys.stderr)
        return 1
    print_settings_problems(sources)
    printer = _Printer()
    runner = sources.runner(settings=sources.monitor_settings(args.refresh).engine)
    runner.add_listener(printer)
    follower = None if sources.demo else ConfigFollower(sources, runner, args.refresh)
    try:
        runner.start()
        if runner.history_notice:
            print(terminal_lines(runner.history_notice), file=sys.stderr)
        _print_until_done(printer, args, follower.tick if follower else lambda: None)
    except KeyboardInterrupt:
        pass
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (`| head`): stop quietly
    finally:
        runner.stop()
        sources.close()
    return 0


def _print_until_done(
    printer: _Printer, args: argparse.Namespace, tick: Callable[[], None]
) -> None:
    """Print each item as it comes; alerts raised before the first printable snapshot wait
    for it, so the first line is always the whole picture. `tick` notices a changed config."""
    from adl_monitor.commands.snapshot_json import alert_to_dict, dumps, snapshot_to_dict
    from adl_monitor.commands.snapshot_text import alert_line, summary_line

    snapshots = 0
    held: list[Alert] = []
    while args.count is None or snapshots < args.count:
        tick()  # notice a config file changed meanwhile
        try:
            item = printer.items.get(timeout=0.5)
        except queue.Empty:
            continue
        if isinstance(item, Alert):
            held.append(item)
            if snapshots == 0:
                continue
        elif not has_answers(item):
            continue
        else:
            snapshots += 1
            if args.json:
                print(
                    terminal_json(dumps({"type": "snapshot", **snapshot_to_dict(item)})), flush=True
                )
            else:
                print(terminal_lines(summary_line(item)), flush=True)
        for alert in held:
            if args.json:
                print(terminal_json(dumps({"type": "alert", **alert_to_dict(alert)})), flush=True)
            else:
                print(terminal_lines(alert_line(alert)), flush=True)
        held.clear()


def has_answers(snapshot: Snapshot) -> bool:
    """Whether every account in `snapshot` has answered or failed (none is still connecting)."""
    return all(status.state is not AccountState.CONNECTING for status in snapshot.accounts)
