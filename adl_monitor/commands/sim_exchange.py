"""`adl-monitor sim-exchange`: the simulated exchange alone, until Ctrl-C.

Prints the demo accounts and their fixed credentials, and with `--write-config PATH` writes an
app config (DESIGN.md §6) that points every demo account at this server.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

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
from adl_monitor.sim.scenarios import SCENARIOS


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sim-exchange",
        help="run the simulated exchange (Bybit, Binance, OKX, Hyperliquid) on 127.0.0.1",
        description="Serve the venues' REST (and Bybit's websocket) dialects on 127.0.0.1, "
        "driven by a scenario and a population of synthetic traders.",
    )
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any)")
    parser.add_argument(
        "--scenario", default="calm", choices=sorted(SCENARIOS), help="market story to play"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same run)")
    parser.add_argument(
        "--speed", type=float, default=1.0, help="sim seconds per real second (default 1)"
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
        help="write an adl-monitor config file for the demo accounts to PATH",
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


def config_toml(accounts: list[DemoAccount]) -> str:
    """The app config (DESIGN.md §6) for the demo accounts: no secrets, only where to look."""
    import tomli_w

    entries = []
    for account in accounts:
        entry = {"name": account.name, "exchange": account.exchange, "api_url": account.api_url}
        if account.wallet_address:
            entry["wallet_address"] = account.wallet_address
        entries.append(entry)
    return tomli_w.dumps({"accounts": entries})


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
        "Point the app at it: adl-monitor --config FILE (write FILE with --write-config), then",
        "give each account the key above (adl-monitor accounts add, or the environment variables",
        "ADLMON_<NAME>_API_KEY / _SECRET / _PASSWORD). True queue places: GET "
        f"{base_url}/__sim/truth",
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from adl_monitor.sim.thread import SimExchangeThread

    sim = SimExchangeThread(args.scenario, args.seed, args.speed, port=args.port)
    try:
        base_url = sim.start()
    except OSError as error:
        print(
            f"sim-exchange: cannot listen on 127.0.0.1:{args.port}: {error.strerror}. "
            "Choose another --port.",
            file=sys.stderr,
        )
        return 1
    try:
        for venue, kind, route in args.fault:
            sim.set_fault(venue, kind, route)
            print(f"Fault on {venue}{route or ''}: {kind}")
        accounts = sim.sim.demo_accounts()
        if args.write_config:
            path = Path(args.write_config)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(config_toml(accounts), encoding="utf-8")
            print(f"Wrote {path}")
        print(describe(base_url, accounts, args.scenario, args.seed), flush=True)
        while True:
            time.sleep(1.0)
    except KeyboardInterrupt:
        print("\nStopping the simulated exchange.")
        return 0
    finally:
        sim.stop()
