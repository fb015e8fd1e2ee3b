"""`adl-monitor watch`: headless monitoring, one line per snapshot and per alert.

With `--json` each line is one JSON object: a snapshot document (DESIGN.md §6) with
`"type": "snapshot"`, or an alert with `"type": "alert"`. The engine runs on its own thread
(`EngineRunner`, as in the GUI); this thread only prints, so Ctrl-C always ends cleanly.
"""

from __future__ import annotations

import argparse
import queue
import sys
from collections.abc import Callable
from typing import Any

from adl_monitor.commands.config_follow import ConfigFollower
from adl_monitor.commands.sources import (
    SourcesError,
    add_source_arguments,
    config_path_arg,
    count_argument,
    friendly_errors,
    open_sources,
    print_settings_problems,
    refresh_argument,
    setup_cli_logging,
)
from adl_monitor.commands.terminal_text import terminal_json, terminal_lines
from adl_monitor.core.alert import Alert
from adl_monitor.core.snapshot import Snapshot


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
    from adl_monitor.commands.snapshot_text import alert_line, summary_line
    from adl_monitor.engine.snapshot_json import alert_to_dict, dumps, snapshot_to_dict

    snapshots = 0
    while args.count is None or snapshots < args.count:
        tick()  # notice a config file changed meanwhile
        try:
            item = printer.items.get(timeout=0.5)
        except queue.Empty:
            continue
        if isinstance(item, Snapshot):
            snapshots += 1
            if args.json:
                line = dumps({"type": "snapshot", **snapshot_to_dict(item)})
            else:
                line = summary_line(item)
        elif args.json:
            line = dumps({"type": "alert", **alert_to_dict(item)})
        else:
            line = alert_line(item)
        print(terminal_json(line) if args.json else terminal_lines(line), flush=True)
