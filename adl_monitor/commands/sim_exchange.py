"""`adl-monitor sim-exchange`: the simulated exchange alone, until Ctrl-C.

Prints the demo accounts and their fixed credentials, and with `--write-config PATH` writes an
app config (docs/config.md) that points every demo account at this server (never over an existing
file without `--force`: `commands/sim_config_file.py`). `--log-requests` prints the method and
path of every request received, to see for yourself that the app only reads (docs/security.md).
"""

from __future__ import annotations

import argparse
import errno
import logging
import re
import sys
import time
from pathlib import Path
from typing import Any

from adl_monitor.commands.command_line import count_argument
from adl_monitor.commands.sim_config_file import existing_config_refusal, write_config_file
from adl_monitor.sim.demo import (
    DEMO_API_KEY,
    DEMO_PASSWORD,
    DEMO_SECRET,
    DEMO_TRADE_KEY,
    DEMO_WITHDRAW_KEY,
    VENUES,
    DemoAccount,
)
from adl_monitor.sim.faults import FaultKind, check_route, parse_kind
from adl_monitor.sim.populations import DEFAULT_TRADERS_PER_SIDE, POPULATIONS
from adl_monitor.sim.request_log import REQUEST_LOGGER
from adl_monitor.sim.scenarios import SCENARIOS
from adl_monitor.terminal_text import terminal_text


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sim-exchange",
        help="run the simulated exchange (Bybit, Binance, OKX, Hyperliquid) on 127.0.0.1",
        description="Serve the venues' REST dialects (and the Bybit and OKX private websockets) "
        "on 127.0.0.1, driven by a scenario and a population of synthetic traders.",
    )
    parser.add_argument(
        "--port", type=port_number, default=8765, help="port 0-65535 (default 8765; 0 = any)"
    )
    parser.add_argument(
        "--scenario", default="calm", choices=sorted(SCENARIOS), help="market story to play"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same run)")
    parser.add_argument(
        "--speed", type=float, default=1.0, help="sim seconds per real second (default 1)"
    )
    parser.add_argument(
        "--population",
        default="a",
        choices=POPULATIONS,
        help="the synthetic traders: a (default) or b, a family designed apart from the "
        "estimator (docs/simulator.md)",
    )
    parser.add_argument(
        "--traders-per-side",
        type=count_argument,
        default=DEFAULT_TRADERS_PER_SIDE,
        metavar="N",
        help=f"synthetic traders per venue, coin and side (default {DEFAULT_TRADERS_PER_SIDE}); "
        "more make deeper queues and a slower simulator",
    )
    parser.add_argument(
        "--lead-in",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="sim seconds of quiet market before the scenario's story starts (default 0), "
        "for the app to calibrate in",
    )
    parser.add_argument(
        "--fault",
        metavar="VENUE=KIND[@ROUTE]",
        action="append",
        type=fault_option,
        default=[],
        help="stage a fault on a venue, e.g. bybit=truncated or okx=503@/api/v5/account; kinds: "
        + ", ".join(kind.value for kind in FaultKind)
        + " (repeatable; change them at run time with POST /__sim/fault)",
    )
    parser.add_argument(
        "--write-config",
        metavar="PATH",
        default=None,
        help="write an adl-monitor config file for the demo accounts to PATH "
        "(an existing file only with --force, which keeps PATH.bak)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="with --write-config: replace an existing file, keeping a copy as PATH.bak",
    )
    parser.add_argument(
        "--log-requests",
        action="store_true",
        help="print the method and path of every request received (to stderr)",
    )
    parser.set_defaults(func=run)


