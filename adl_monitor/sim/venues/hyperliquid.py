"""Hyperliquid's `POST /info`: markets, and positions public by wallet address — no ADL field,
no key; the app can only estimate the queue here. Every wallet is public: the demo's and each
synthetic trader's positions (`clearinghouseState`) and fills (`userFills`, `userFillsByTime`:
the venue's ADL closes with `dir` "Auto-Deleveraging"), and the trades naming them
(`recentTrades`: docs/simulator.md, "Public wallet data")."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from aiohttp import web

from adl_monitor.core.model.position import MarginMode, Side
from adl_monitor.sim.book_position import BookPosition, SimAccount
from adl_monitor.sim.candles import DAY_VOLUME, INTERVAL_SECONDS, candles
from adl_monitor.sim.demo import HYPERLIQUID_DEMO_WALLET
from adl_monitor.sim.faults import VenueReplies
from adl_monitor.sim.instruments import BY_BASE, INSTRUMENTS
from adl_monitor.sim.trade_tape import ADL_TID, ZERO_HASH, TradeTape
from adl_monitor.sim.venues.base import Dialect, VenueError, num
from adl_monitor.sim.venues.signing import KeyTable
from adl_monitor.sim.wallets import PublicWallets

DESERIALIZE = "Failed to deserialize the JSON body into the target type: "
VENUE_OPEN_INTEREST = 10_000.0
"""Coins open per market at sim time 0: the simulated book is a sample of a venue this size,
so what is served is this scaled by the share of the book's size still open."""


