"""The simulator's request log stays small however long a demo runs: the desktop app embeds the
simulator and sends it a few hundred requests a minute for hours (benchmarks/soak.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

from adl_monitor.sim.request_log import MAX_ENTRIES, LoggedRequest
from adl_monitor.sim.server import SimExchange

Client = Callable[..., Any]
INFO_TYPES = ("clearinghouseState", "recentTrades", "metaAndAssetCtxs")


def bytes_held(entries: Iterable[LoggedRequest]) -> int:
    """What the entries keep alive: each object counted once, however many entries share it."""
    seen: set[int] = set()
    total = 0
    for entry in entries:
        parts = [entry, getattr(entry, "__dict__", None), entry.method, entry.venue, entry.path]
        for part in (*parts, entry.info_type, entry.channels, *entry.channels):
            if part is not None and id(part) not in seen:
                seen.add(id(part))
                total += sys.getsizeof(part)
    return total


async def test_a_logged_request_costs_a_few_dozen_bytes(sim: SimExchange, client: Client) -> None:
    hyperliquid, binance = client("hyperliquid"), client("binanceusdm")
    sim.requests.clear()
    for n in range(300):
        kind = INFO_TYPES[n % len(INFO_TYPES)]
        body = {"type": kind, "coin": "BTC"} if kind == "recentTrades" else {"type": kind}
        if kind == "clearinghouseState":
            body["user"] = "0x" + f"{n % 7:02x}" * 20
        await hyperliquid.public_post_info(body)
        if n % 3 == 0:
            await binance.fapiPublicGetPremiumIndex({"symbol": "BTCUSDT"})
    entries = sim.requests.entries()
    assert len(entries) == 400
    assert {e.info_type for e in entries} == {*INFO_TYPES, None}
    # A log full at MAX_ENTRIES holds a few megabytes, not the 17 MB of 350-byte entries.
    assert bytes_held(entries) / len(entries) <= 80
    assert bytes_held(entries) / len(entries) * MAX_ENTRIES < 4_000_000