def fault_option(text: str) -> tuple[str, FaultKind, str | None]:
    """`VENUE=KIND[@ROUTE]` as (venue, kind, route); argparse prints the sentence on error."""
    venue, sep, rest = text.partition("=")
    kind, _, route = rest.partition("@")
    if not sep or venue not in VENUES:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not VENUE=KIND[@ROUTE] with VENUE one of {', '.join(VENUES)}"
        )
    try:
        check_route(route or None)
        return venue, parse_kind(kind), route or None
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def port_number(text: str) -> int:
    """argparse type: a TCP port, 0-65535 (0 = any free port), else argparse's usage error."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a port: give a whole number from 0 to 65535 (0 = any free port)"
        )
    return port


def config_toml(accounts: list[DemoAccount]) -> str:
    """The app config (docs/config.md) for the demo accounts: no secrets, only where to look."""
    import tomli_w

    entries = []
    for account in accounts:
        entry: dict[str, object] = {
            "name": account.name,
            "exchange": account.exchange,
            "api_url": account.api_url,
            # No secret: tells the app to use the simulator's public demo key on this computer.
            "simulator": True,
        }
        if account.wallet_address:
            entry["wallet_address"] = account.wallet_address
        entries.append(entry)
    return tomli_w.dumps({"accounts": entries})


LISTENING = re.compile(r"Simulated exchange on (http://127\.0\.0\.1:\d+)")
"""The line of `describe` that names where the server listens: what a script that starts it
reads (with `--port 0`, the only way to learn the port)."""


def describe(base_url: str, accounts: list[DemoAccount], scenario: str, seed: int) -> str:
    lines = [
        f"Simulated exchange on {base_url} — scenario {scenario!r}, seed {seed}. Ctrl-C stops it.",
        "",
        "Demo accounts (credentials are public and fixed; only 127.0.0.1 is served):",
    ]
    for account in accounts:
        lines.append(f"  {account.name:<18} {account.exchange:<12} api_url = {account.api_url}")
        if account.wallet_address:
            lines.append(f"  {'':<18} {'':<12} wallet  = {account.wallet_address}")
    lines += [
        "",
        f"  API key {DEMO_API_KEY!r} (read-only), secret {DEMO_SECRET!r}, "
        f"OKX passphrase {DEMO_PASSWORD!r}.",
        f"  Keys that are NOT read-only, same secret: {DEMO_TRADE_KEY!r} (trade), "
        f"{DEMO_WITHDRAW_KEY!r} (trade + withdraw).",
        "",
        "Point the app at it: adl-monitor --config FILE (write FILE with --write-config). That",
        "file marks each account simulator = true, so the app uses the demo key above on this",
        "computer with no further step (a key you store for the account wins). True queue",
        f"places: GET {base_url}/__sim/truth",
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from adl_monitor.sim.thread import SimExchangeThread

    config_path = Path(args.write_config).expanduser() if args.write_config else None
    refusal = existing_config_refusal(config_path, args.force) if config_path else None
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return 1
    sim = SimExchangeThread(
        args.scenario,
        args.seed,
        args.speed,
        port=args.port,
        traders_per_side=args.traders_per_side,
        population=args.population,
        lead_in=args.lead_in,
    )
    try:
        base_url = sim.start()
    except OSError as error:
        reason = (
            "another program already uses that port"
            if error.errno == errno.EADDRINUSE
            else (error.strerror or str(error)).rstrip(".")
        )
        print(
            f"sim-exchange: cannot listen on 127.0.0.1:{args.port} — {reason}. "
            "Choose another --port (0 picks a free one).",
            file=sys.stderr,
        )
        return 1
    request_printer = _RequestPrinter() if args.log_requests else None
    try:
        for venue, kind, route in args.fault:
            sim.set_fault(venue, kind, route)
            print(f"Fault on {venue}{route or ''}: {kind}")
        accounts = sim.sim.demo_accounts()
        if config_path is not None:
            print(write_config_file(config_path, config_toml(accounts), args.force))
        print(describe(base_url, accounts, args.scenario, args.seed), flush=True)
        while True:
            time.sleep(1.0)
    except KeyboardInterrupt:
        print("\nStopping the simulated exchange.")
        return 0
    finally:
        sim.stop()
        if request_printer is not None:
            request_printer.close()


class _TerminalSafe(logging.Formatter):
    """A request line as the client sent it, with any control character made visible."""

    def format(self, record: logging.LogRecord) -> str:
        return terminal_text(super().format(record))


class _RequestPrinter:
    """`--log-requests`: the simulator's request log, one line per request on stderr."""

    def __init__(self) -> None:
        self._logger = logging.getLogger(REQUEST_LOGGER)
        self._level = self._logger.level
        self._handler = logging.StreamHandler(sys.stderr)
        self._handler.setFormatter(_TerminalSafe("%(asctime)s %(message)s", "%H:%M:%S"))
        self._logger.addHandler(self._handler)
        self._logger.setLevel(logging.DEBUG)

    def close(self) -> None:
        self._logger.removeHandler(self._handler)
        self._logger.setLevel(self._level)