class Hyperliquid(Dialect):
    exchange = "hyperliquid"
    replies = VenueReplies(  # it has no key: a wallet address it rejects is its auth error
        auth_error=(422, DESERIALIZE + "invalid address at line 1 column 60"),
        rate_limited=(429, "429 Too Many Requests"),
    )

    def __init__(self, world: Any, keys: KeyTable | None = None) -> None:
        super().__init__(world, keys)
        self.routes = {("POST", "/info"): self.info}
        self.kinds = {
            "meta": self.meta,
            "metaAndAssetCtxs": self.meta_and_ctxs,
            "spotMeta": self.spot_meta,
            "spotMetaAndAssetCtxs": self.spot_meta_and_ctxs,
            "allMids": self.all_mids,
            "perpDexs": self.perp_dexs,
            "clearinghouseState": self.clearinghouse_state,
            "spotClearinghouseState": self.spot_clearinghouse_state,
            "userAbstraction": self.user_abstraction,
            "userFills": self.user_fills,
            "userFillsByTime": self.user_fills,
            "candleSnapshot": self.candle_snapshot,
            "recentTrades": self.recent_trades,
        }
        self.info_served: Counter[str] = Counter()
        """`/info` requests answered per `type`: tests check what the app asks, how often."""
        self._public: tuple[PublicWallets, TradeTape] | None = None

    async def info(self, request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.text())
        except ValueError:
            raise VenueError(400, DESERIALIZE + "expected value at line 1 column 1") from None
        kind = body.get("type") if isinstance(body, dict) else None
        handler = self.kinds.get(str(kind))
        if handler is None:
            raise VenueError(422, DESERIALIZE + f"unknown variant `{kind}` at line 1 column 20")
        self.info_served[str(kind)] += 1
        return web.json_response(handler(body))

    @staticmethod
    def _user(body: dict[str, Any]) -> str:
        user = body.get("user")
        if not isinstance(user, str) or not user:
            raise VenueError(422, DESERIALIZE + "missing field `user` at line 1 column 30")
        return user.lower()

    def meta(self, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "universe": [
                {
                    "szDecimals": inst.hl_sz_decimals,
                    "name": inst.base,
                    "maxLeverage": inst.max_leverage_on("hyperliquid"),
                    "marginTableId": 56,
                }
                for inst in INSTRUMENTS
            ],
            "marginTables": [],
        }

    def open_interest(self, base: str) -> float:
        """The market's open interest in coins: the book's size still open, scaled to the venue
        (`VENUE_OPEN_INTEREST`). It falls as traders are liquidated and deleveraged, as the
        real figure does when ADL closes both sides of a trade.

        A real venue's longs and shorts are equal; the book's two sides are not (their
        counterparties are implicit), so both sides' sizes are summed."""
        book = self.world.books[self.exchange]
        opened = book.added_size.get(base, 0.0)
        return VENUE_OPEN_INTEREST * (book.open_size(base) / opened if opened > 0 else 1.0)

    def meta_and_ctxs(self, body: dict[str, Any]) -> list[Any]:
        marks = self.world.marks()
        ctxs = []
        for inst in INSTRUMENTS:
            mark = marks[inst.base]
            ctxs.append(
                {
                    "funding": "0.0000125",
                    "openInterest": num(self.open_interest(inst.base)),
                    "prevDayPx": num(inst.price),
                    "dayNtlVlm": "1000000000.0",
                    "premium": "0.0",
                    "oraclePx": num(mark),
                    "markPx": num(mark),
                    "midPx": num(mark),
                    "impactPxs": [num(mark), num(mark)],
                    "dayBaseVlm": num(DAY_VOLUME),
                }
            )
        return [self.meta(body), ctxs]

    def candle_snapshot(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """The market's candles (`sim.candles`), in Hyperliquid's shape."""
        req = body.get("req")
        req = req if isinstance(req, dict) else {}
        inst = next((i for i in INSTRUMENTS if i.base == req.get("coin")), None)
        step_s = INTERVAL_SECONDS.get(str(req.get("interval")))
        if inst is None or step_s is None:
            raise VenueError(422, DESERIALIZE + "invalid candleSnapshot request")
        start, end = req.get("startTime"), req.get("endTime")
        span = (end - start) / 1000 if isinstance(start, int) and isinstance(end, int) else 0
        world = self.world
        return [
            {
                "t": world.to_ms(candle.start),
                "T": world.to_ms(candle.end) - 1,
                "s": inst.base,
                "i": req.get("interval"),
                "o": num(candle.open),
                "c": num(candle.close),
                "h": num(candle.high),
                "l": num(candle.low),
                "v": num(candle.volume),
                "n": 100,
            }
            for candle in candles(world, inst, step_s, int(span // step_s))
        ]

    def spot_meta(self, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "tokens": [
                {
                    "name": "USDC",
                    "szDecimals": 8,
                    "weiDecimals": 8,
                    "index": 0,
                    "tokenId": "0x6d1e7cde53ba9467b783cb7c530ce054",
                    "isCanonical": True,
                    "evmContract": None,
                    "fullName": None,
                }
            ],
            "universe": [],
        }

    def spot_meta_and_ctxs(self, body: dict[str, Any]) -> list[Any]:
        return [self.spot_meta(body), []]

    def all_mids(self, body: dict[str, Any]) -> dict[str, str]:
        return {base: num(price) for base, price in self.world.marks().items()}

    def perp_dexs(self, body: dict[str, Any]) -> list[Any]:
        return [None]

    def user_abstraction(self, body: dict[str, Any]) -> str:
        self._user(body)
        return "disabled"

    def spot_clearinghouse_state(self, body: dict[str, Any]) -> dict[str, Any]:
        self._user(body)
        return {"balances": []}

    def public(self) -> tuple[PublicWallets, TradeTape]:
        """The synthetic traders' wallets and trades, built once per world (the server swaps
        its world in benchmarks: a new one gets a new index)."""
        world = self.world
        if self._public is None or self._public[0].world is not world:
            wallets = PublicWallets(world, self.exchange)
            self._public = (wallets, TradeTape(wallets, self.exchange))
        return self._public

    def _account(self, user: str) -> SimAccount | None:
        """The account behind a wallet address: the demo's or a synthetic trader's."""
        if user == HYPERLIQUID_DEMO_WALLET.lower():
            return self.world.demo_account(self.exchange)
        return self.public()[0].accounts.get(user)

    def clearinghouse_state(self, body: dict[str, Any]) -> dict[str, Any]:
        """Any address answers (as on Hyperliquid): the demo's and every synthetic trader's
        with their open positions, any other empty."""
        account = self._account(self._user(body))
        world = self.world
        marks = world.marks()
        entries = []
        value = margin_used = notional = maintenance = 0.0
        if account is not None:
            value = account.wallet
            for held in account.positions:
                if held.closed:
                    continue
                mark = marks[held.base]
                upnl = held.upnl(mark)
                used = held.initial_margin(mark) + (
                    upnl if held.margin_mode is MarginMode.ISOLATED else 0.0
                )
                value += upnl
                margin_used += used
                notional += held.size * mark
                maintenance += held.mmr * held.size * mark
                entries.append({"type": "oneWay", "position": _position(held, mark, upnl, used)})
        summary = {
            "accountValue": num(value),
            "totalNtlPos": num(notional),
            "totalRawUsd": num(value),
            "totalMarginUsed": num(margin_used),
        }
        return {
            "marginSummary": summary,
            "crossMarginSummary": summary,
            "crossMaintenanceMarginUsed": num(maintenance),
            "withdrawable": num(max(0.0, value - margin_used)),
            "assetPositions": entries,
            "time": world.now_ms(),
        }

    def user_fills(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """A wallet's fills, newest first. The simulated traders never trade by themselves here,
        so they are the venue's ADL closes, marked as Hyperliquid marks them (`dir`
        "Auto-Deleveraging"); `tid` is the one `recentTrades` shows for the same close."""
        account = self._account(self._user(body))
        if account is None:
            return []
        world = self.world
        start = body.get("startTime")
        start_ms = start if isinstance(start, int) else 0
        mine = [
            (n, event)
            for n, event in enumerate(world.books[self.exchange].deleverages)
            if event.account == account.name
        ]
        held = {p.pid: p.size for p in account.positions if not p.closed}
        fills = []
        for k, (n, event) in enumerate(mine):
            later = sum(e.qty for _, e in mine[k + 1 :] if e.pid == event.pid)
            before = event.qty + later + held.get(event.pid, 0.0)  # size when this fill came
            at = world.to_ms(event.at)
            if at < start_ms:
                continue
            fills.append(
                {
                    "coin": event.base,
                    "px": num(event.price),
                    "sz": num(event.qty),
                    "side": "A" if event.side is Side.LONG else "B",
                    "time": at,
                    "startPosition": num(before * event.side.sign),
                    "dir": "Auto-Deleveraging",
                    "closedPnl": num(event.realized_pnl),
                    "hash": ZERO_HASH,
                    "oid": 7_000_000_000 + n,
                    "crossed": False,
                    "fee": "0.0",
                    "tid": ADL_TID + n,
                    "feeToken": "USDC",
                    "twapId": None,
                }
            )
        return list(reversed(fills))

    def recent_trades(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """The latest public trades of a coin, oldest first, each naming buyer and seller
        (`users`): how third-party tools find wallets to read (`trade_tape`)."""
        coin = body.get("coin")
        if not isinstance(coin, str) or coin not in BY_BASE:
            raise VenueError(422, DESERIALIZE + "invalid coin at line 1 column 40")
        world = self.world
        return [
            {
                "coin": trade.coin,
                "side": "B" if trade.buyer_took else "A",
                "px": num(trade.price),
                "sz": num(trade.size),
                "time": world.to_ms(trade.at),
                "hash": trade.hash,
                "tid": trade.tid,
                "users": [trade.buyer, trade.seller],
            }
            for trade in self.public()[1].recent(coin)
        ]


def _position(held: BookPosition, mark: float, upnl: float, used: float) -> dict[str, Any]:
    """One open position as `clearinghouseState` lists it."""
    leverage: dict[str, Any] = {"type": held.margin_mode.value, "value": str(int(held.leverage))}
    if held.margin_mode is MarginMode.ISOLATED:
        leverage["rawUsd"] = num(held.collateral - held.side.sign * held.size * held.entry)
    return {
        "coin": held.base,
        "szi": num(held.size * held.side.sign),
        "leverage": leverage,
        "entryPx": num(held.entry),
        "positionValue": num(held.size * mark),
        "unrealizedPnl": num(upnl),
        "returnOnEquity": num(upnl / held.initial_margin(mark)),
        "liquidationPx": num(held.liq) if held.liq > 0 else None,
        "marginUsed": num(used),
        "maxLeverage": str(BY_BASE[held.base].max_leverage_on("hyperliquid")),
        "cumFunding": {"allTime": "0.0", "sinceChange": "0.0", "sinceOpen": "0.0"},
    }
