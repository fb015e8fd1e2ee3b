"""Binance USDⓈ-M futures (fapi) and the one sapi endpoint the key check needs.

The ADL indicator is `adlQuantile` (0–4, 4 = front) from `GET /fapi/v1/adlQuantile` and the
`adl` field of `GET /fapi/v3/positionRisk`; both come from a snapshot Binance recomputes every
30 s. Positions ADL closed show up as orders with client order id `adl_autoclose`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from adl_monitor.core.model.position import MarginMode, Side
from adl_monitor.sim.candles import INTERVAL_SECONDS, candles
from adl_monitor.sim.demo import KeyPower
from adl_monitor.sim.faults import VenueReplies
from adl_monitor.sim.instruments import BY_BASE, INSTRUMENTS, by_venue_id
from adl_monitor.sim.venues.base import Dialect, VenueError, num
from adl_monitor.sim.venues.signing import KeyTable, hmac_hex, same, wall_ms
from adl_monitor.sim.world import DemoView

MANDATORY = "Mandatory parameter '{}' was not sent, was empty/null, or malformed."
KLINES_LIMIT = 1500
"""The most rows one `klines` request returns (Binance's documented maximum for futures)."""


class Binance(Dialect):
    exchange = "binanceusdm"
    replies = VenueReplies(
        auth_error=(401, {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}),
        rate_limited=(429, {"code": -1003, "msg": "Too many requests; please use websockets."}),
    )

    def __init__(self, world: Any, keys: KeyTable | None = None) -> None:
        super().__init__(world, keys)
        self.routes = {
            ("GET", "/fapi/v1/ping"): self.ping,
            ("GET", "/fapi/v1/time"): self.time,
            ("GET", "/fapi/v1/exchangeInfo"): self.exchange_info,
            ("GET", "/fapi/v1/premiumIndex"): self.premium_index,
            ("GET", "/fapi/v1/klines"): self.klines,
            ("GET", "/fapi/v1/symbolAdlRisk"): self.symbol_adl_risk,
            ("GET", "/fapi/v1/leverageBracket"): self.leverage_bracket,
            ("GET", "/fapi/v1/symbolConfig"): self.symbol_config,
            ("GET", "/fapi/v2/positionRisk"): self.position_risk,
            ("GET", "/fapi/v3/positionRisk"): self.position_risk,
            ("GET", "/fapi/v2/account"): self.account,
            ("GET", "/fapi/v3/account"): self.account,
            ("GET", "/fapi/v2/balance"): self.balance,
            ("GET", "/fapi/v3/balance"): self.balance,
            ("GET", "/fapi/v1/adlQuantile"): self.adl_quantile,
            ("GET", "/fapi/v1/forceOrders"): self.force_orders,
            ("GET", "/fapi/v1/allOrders"): self.all_orders,
            ("GET", "/fapi/v1/userTrades"): self.user_trades,
            ("GET", "/sapi/v1/account/apiRestrictions"): self.api_restrictions,
        }

    # --- envelope, auth ----------------------------------------------------------------------

    @staticmethod
    def fail(status: int, code: int, message: str) -> VenueError:
        return VenueError(status, {"code": code, "msg": message})

    def not_found(self, request: web.Request, path: str) -> web.StreamResponse:
        return web.json_response(
            {"code": -5000, "msg": f"Path {path}, Method {request.method} is invalid"}, status=404
        )

    async def authenticate(self, request: web.Request) -> KeyPower:
        """HMAC-SHA256 of the query string (everything before `&signature=`), as Binance does."""
        api_key = request.headers.get("X-MBX-APIKEY")
        if not api_key:
            raise self.fail(401, -2014, "API-key format invalid.")
        power = self.keys.power(api_key)
        if power is None:
            raise self.fail(401, -2015, "Invalid API-key, IP, or permissions for action.")
        query = request.rel_url.raw_query_string
        if request.method in ("POST", "PUT"):
            query = await request.text()
        params = dict(parse_qsl(query))
        if not params.get("timestamp", "").isdigit():
            raise self.fail(400, -1102, MANDATORY.format("timestamp"))
        if "signature" not in params:
            raise self.fail(400, -1102, MANDATORY.format("signature"))
        signed, _, signature = query.rpartition("&signature=")
        if not same(signature, hmac_hex(signed, self.keys.secret(api_key))):
            raise self.fail(400, -1022, "Signature for this request is not valid.")
        window = int(params.get("recvWindow", "5000"))
        if not 0 <= wall_ms() - int(params["timestamp"]) + 1000 <= window + 1000:
            raise self.fail(400, -1021, "Timestamp for this request is outside of the recvWindow.")
        return power

    def symbol_param(self, request: web.Request, required: bool = False) -> str | None:
        symbol = request.query.get("symbol")
        if symbol is None:
            if required:
                raise self.fail(400, -1102, MANDATORY.format("symbol"))
            return None
        if by_venue_id(self.exchange, symbol) is None:
            raise self.fail(400, -1121, "Invalid symbol.")
        return symbol

    # --- public ------------------------------------------------------------------------------

    async def ping(self, request: web.Request) -> web.Response:
        return web.json_response({})

    async def time(self, request: web.Request) -> web.Response:
        return web.json_response({"serverTime": self.world.now_ms()})

    async def exchange_info(self, request: web.Request) -> web.Response:
        symbols = []
        for inst in INSTRUMENTS:
            tick = num(inst.tick)
            step = num(inst.qty_step)
            symbols.append(
                {
                    "symbol": inst.venue_id(self.exchange),
                    "pair": inst.venue_id(self.exchange),
                    "contractType": "PERPETUAL",
                    "deliveryDate": 4133404800000,
                    "onboardDate": 1569398400000,
                    "status": "TRADING",
                    "maintMarginPercent": "2.5000",
                    "requiredMarginPercent": "5.0000",
                    "baseAsset": inst.base,
                    "quoteAsset": "USDT",
                    "marginAsset": "USDT",
                    "pricePrecision": len(tick.split(".")[-1]) if "." in tick else 0,
                    "quantityPrecision": len(step.split(".")[-1]) if "." in step else 0,
                    "baseAssetPrecision": 8,
                    "quotePrecision": 8,
                    "underlyingType": "COIN",
                    "underlyingSubType": ["PoW"],
                    "triggerProtect": "0.0500",
                    "liquidationFee": "0.012500",
                    "marketTakeBound": "0.05",
                    "maxMoveOrderLimit": 10000,
                    "filters": [
                        {
                            "filterType": "PRICE_FILTER",
                            "minPrice": tick,
                            "maxPrice": "4529764",
                            "tickSize": tick,
                        },
                        {
                            "filterType": "LOT_SIZE",
                            "minQty": step,
                            "maxQty": "1000",
                            "stepSize": step,
                        },
                        {
                            "filterType": "MARKET_LOT_SIZE",
                            "minQty": step,
                            "maxQty": "120",
                            "stepSize": step,
                        },
                        {"filterType": "MAX_NUM_ORDERS", "limit": 200},
                        {"filterType": "MIN_NOTIONAL", "notional": "100"},
                        {
                            "filterType": "PERCENT_PRICE",
                            "multiplierUp": "1.0500",
                            "multiplierDown": "0.9500",
                            "multiplierDecimal": "4",
                        },
                    ],
                    "orderTypes": [
                        "LIMIT",
                        "MARKET",
                        "STOP",
                        "STOP_MARKET",
                        "TAKE_PROFIT",
                        "TAKE_PROFIT_MARKET",
                        "TRAILING_STOP_MARKET",
                    ],
                    "timeInForce": ["GTC", "IOC", "FOK", "GTX", "GTD"],
                    "permissionSets": ["GRID", "COPY"],
                }
            )
        return web.json_response(
            {
                "timezone": "UTC",
                "serverTime": self.world.now_ms(),
                "futuresType": "U_MARGINED",
                "rateLimits": [],
                "exchangeFilters": [],
                "assets": [
                    {"asset": "USDT", "marginAvailable": True, "autoAssetExchange": "-10000"}
                ],
                "symbols": symbols,
            }
        )

    async def premium_index(self, request: web.Request) -> web.Response:
        symbol = self.symbol_param(request)
        marks = self.world.marks()
        rows = [
            {
                "symbol": inst.venue_id(self.exchange),
                "markPrice": num(marks[inst.base]),
                "indexPrice": num(marks[inst.base]),
                "estimatedSettlePrice": num(marks[inst.base]),
                "lastFundingRate": "0.00010000",
                "interestRate": "0.00010000",
                "nextFundingTime": self.world.now_ms() + 3_600_000,
                "time": self.world.now_ms(),
            }
            for inst in INSTRUMENTS
            if symbol in (None, inst.venue_id(self.exchange))
        ]
        return web.json_response(rows[0] if symbol else rows)

    async def klines(self, request: web.Request) -> web.Response:
        """The market's candles (`sim.candles`) as Binance's rows: open time, open, high, low,
        close, volume, close time, quote volume, trades, taker buy base and quote, "0"."""
        symbol = self.symbol_param(request, required=True)
        inst = by_venue_id(self.exchange, str(symbol))
        step_s = INTERVAL_SECONDS.get(request.query.get("interval", ""))
        if inst is None or step_s is None:
            raise self.fail(400, -1120, "Invalid interval.")
        try:
            limit = int(request.query.get("limit", "500"))
        except ValueError:
            raise self.fail(400, -1100, "Illegal characters found in parameter 'limit'.") from None
        world = self.world
        return web.json_response(
            [
                [
                    world.to_ms(candle.start),
                    num(candle.open),
                    num(candle.high),
                    num(candle.low),
                    num(candle.close),
                    num(candle.volume),
                    world.to_ms(candle.end) - 1,
                    num(candle.volume * candle.close),
                    100,
                    num(candle.volume / 2),
                    num(candle.volume * candle.close / 2),
                    "0",
                ]
                for candle in candles(world, inst, step_s, min(limit, KLINES_LIMIT))
            ]
        )

    async def symbol_adl_risk(self, request: web.Request) -> web.Response:
        """Venue-wide ADL risk per symbol. Binance weighs the insurance fund, volatility, PnL
        and more; the simulator uses two of them: how much of the fund is left, and how far the
        price has run since the start (a squeeze rates high however large the fund)."""
        symbol = self.symbol_param(request)
        book = self.world.books[self.exchange]
        rows = []
        for inst in INSTRUMENTS:
            if symbol not in (None, inst.venue_id(self.exchange)):
                continue
            start = book.initial_insurance.get(inst.base, 1.0) or 1.0
            left = book.insurance.get(inst.base, 0.0) / start
            path = self.world.paths[inst.base]
            run = abs(path.price(self.world.t) / path.price(0.0) - 1.0)
            risk = (
                "high"
                if left < 0.2 or run > 0.15
                else "medium"
                if left < 0.6 or run > 0.07
                else "low"
            )
            rows.append(
                {
                    "symbol": inst.venue_id(self.exchange),
                    "adlRisk": risk,
                    "updateTime": self.world.now_ms(),
                }
            )
        return web.json_response(rows[0] if symbol else rows)

    # --- private -----------------------------------------------------------------------------

    async def leverage_bracket(self, request: web.Request) -> web.Response:
        await self.authenticate(request)
        symbol = self.symbol_param(request)
        rows = []
        for inst in INSTRUMENTS:
            if symbol not in (None, inst.venue_id(self.exchange)):
                continue
            rows.append(
                {
                    "symbol": inst.venue_id(self.exchange),
                    "notionalCoef": 1.0,
                    "brackets": [
                        {
                            "bracket": 1,
                            "initialLeverage": inst.max_leverage,
                            "notionalCap": 5_000_000,
                            "notionalFloor": 0,
                            "maintMarginRatio": inst.mmr,
                            "cum": 0.0,
                        },
                        {
                            "bracket": 2,
                            "initialLeverage": 20,
                            "notionalCap": 50_000_000,
                            "notionalFloor": 5_000_000,
                            "maintMarginRatio": inst.mmr * 2.5,
                            "cum": 5_000_000 * inst.mmr * 1.5,
                        },
                    ],
                }
            )
        return web.json_response(rows)

    async def symbol_config(self, request: web.Request) -> web.Response:
        """The account's settings per symbol: leverage and margin type. positionRisk v3 has no
        leverage field; this is where Binance gives it (a list, also for one symbol)."""
        await self.authenticate(request)
        symbol = self.symbol_param(request)
        held = {v.position.base: v.position for v in self.views()}
        rows = []
        for inst in INSTRUMENTS:
            if symbol not in (None, inst.venue_id(self.exchange)):
                continue
            position = held.get(inst.base)
            isolated = position is not None and position.margin_mode is MarginMode.ISOLATED
            rows.append(
                {
                    "symbol": inst.venue_id(self.exchange),
                    "marginType": "ISOLATED" if isolated else "CROSSED",
                    "isAutoAddMargin": "false",
                    "leverage": round(position.leverage) if position is not None else 20,
                    "maxNotionalValue": "1000000",
                }
            )
        return web.json_response(rows)

    def views(self) -> list[DemoView]:
        return self.world.demo_views(self.exchange)

    def position_row(self, view: DemoView) -> dict[str, Any]:
        held = view.position
        inst = BY_BASE[held.base]
        mark = view.mark
        isolated = held.margin_mode is MarginMode.ISOLATED
        signed = held.size * held.side.sign
        im = held.initial_margin(mark)
        upnl = held.upnl(mark)
        return {
            "symbol": inst.venue_id(self.exchange),
            "positionSide": "BOTH",
            "positionAmt": num(signed),
            "entryPrice": num(held.entry),
            "breakEvenPrice": num(held.entry),
            "markPrice": num(mark),
            "unRealizedProfit": num(upnl),
            "liquidationPrice": num(inst.round_price(held.liq)),
            "isolatedMargin": num(held.collateral + upnl) if isolated else "0",
            "notional": num(signed * mark),
            "marginAsset": "USDT",
            "isolatedWallet": num(held.collateral) if isolated else "0",
            "initialMargin": num(im),
            "maintMargin": num(held.mmr * held.size * mark),
            "positionInitialMargin": num(im),
            "openOrderInitialMargin": "0",
            "adl": view.reported,
            "bidNotional": "0",
            "askNotional": "0",
            "updateTime": self.world.to_ms(max(0.0, held.updated_at)),
        }

    async def position_risk(self, request: web.Request) -> web.Response:
        await self.authenticate(request)
        symbol = self.symbol_param(request)
        rows = [self.position_row(v) for v in self.views()]
        return web.json_response([r for r in rows if symbol in (None, r["symbol"])])

    def _totals(self) -> dict[str, float]:
        account = self.world.demo_account(self.exchange)
        views = self.views()
        upnl = sum(v.position.upnl(v.mark) for v in views)
        im = sum(v.position.initial_margin(v.mark) for v in views)
        mm = sum(v.position.mmr * v.position.size * v.mark for v in views)
        return {
            "wallet": account.wallet,
            "upnl": upnl,
            "im": im,
            "mm": mm,
            "equity": account.wallet + upnl,
            "free": max(0.0, account.wallet + upnl - im),
        }

    async def account(self, request: web.Request) -> web.Response:
        await self.authenticate(request)
        t = self._totals()
        now = self.world.now_ms()
        asset = {
            "asset": "USDT",
            "walletBalance": num(t["wallet"]),
            "unrealizedProfit": num(t["upnl"]),
            "marginBalance": num(t["equity"]),
            "maintMargin": num(t["mm"]),
            "initialMargin": num(t["im"]),
            "positionInitialMargin": num(t["im"]),
            "openOrderInitialMargin": "0",
            "crossWalletBalance": num(t["wallet"]),
            "crossUnPnl": num(t["upnl"]),
            "availableBalance": num(t["free"]),
            "maxWithdrawAmount": num(t["free"]),
            "marginAvailable": True,
            "updateTime": now,
        }
        positions = [
            {
                "symbol": r["symbol"],
                "positionSide": "BOTH",
                "positionAmt": r["positionAmt"],
                "unrealizedProfit": r["unRealizedProfit"],
                "isolatedMargin": r["isolatedMargin"],
                "notional": r["notional"],
                "isolatedWallet": r["isolatedWallet"],
                "initialMargin": r["initialMargin"],
                "maintMargin": r["maintMargin"],
                "updateTime": r["updateTime"],
            }
            for r in (self.position_row(v) for v in self.views())
        ]
        return web.json_response(
            {
                "totalInitialMargin": num(t["im"]),
                "totalMaintMargin": num(t["mm"]),
                "totalWalletBalance": num(t["wallet"]),
                "totalUnrealizedProfit": num(t["upnl"]),
                "totalMarginBalance": num(t["equity"]),
                "totalPositionInitialMargin": num(t["im"]),
                "totalOpenOrderInitialMargin": "0",
                "totalCrossWalletBalance": num(t["wallet"]),
                "totalCrossUnPnl": num(t["upnl"]),
                "availableBalance": num(t["free"]),
                "maxWithdrawAmount": num(t["free"]),
                "assets": [asset],
                "positions": positions,
            }
        )

    async def balance(self, request: web.Request) -> web.Response:
        await self.authenticate(request)
        t = self._totals()
        return web.json_response(
            [
                {
                    "accountAlias": "SgsR",
                    "asset": "USDT",
                    "balance": num(t["wallet"]),
                    "crossWalletBalance": num(t["wallet"]),
                    "crossUnPnl": num(t["upnl"]),
                    "availableBalance": num(t["free"]),
                    "maxWithdrawAmount": num(t["free"]),
                    "marginAvailable": True,
                    "updateTime": self.world.now_ms(),
                }
            ]
        )

    async def adl_quantile(self, request: web.Request) -> web.Response:
        """One-way mode: the quantile sits in BOTH; LONG and SHORT are not used (0)."""
        await self.authenticate(request)
        symbol = self.symbol_param(request)
        rows = []
        for view in self.views():
            venue_symbol = BY_BASE[view.position.base].venue_id(self.exchange)
            if symbol in (None, venue_symbol):
                rows.append(
                    {
                        "symbol": venue_symbol,
                        "adlQuantile": {"LONG": 0, "SHORT": 0, "BOTH": view.reported},
                    }
                )
        return web.json_response(rows)

    def _adl_orders(self, symbol: str | None, start_ms: int = 0) -> list[dict[str, Any]]:
        world = self.world
        rows = []
        for n, event in enumerate(world.books[self.exchange].adl_events):
            venue_symbol = BY_BASE[event.base].venue_id(self.exchange)
            at = world.to_ms(event.at)
            if symbol not in (None, venue_symbol) or at < start_ms:
                continue
            rows.append(
                {
                    "orderId": 9_000_000_000 + n,
                    "symbol": venue_symbol,
                    "status": "FILLED",
                    "clientOrderId": "adl_autoclose",
                    "price": num(event.price),
                    "avgPrice": num(event.price),
                    "origQty": num(event.qty),
                    "executedQty": num(event.qty),
                    "cumQuote": num(event.qty * event.price),
                    "timeInForce": "IOC",
                    "type": "LIMIT",
                    "reduceOnly": True,
                    "closePosition": False,
                    "side": "SELL" if event.side is Side.LONG else "BUY",
                    "positionSide": "BOTH",
                    "stopPrice": "0",
                    "workingType": "CONTRACT_PRICE",
                    "origType": "LIMIT",
                    "priceProtect": False,
                    "time": at,
                    "updateTime": at,
                }
            )
        return rows

    async def force_orders(self, request: web.Request) -> web.Response:
        """Liquidation and ADL orders of the account; ADL ones carry `adl_autoclose`."""
        await self.authenticate(request)
        symbol = self.symbol_param(request)
        close_type = request.query.get("autoCloseType")
        start = request.query.get("startTime", "0")
        start_ms = int(start) if start.isdigit() else 0
        rows = [] if close_type == "LIQUIDATION" else self._adl_orders(symbol, start_ms)
        limit = request.query.get("limit", "50")
        return web.json_response(rows[-int(limit) :] if limit.isdigit() else rows)

    async def user_trades(self, request: web.Request) -> web.Response:
        """The demo account never trades by itself: ADL is all that ever closes its positions,
        and Binance reports that in forceOrders."""
        await self.authenticate(request)
        self.symbol_param(request, required=True)
        return web.json_response([])

    async def all_orders(self, request: web.Request) -> web.Response:
        await self.authenticate(request)
        symbol = self.symbol_param(request, required=True)
        return web.json_response(self._adl_orders(symbol))

    async def api_restrictions(self, request: web.Request) -> web.Response:
        power = await self.authenticate(request)
        trade = power is not KeyPower.READ_ONLY
        return web.json_response(
            {
                "ipRestrict": False,
                "createTime": 1_767_225_600_000,
                "enableReading": True,
                "enableWithdrawals": power is KeyPower.WITHDRAW,
                "enableInternalTransfer": False,
                "enableMargin": False,
                "enableFutures": trade,
                "permitsUniversalTransfer": False,
                "enableVanillaOptions": False,
                "enableFixApiTrade": False,
                "enableFixReadOnly": False,
                "enableSpotAndMarginTrading": trade,
                "enablePortfolioMarginTrading": False,
            }
        )
