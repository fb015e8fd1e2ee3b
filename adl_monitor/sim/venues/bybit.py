"""Bybit v5: instruments, wallet balance, position list with `adlRankIndicator`, key info,
the insurance-pool alert, and the private `position` websocket topic."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from adl_monitor.core.model.position import MarginMode, Side
from adl_monitor.sim.demo import KeyPower
from adl_monitor.sim.faults import VenueReplies
from adl_monitor.sim.instruments import BY_BASE, INSTRUMENTS
from adl_monitor.sim.venues.base import Dialect, VenueError, num
from adl_monitor.sim.venues.signing import KeyTable, hmac_hex, same, wall_ms
from adl_monitor.sim.venues.stream import StreamSession, serve_stream
from adl_monitor.sim.world import DemoView

ADL_STATUS_SECONDS = 60.0
"""How long (sim seconds) a partly deleveraged position shows positionStatus "Adl": long
enough for any refresh cadence to see it, then it reads "Normal" again."""


class Bybit(Dialect):
    exchange = "bybit"
    replies = VenueReplies(
        auth_error=(401, {"retCode": 10003, "retMsg": "API key is invalid.", "result": {}}),
        rate_limited=(429, {"retCode": 10006, "retMsg": "Too many visits!", "result": {}}),
    )

    def __init__(self, world: Any, keys: KeyTable | None = None) -> None:
        super().__init__(world, keys)
        self.routes = {
            ("GET", "/v5/market/time"): self.time,
            ("GET", "/v5/market/instruments-info"): self.instruments,
            ("GET", "/v5/market/tickers"): self.tickers,
            ("GET", "/v5/market/adlAlert"): self.adl_alert,
            ("GET", "/v5/user/query-api"): self.query_api,
            ("GET", "/v5/account/info"): self.account_info,
            ("GET", "/v5/account/wallet-balance"): self.wallet_balance,
            ("GET", "/v5/position/list"): self.position_list,
            ("GET", "/v5/execution/list"): self.executions,
            ("GET", "/v5/private"): self.websocket,
        }

    # --- envelope, auth ----------------------------------------------------------------------

    def ok(self, result: Any) -> web.Response:
        body = {
            "retCode": 0,
            "retMsg": "OK",
            "result": result,
            "retExtInfo": {},
            "time": self.world.now_ms(),
        }
        return web.json_response(body)

    def fail(self, code: int, message: str, status: int = 200) -> VenueError:
        body = {
            "retCode": code,
            "retMsg": message,
            "result": {},
            "retExtInfo": {},
            "time": self.world.now_ms(),
        }
        return VenueError(status, body)

    def not_found(self, request: web.Request, path: str) -> web.StreamResponse:
        return web.Response(status=404, text="404 page not found")

    async def authenticate(self, request: web.Request) -> KeyPower:
        """Check the v5 HMAC headers as Bybit does; return what the key may do."""
        api_key = request.headers.get("X-BAPI-API-KEY")
        power = self.keys.power(api_key)
        if power is None:
            raise self.fail(10003, "API key is invalid.", 401)
        timestamp = request.headers.get("X-BAPI-TIMESTAMP", "")
        recv_window = request.headers.get("X-BAPI-RECV-WINDOW", "5000")
        signature = request.headers.get("X-BAPI-SIGN", "")
        if not timestamp.isdigit() or abs(wall_ms() - int(timestamp)) > int(recv_window):
            raise self.fail(
                10002,
                "invalid request, please check your server timestamp or recv_window param. "
                f"req_timestamp[{timestamp}],server_timestamp[{wall_ms()}],"
                f"recv_window[{recv_window}]",
            )
        payload = request.rel_url.raw_query_string
        if request.method == "POST":
            payload = await request.text()
        if not same(
            signature,
            hmac_hex(f"{timestamp}{api_key}{recv_window}{payload}", self.keys.secret(api_key)),
        ):
            raise self.fail(10004, "error sign! please check your signature generation.", 401)
        return power

    def require(self, request: web.Request, name: str) -> str:
        value = request.query.get(name)
        if not value:
            raise self.fail(10001, f"params error: {name} is required")
        return value

    # --- public ------------------------------------------------------------------------------

    async def time(self, request: web.Request) -> web.Response:
        now = self.world.now_ms()
        return self.ok({"timeSecond": str(now // 1000), "timeNano": str(now * 1_000_000)})

    async def instruments(self, request: web.Request) -> web.Response:
        category = self.require(request, "category")
        if category not in ("linear", "inverse", "spot", "option"):
            raise self.fail(10001, "params error: category invalid")
        rows = []
        if (
            category == "linear"
            and request.query.get("status", "Trading") == "Trading"
            and not request.query.get("cursor")
        ):
            for inst in INSTRUMENTS:
                rows.append(
                    {
                        "symbol": inst.venue_id(self.exchange),
                        "contractType": "LinearPerpetual",
                        "status": "Trading",
                        "baseCoin": inst.base,
                        "quoteCoin": "USDT",
                        "settleCoin": "USDT",
                        "launchTime": "1585526400000",
                        "deliveryTime": "0",
                        "deliveryFeeRate": "",
                        "priceScale": str(max(0, len(num(inst.tick).split(".")[-1]))),
                        "leverageFilter": {
                            "minLeverage": "1",
                            "maxLeverage": f"{inst.max_leverage}.00",
                            "leverageStep": "0.01",
                        },
                        "priceFilter": {
                            "minPrice": num(inst.tick),
                            "maxPrice": "1999999.8",
                            "tickSize": num(inst.tick),
                        },
                        "lotSizeFilter": {
                            "maxOrderQty": "1190",
                            "minOrderQty": num(inst.qty_step),
                            "qtyStep": num(inst.qty_step),
                            "postOnlyMaxOrderQty": "1190",
                            "maxMktOrderQty": "500",
                            "minNotionalValue": "5",
                        },
                        "unifiedMarginTrade": True,
                        "fundingInterval": 480,
                        "settleCoinType": "USDT",
                        "copyTrading": "both",
                        "upperFundingRate": "0.005",
                        "lowerFundingRate": "-0.005",
                        "isPreListing": False,
                        "preListingInfo": None,
                    }
                )
        return self.ok({"category": category, "list": rows, "nextPageCursor": ""})

    async def tickers(self, request: web.Request) -> web.Response:
        category = self.require(request, "category")
        marks = self.world.marks()
        rows = []
        if category == "linear":
            for inst in INSTRUMENTS:
                mark = marks[inst.base]
                rows.append(
                    {
                        "symbol": inst.venue_id(self.exchange),
                        "lastPrice": num(mark),
                        "markPrice": num(mark),
                        "indexPrice": num(mark),
                        "fundingRate": "0.0001",
                    }
                )
        return self.ok({"category": category, "list": rows})

    async def adl_alert(self, request: web.Request) -> web.Response:
        """The insurance pool of each contract against the balance that triggers ADL.

        `pnlRatio` is the pool's drawdown from its peak (`maxBalance`): it falls as the squeeze
        drains the pool, past Bybit's `insurancePnlRatio` (-0.3) when a third is gone.
        `adlTriggerThreshold` is 1, the constant of Bybit's documented example.
        """
        book = self.world.books[self.exchange]
        rows = []
        for inst in INSTRUMENTS:
            balance = book.insurance.get(inst.base, 0.0)
            peak = max(balance, book.initial_insurance.get(inst.base, 0.0))
            drawdown = -1.0 if balance <= 0 or peak <= 0 else (balance - peak) / peak
            rows.append(
                {
                    "coin": "USDT",
                    "symbol": inst.venue_id(self.exchange),
                    "balance": num(balance, 2),
                    "maxBalance": num(peak, 2),
                    "insurancePnlRatio": "-0.3",
                    "pnlRatio": num(drawdown, 4),
                    "adlTriggerThreshold": "1",
                    "adlStopRatio": "-0.25",
                }
            )
        return self.ok({"updatedTime": str(self.world.now_ms()), "list": rows})

    # --- private -----------------------------------------------------------------------------

    async def query_api(self, request: web.Request) -> web.Response:
        power = await self.authenticate(request)
        trade = power is not KeyPower.READ_ONLY
        permissions: dict[str, list[str]] = {
            "ContractTrade": ["Order", "Position"] if trade else [],
            "Spot": ["SpotTrade"] if trade else [],
            "Wallet": ["AccountTransfer", "SubMemberTransfer"] if trade else [],
            "Options": [],
            "Derivatives": ["DerivativesTrade"] if trade else [],
            "Exchange": ["ExchangeHistory"],
        }
        if power is KeyPower.WITHDRAW:
            permissions["Wallet"].append("Withdraw")
        return self.ok(
            {
                "id": "1000001",
                "note": "adl-monitor demo",
                "apiKey": request.headers["X-BAPI-API-KEY"],
                "readOnly": 1 if power is KeyPower.READ_ONLY else 0,
                "secret": "",
                "permissions": permissions,
                "ips": ["*"],
                "type": 1,
                "deadlineDay": 83,
                "expiredAt": "2027-01-01T00:00:00Z",
                "createdAt": "2026-01-01T00:00:00Z",
                "unified": 0,
                "uta": 1,
                "userID": 1000001,
                "inviterID": 0,
                "vipLevel": "No VIP",
                "mktMakerLevel": "0",
                "affiliateID": 0,
                "rsaPublicKey": "",
                "isMaster": True,
                "parentUid": "0",
                "kycLevel": "LEVEL_1",
                "kycRegion": "",
                "userIDInt64": "1000001",
                "inviterIDInt64": "0",
                "affiliateIDInt64": "0",
            }
        )

    async def account_info(self, request: web.Request) -> web.Response:
        await self.authenticate(request)
        return self.ok(
            {
                "unifiedMarginStatus": 6,
                "marginMode": "REGULAR_MARGIN",
                "isMasterTrader": False,
                "spotHedgingStatus": "OFF",
                "updatedTime": str(self.world.now_ms()),
                "dcpStatus": "OFF",
                "timeWindow": 10,
                "smpGroup": 0,
            }
        )

    async def wallet_balance(self, request: web.Request) -> web.Response:
        await self.authenticate(request)
        account_type = self.require(request, "accountType")
        if account_type not in ("UNIFIED", "CONTRACT"):
            raise self.fail(10001, "accountType only support UNIFIED.")
        world = self.world
        account = world.demo_account(self.exchange)
        views = world.demo_views(self.exchange)
        upnl = sum(v.position.upnl(v.mark) for v in views)
        im = sum(v.position.initial_margin(v.mark) for v in views)
        mm = sum(v.position.mmr * v.position.size * v.mark for v in views)
        equity = account.wallet + upnl
        coin = {
            "coin": "USDT",
            "equity": num(equity, 4),
            "usdValue": num(equity, 4),
            "walletBalance": num(account.wallet, 4),
            "free": "",
            "locked": "0",
            "spotHedgingQty": "0",
            "borrowAmount": "0",
            "availableToWithdraw": "",
            "accruedInterest": "0",
            "totalOrderIM": "0",
            "totalPositionIM": num(im, 4),
            "totalPositionMM": num(mm, 4),
            "unrealisedPnl": num(upnl, 4),
            "cumRealisedPnl": "0",
            "bonus": "0",
            "marginCollateral": True,
            "collateralSwitch": True,
        }
        entry = {
            "accountType": "UNIFIED",
            "accountIMRate": num(im / equity if equity > 0 else 0, 4),
            "accountMMRate": num(mm / equity if equity > 0 else 0, 4),
            "totalEquity": num(equity, 4),
            "totalWalletBalance": num(account.wallet, 4),
            "totalMarginBalance": num(equity, 4),
            "totalAvailableBalance": num(max(0.0, equity - im), 4),
            "totalPerpUPL": num(upnl, 4),
            "totalInitialMargin": num(im, 4),
            "totalMaintenanceMargin": num(mm, 4),
            "coin": [coin],
        }
        return self.ok({"list": [entry]})

    def position_row(self, view: DemoView) -> dict[str, Any]:
        held = view.position
        world = self.world
        inst = BY_BASE[held.base]
        isolated = held.margin_mode is MarginMode.ISOLATED
        mark = view.mark
        return {
            "positionIdx": 0,
            "riskId": 1,
            "riskLimitValue": "2000000",
            "symbol": inst.venue_id(self.exchange),
            "side": "Buy" if held.side is Side.LONG else "Sell",
            "size": num(held.size),
            "avgPrice": num(held.entry),
            "positionValue": num(held.size * held.entry, 4),
            "tradeMode": 1 if isolated else 0,
            "positionStatus": "Adl"
            if held.adl_at is not None and world.t - held.adl_at < ADL_STATUS_SECONDS
            else "Normal",
            "autoAddMargin": 0,
            "adlRankIndicator": view.reported if held.size > 0 else 0,
            "leverage": num(held.leverage),
            "breakEvenPrice": num(held.entry),
            "positionBalance": num(held.initial_margin(mark), 4),
            "markPrice": num(mark),
            "liqPrice": num(inst.round_price(held.liq)) if held.liq > 0 else "",
            "bustPrice": num(inst.round_price(held.bankruptcy_price)),
            "positionMM": num(held.mmr * held.size * mark, 4),
            "positionMMByMp": num(held.mmr * held.size * mark, 4),
            "positionIM": num(held.initial_margin(mark), 4),
            "positionIMByMp": num(held.initial_margin(mark), 4),
            "tpslMode": "Full",
            "takeProfit": "0",
            "stopLoss": "0",
            "trailingStop": "0",
            "unrealisedPnl": num(held.upnl(mark), 4),
            "curRealisedPnl": "0",
            "cumRealisedPnl": "0",
            "seq": 8_000_000_000 + held.pid,
            "isReduceOnly": False,
            "mmrSysUpdateTime": "",
            "leverageSysUpdatedTime": "",
            "sessionAvgPrice": "",
            "createdTime": str(world.to_ms(held.opened_at)),
            "updatedTime": str(world.to_ms(max(held.updated_at, 0.0))),
        }

    async def position_list(self, request: web.Request) -> web.Response:
        await self.authenticate(request)
        category = self.require(request, "category")
        symbol = request.query.get("symbol")
        settle = request.query.get("settleCoin")
        if category == "linear" and not symbol and not settle:
            raise self.fail(10001, "params error: symbol or settleCoin is required")
        rows = []
        if category == "linear" and settle in (None, "USDT"):
            for view in self.world.demo_views(self.exchange):
                row = self.position_row(view)
                if symbol is None or row["symbol"] == symbol:
                    rows.append(row)
        return self.ok({"list": rows, "nextPageCursor": "", "category": category})

    async def executions(self, request: web.Request) -> web.Response:
        """Fills of the demo account: ADL closes appear with `execType` "AdlTrade"."""
        await self.authenticate(request)
        self.require(request, "category")
        world = self.world
        rows = []
        for event in reversed(world.books[self.exchange].adl_events):
            rows.append(
                {
                    "symbol": f"{event.base}USDT",
                    "side": "Sell" if event.side is Side.LONG else "Buy",
                    "orderId": f"adl-{event.pid}-{int(event.at * 1000)}",
                    "orderLinkId": "",
                    "execId": f"adl-exec-{event.pid}-{int(event.at * 1000)}",
                    "execPrice": num(event.price),
                    "execQty": num(event.qty),
                    "execValue": num(event.qty * event.price, 4),
                    "execFee": "0",
                    "execType": "AdlTrade",
                    "orderType": "Market",
                    "feeRate": "0",
                    "closedSize": num(event.qty),
                    "isMaker": False,
                    "execTime": str(world.to_ms(event.at)),
                }
            )
        return self.ok({"list": rows, "nextPageCursor": "", "category": "linear"})

    # --- websocket ---------------------------------------------------------------------------

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        return await serve_stream(
            request, self._on_ws_text, self._push, silent=lambda: self.streams_silent
        )

    async def _on_ws_text(self, session: StreamSession, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        op = message.get("op")
        req_id = message.get("req_id")
        reply: dict[str, Any] = {"op": op, "conn_id": "sim-conn"}
        if req_id is not None:
            reply["req_id"] = req_id
        if op == "ping":
            reply.update({"op": "pong", "args": [str(wall_ms())]})
        elif op == "auth":
            args = message.get("args") or []
            ok = (
                len(args) == 3
                and self.keys.power(str(args[0])) is not None
                and str(args[1]).isdigit()
                and int(args[1]) > wall_ms()
                and same(
                    str(args[2]), hmac_hex(f"GET/realtime{args[1]}", self.keys.secret(str(args[0])))
                )
            )
            session.authenticated = ok
            reply.update({"success": ok, "ret_msg": "" if ok else "Request not authorized"})
        elif op == "subscribe":
            if not session.authenticated:
                reply.update({"success": False, "ret_msg": "Request not authorized"})
            else:
                session.channels.update(message.get("args") or [])
                reply.update({"success": True, "ret_msg": ""})
                session.sent.clear()
        else:
            reply.update({"success": False, "ret_msg": f"error: op {op!r} not supported"})
        await session.socket.send_json(reply)

    async def _push(self, session: StreamSession) -> None:
        """Push the `position` topic whenever a demo position's size, status or rank changes."""
        if "position" not in session.channels:
            return
        changed, closed = session.changed_rows(
            (self.position_row(v) for v in self.world.demo_views(self.exchange)),
            key=lambda row: str(row["symbol"]),
            fingerprint=lambda row: (row["size"], row["positionStatus"], row["adlRankIndicator"]),
        )
        for symbol in closed:  # e.g. fully deleveraged: Bybit pushes size 0
            changed.append(
                {
                    "symbol": symbol,
                    "side": "",
                    "size": "0",
                    "positionIdx": 0,
                    "positionStatus": "Normal",
                    "adlRankIndicator": 0,
                    "markPrice": "0",
                    "entryPrice": "0",
                    "leverage": "10",
                    "updatedTime": str(self.world.now_ms()),
                }
            )
        for row in changed:
            row.setdefault("category", "linear")
            row["entryPrice"] = row.pop("avgPrice", row.get("entryPrice", "0"))
            row["mmrSysUpdatedTime"] = row.pop("mmrSysUpdateTime", "")
        if changed:
            await session.socket.send_json(
                {
                    "id": f"sim-{self.world.now_ms()}",
                    "topic": "position",
                    "creationTime": self.world.now_ms(),
                    "data": changed,
                }
            )
