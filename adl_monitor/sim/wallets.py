"""Public wallet addresses of the synthetic traders on one venue book (Hyperliquid's positions
and trades are public by address: docs/simulator.md, "Public wallet data").

An account's address is `"0x" + sha256(f"{seed}:{account name}")[:40]`, lowercase: fixed per
world seed, different across seeds, and never the demo wallet (the demo account has none here,
it is served under its published address). Three market makers per world trade with everyone
and hold no position.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from adl_monitor.sim.book_position import BookPosition, SimAccount
from adl_monitor.sim.world import World

MARKET_MAKERS = 3


def wallet_address(seed: int, name: str) -> str:
    """The wallet address of account `name` in the world of `seed`."""
    return "0x" + hashlib.sha256(f"{seed}:{name}".encode()).hexdigest()[:40]


def market_maker_addresses(seed: int) -> tuple[str, ...]:
    return tuple(wallet_address(seed, f"market-maker-{n}") for n in range(MARKET_MAKERS))


class PublicWallets:
    """Every synthetic account of one book, by address, built once per world.

    Built from `VenueBook.added`, so an account whose position is gone keeps its address (its
    fills stay public). Positions are listed per coin for the trade flow (`trade_tape`).
    """

    def __init__(self, world: World, exchange: str) -> None:
        self.world = world
        """The world indexed: a caller rebuilds when the server swaps in another."""
        self.market_makers = market_maker_addresses(world.seed)
        self.accounts: dict[str, SimAccount] = {}
        self._addresses: dict[str, str] = {}
        self.positions: dict[str, list[tuple[str, BookPosition]]] = defaultdict(list)
        """Per coin, every synthetic position ever held (closed ones too) with its wallet, in
        book order."""
        for held in world.books[exchange].added:
            account = held.account
            if account.demo:
                continue
            address = self._addresses.get(account.name)
            if address is None:
                address = wallet_address(world.seed, account.name)
                self._addresses[account.name] = address
                self.accounts[address] = account
            self.positions[held.base].append((address, held))

    def address(self, account_name: str) -> str | None:
        """The account's public address; None for the demo account (and unknown names)."""
        return self._addresses.get(account_name)
