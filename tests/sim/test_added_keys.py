"""Keys a test adds to a running simulator (`SimExchange.add_read_only_key`): each venue
accepts them, signed with their own secret (and OKX passphrase), as read-only keys; a wrong
secret or passphrase is refused as the venue refuses it; no control route adds a key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
import ccxt.async_support as ccxt_async
import pytest

from adl_monitor.sim.server import SimExchange
from adl_monitor.sim.thread import SimExchangeThread

KEY, SECRET, PASSPHRASE = "added-key-0123456789", "added-secret-0123456789", "added-pass-0123"


@pytest.mark.parametrize("venue", ["bybit", "binanceusdm", "okx"])
async def test_an_added_key_reads_positions_with_its_own_secret(
    sim: SimExchange, client: Callable[..., Any], venue: str
) -> None:
    sim.add_read_only_key(KEY, SECRET, PASSPHRASE)
    added = client(venue, api_key=KEY, secret=SECRET, password=PASSPHRASE)
    assert await added.fetch_positions()  # the demo account's positions, signed with SECRET

    wrong = client(venue, api_key=KEY, secret="demo-secret", password=PASSPHRASE)
    with pytest.raises(ccxt_async.AuthenticationError):
        await wrong.fetch_positions()
    if venue == "okx":
        no_pass = client(venue, api_key=KEY, secret=SECRET, password="demo-pass")
        with pytest.raises(ccxt_async.AuthenticationError):
            await no_pass.fetch_positions()


async def test_no_control_route_adds_a_key(sim: SimExchange) -> None:
    async with aiohttp.ClientSession() as http:
        for route in ("/__sim/key", "/__sim/keys"):
            reply = await http.post(sim.base_url + route, json={"api_key": KEY, "secret": SECRET})
            assert reply.status in (404, 405)
    assert sim.keys.get(KEY) is None


def test_the_thread_adds_keys_on_the_servers_loop() -> None:
    with SimExchangeThread(scenario="calm", speed=0.0, traders_per_side=10) as thread:
        thread.add_read_only_key(KEY, SECRET)
        key = thread.sim.keys.get(KEY)
        assert key is not None and key.secret == SECRET
        assert SECRET not in repr(key)
        with pytest.raises(ValueError):
            thread.add_read_only_key(KEY, "")
