"""OKX v5: instruments, account config (`perm`), balance, positions with `adl` (0–5),
positions history where ADL closes are `type` 5 (partly) and 6 (fully), and the private
websocket's `positions` channel (`login` op, then `subscribe`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from adl_monitor.core.model.position import MarginMode
from adl_monitor.sim.demo import KeyPower
from adl_monitor.sim.faults import VenueReplies
from adl_monitor.sim.instruments import BY_BASE, INSTRUMENTS
from adl_monitor.sim.venues.base import Dialect, VenueError, num
from adl_monitor.sim.venues.signing import KeyTable, hmac_base64, same, wall_ms
from adl_monitor.sim.venues.stream import StreamSession, serve_stream
from adl_monitor.sim.world import DemoView

PERMS = {
    KeyPower.READ_ONLY: "read_only",
    KeyPower.TRADE: "read_only,trade",
    KeyPower.WITHDRAW: "read_only,withdraw,trade",
}
TIMESTAMP_WINDOW_MS = 30_000
CONN_ID = "5a1b2c3d"
DEMO_UID = "700000000000001"
POSITION_INST_TYPES = ("MARGIN", "SWAP", "FUTURES", "OPTION", "ANY")
LOGIN_FIELDS = ("apiKey", "passphrase", "timestamp", "sign")


class Okx(Dialect):
    exchange = "okx"
    replies = VenueReplies(
        auth_error=(401, {"msg": "Invalid OK-ACCESS-KEY", "code": "50111"}),
        rate_limited=(429, {"msg": "Too Many Requests", "code": "50011"}),
    )

    def __init__(self, world: Any, keys: KeyTable | None = None) -> None:
        super().__init__(world, keys)
        self.routes = {
            ("GET", "/api/v5/public/time"): self.time,
            ("GET", "/api/v5/public/instruments"): self.instruments,
            ("GET", "/api/v5/public/mark-price"): self.mark_price,
            ("GET", "/api/v5/account/config"): self.config,
            ("GET", "/api/v5/account/balance"): self.balance,
            ("GET", "/api/v5/account/positions"): self.positions,
            ("GET", "/api/v5/account/positions-history"): self.positions_history,
            ("GET", "/ws/v5/private"): self.websocket,
        }

    # --- envelope, auth ----------------------------------------------------------------------

    @staticmethod
    def ok(data: list[Any]) -> web.Response:
        return web.json_response({"code": "0", "data": data, "msg": ""})

    @staticmethod
    def fail(status: int, code: str, message: str) -> VenueError:
        return VenueError(status, {"msg": message, "code": code})

    def not_found(self, request: web.Request, path: str) -> web.StreamResponse:
        return web.json_response({"msg": "Not Found", "code": "404"}, status=404)

    async def authenticate(self, request: web.Request, path: str) -> KeyPower:
        """Base64 HMAC-SHA256 of timestamp + method + request path (+ query) + body."""
        headers = request.headers
        api_key = headers.get("OK-ACCESS-KEY")
        if not api_key:
            raise self.fail(401, "50103", 'Request header "OK-ACCESS-KEY" can not be empty.')
        power = self.keys.power(api_key)
        if power is None:
            raise self.fail(401, "50111", "Invalid OK-ACCESS-KEY")
        passphrase = headers.get("OK-ACCESS-PASSPHRASE")
        if not passphrase:
            raise self.fail(401, "50104", 'Request header "OK-ACCESS-PASSPHRASE" can not be empty.')
        if not same(passphrase, self.keys.passphrase(api_key)):
            raise self.fail(401, "50105", "OK-ACCESS-PASSPHRASE incorrect.")
        timestamp = headers.get("OK-ACCESS-TIMESTAMP", "")
        try:
            sent = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
        except ValueError:
            raise self.fail(401, "50112", "Invalid OK-ACCESS-TIMESTAMP") from None
        if abs(wall_ms() - sent.astimezone(UTC).timestamp() * 1000) > TIMESTAMP_WINDOW_MS:
            raise self.fail(401, "50102", "Timestamp request expired")
        query = request.rel_url.raw_query_string
        target = path + (f"?{query}" if query else "")
        body = await request.text() if request.method == "POST" else ""
        secret = self.keys.secret(api_key)
        expected = hmac_base64(f"{timestamp}{request.method}{target}{body}", secret)
        if not same(headers.get("OK-ACCESS-SIGN", ""), expected):
            raise self.fail(401, "50113", "Invalid Sign")
        return power

    def inst_type(self, request: web.Request, required: bool) -> str | None:
        value = request.query.get("instType")
        if value is None:
            if required:
                raise self.fail(400, "50014", "Parameter instType can not be empty.")
            return None
        if value not in ("SPOT", "MARGIN", "SWAP", "FUTURES", "OPTION", "ANY"):
            raise self.fail(400, "51000", "Parameter instType error")
        return value

    # --- public ------------------------------------------------------------------------------

    async def time(self, request: web.Request) -> web.Response:
        return self.ok([{"ts": str(self.world.now_ms())}])

    async def instruments(self, request: web.Request) -> web.Response:
        inst_type = self.inst_type(request, required=True)
        if inst_type != "SWAP":
            return self.ok([])
        rows = []
        for inst in INSTRUMENTS:
            uly = f"{inst.base}-USDT"
            rows.append(
                {
                    "alias": "",
                    "baseCcy": "",
                    "category": "1",
                    "ctMult": "1",
                    "ctType": "linear",
                    "ctVal": num(inst.okx_ct_val),
                    "ctValCcy": inst.base,
                    "expTime": "",
                    "instFamily": uly,
                    "instId": inst.venue_id(self.exchange),
                    "instType": "SWAP",
                    "lever": str(inst.max_leverage),
                    "listTime": "1611916828000",
                    "lotSz": "0.01",
                    "maxIcebergSz": "100000000",
                    "maxLmtAmt": "20000000",
                    "maxLmtSz": "100000000",
                    "maxMktAmt": "",
                    "maxMktSz": "12000",
                    "maxStopSz": "12000",
                    "maxTriggerSz": "100000000",
                    "maxTwapSz": "100000000",
                    "minSz": "0.01",
                    "optType": "",
                    "quoteCcy": "",
                    "ruleType": "normal",
                    "settleCcy": "USDT",
                    "state": "live",
                    "stk": "",
                    "tickSz": num(inst.tick),
                    "uly": uly,
                    "instIdCode": 10_000 + INSTRUMENTS.index(inst),
                }
            )
        return self.ok(rows)

    async def mark_price(self, request: web.Request) -> web.Response:
        self.inst_type(request, required=True)
        marks = self.world.marks()
        return self.ok(
            [
                {
                    "instId": inst.venue_id(self.exchange),
                    "instType": "SWAP",
                    "markPx": num(marks[inst.base]),
                    "ts": str(self.world.now_ms()),
                }
                for inst in INSTRUMENTS
            ]
        )

    # --- private -----------------------------------------------------------------------------

    async def config(self, request: web.Request) -> web.Response:
        power = await self.authenticate(request, "/api/v5/account/config")
        return self.ok(
            [
                {
                    "acctLv": "2",
                    "acctStpMode": "cancel_maker",
                    "autoLoan": False,
                    "ctIsoMode": "automatic",
                    "enableSpotBorrow": False,
                    "greeksType": "PA",
                    "feeType": "0",
                    "ip": "",
                    "type": "0",
                    "kycLv": "2",
                    "label": "adl-monitor demo",
                    "level": "Lv1",
                    "levelTmp": "",
                    "liquidationGear": "-1",
                    "mainUid": DEMO_UID,
                    "mgnIsoMode": "automatic",
                    "opAuth": "0",
                    "perm": PERMS[power],
                    "posMode": "net_mode",
                    "roleType": "0",
                    "spotBorrowAutoRepay": False,
                    "spotOffsetType": "",
                    "spotRoleType": "0",
                    "spotTraderInsts": [],
                    "traderInsts": [],
                    "uid": DEMO_UID,
                    "settleCcy": "USDT",
                    "settleCcyList": ["USD", "USDC", "USDG"],
                }
            ]
        )

    def views(self) -> list[DemoView]:
        return self.world.demo_views(self.exchange)

    async def balance(self, request: web.Request) -> web.Response:
        await self.authenticate(request, "/api/v5/account/balance")
        account = self.world.demo_account(self.exchange)
        views = self.views()
        upnl = sum(v.position.upnl(v.mark) for v in views)
        im = sum(v.position.initial_margin(v.mark) for v in views)
        mm = sum(v.position.mmr * v.position.size * v.mark for v in views)
        isolated = [v for v in views if v.position.margin_mode is MarginMode.ISOLATED]
        iso_upl = sum(v.position.upnl(v.mark) for v in isolated)
        iso_eq = sum(v.position.collateral for v in isolated) + iso_upl
        equity = account.wallet + upnl
        now = str(self.world.now_ms())
        detail = {
            "availBal": num(max(0.0, equity - im)),
            "availEq": num(max(0.0, equity - im)),
            "borrowFroz": "",
            "cashBal": num(account.wallet),
            "ccy": "USDT",
            "crossLiab": "",
            "disEq": num(equity),
            "eq": num(equity),
            "eqUsd": num(equity),
            "fixedBal": "0",
            "frozenBal": num(im),
            "imr": num(im),
            "interest": "",
            "isoEq": num(iso_eq),
            "isoLiab": "",
            "isoUpl": num(iso_upl),
            "liab": "",
            "maxLoan": "",
            "mgnRatio": "",
            "mmr": num(mm),
            "notionalLever": "",
            "ordFrozen": "0",
            "spotInUseAmt": "",
            "stgyEq": "0",
            "twap": "0",
            "uTime": now,
            "upl": num(upnl),
            "uplLiab": "",
        }
        return self.ok(
            [
                {
                    "adjEq": num(equity),
                    "borrowFroz": "",
                    "details": [detail],
                    "imr": num(im),
                    "isoEq": num(iso_eq),
                    "mgnRatio": num(equity / mm if mm else 0.0),
                    "mmr": num(mm),
                    "notionalUsd": num(sum(v.position.size * v.mark for v in views)),
                    "ordFroz": "",
                    "totalEq": num(equity),
                    "uTime": now,
                    "upl": num(upnl),
                }
            ]
        )

    def position_row(self, view: DemoView) -> dict[str, Any]:
        held = view.position
        inst = BY_BASE[held.base]
        world = self.world
        mark = view.mark
        isolated = held.margin_mode is MarginMode.ISOLATED
        contracts = held.size / inst.okx_ct_val
        upnl = held.upnl(mark)
        im = held.initial_margin(mark)
        mm = held.mmr * held.size * mark
        return {
            "adl": str(view.reported),
            "availPos": num(contracts) if isolated else "",
            "avgPx": num(held.entry),
            "baseBal": "",
            "baseBorrowed": "",
            "baseInterest": "",
            "bePx": num(held.entry),
            "bizRefId": "",
            "bizRefType": "",
            "cTime": str(world.to_ms(held.opened_at)),
            "ccy": "USDT",
            "clSpotInUseAmt": "",
            "closeOrderAlgo": [],
            "deltaBS": "",
            "deltaPA": "",
            "fee": "0",
            "fundingFee": "0",
            "gammaBS": "",
            "gammaPA": "",
            "hedgedPos": "",
            "idxPx": num(mark),
            "imr": "" if isolated else num(im),
            "instId": inst.venue_id(self.exchange),
            "instType": "SWAP",
            "interest": "",
            "last": num(mark),
            "lever": num(held.leverage),
            "liab": "",
            "liabCcy": "",
            "liqPenalty": "0",
            "liqPx": num(inst.round_price(held.liq)) if held.liq > 0 else "",
            "margin": num(im) if isolated else "",
            "markPx": num(mark),
            "maxSpotInUseAmt": "",
            "mgnMode": held.margin_mode.value,
            "mgnRatio": num((held.collateral + upnl) / mm if mm else 0.0),
            "mmr": num(mm),
            "notionalUsd": num(held.size * mark),
            "optVal": "",
            "pendingCloseOrdLiabVal": "",
            "pnl": "0",
            "pos": num(contracts * held.side.sign),
            "posCcy": "",
            "posId": str(1_700_000_000_000_000_000 + held.pid),
            "posSide": "net",
            "quoteBal": "",
            "quoteBorrowed": "",
            "quoteInterest": "",
            "realizedPnl": "0",
            "spotInUseAmt": "",
            "spotInUseCcy": "",
            "thetaBS": "",
            "thetaPA": "",
            "tradeId": str(100_000 + held.pid),
            "uTime": str(world.to_ms(max(0.0, held.updated_at))),
            "upl": num(upnl),
            "uplLastPx": num(upnl),
            "uplRatio": num(upnl / im if im else 0.0),
            "uplRatioLastPx": num(upnl / im if im else 0.0),
            "usdPx": "",
            "vegaBS": "",
            "vegaPA": "",
            "nonSettleAvgPx": "",
            "settledPnl": "",
        }

    async def positions(self, request: web.Request) -> web.Response:
        await self.authenticate(request, "/api/v5/account/positions")
        inst_type = self.inst_type(request, required=False)
        wanted = request.query.get("instId")
        ids = set(wanted.split(",")) if wanted else None
        rows = []
        if inst_type in (None, "SWAP", "ANY"):
            for view in self.views():
                row = self.position_row(view)
                if ids is None or row["instId"] in ids:
                    rows.append(row)
        return self.ok(rows)

    async def positions_history(self, request: web.Request) -> web.Response:
        """Closed and partly closed positions; ADL closes are type 5 (partial) and 6 (full)."""
        await self.authenticate(request, "/api/v5/account/positions-history")
        inst_type = self.inst_type(request, required=False)
        wanted_type = request.query.get("type")
        world = self.world
        rows = []
        if inst_type in (None, "SWAP"):
            for event in reversed(world.books[self.exchange].adl_events):
                kind = "6" if event.full else "5"
                if wanted_type not in (None, kind):
                    continue
                inst = BY_BASE[event.base]
                rows.append(
                    {
                        "cTime": str(world.to_ms(-3600.0)),
                        "ccy": "USDT",
                        "closeAvgPx": num(event.price),
                        "closeTotalPos": num(event.qty / inst.okx_ct_val),
                        "direction": event.side.value,
                        "fee": "0",
                        "fundingFee": "0",
                        "instId": inst.venue_id(self.exchange),
                        "instType": "SWAP",
                        "lever": num(event.leverage),
                        "liqPenalty": "0",
                        "mgnMode": event.margin_mode,
                        "openAvgPx": num(event.entry),
                        "openMaxPos": num(event.qty / inst.okx_ct_val),
                        "pnl": num(event.realized_pnl),
                        "pnlRatio": "0",
                        "posId": str(1_700_000_000_000_000_000 + event.pid),
                        "posSide": "net",
                        "realizedPnl": num(event.realized_pnl),
                        "triggerPx": "",
                        "type": kind,
                        "uTime": str(world.to_ms(event.at)),
                        "uly": f"{event.base}-USDT",
                        "nonSettleAvgPx": "",
                        "settledPnl": "",
                    }
                )
        return self.ok(rows)

    # --- websocket ---------------------------------------------------------------------------

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        return await serve_stream(
            request, self._on_ws_text, self._push, silent=lambda: self.streams_silent
        )

    async def _on_ws_text(self, session: StreamSession, text: str) -> None:
        """OKX's text protocol: "ping" → "pong"; JSON `login` and `subscribe` ops; errors as
        `{"event": "error", "code": "600xx", "msg": ...}`."""
        if text == "ping":
            await session.socket.send_str("pong")
            return
        try:
            message = json.loads(text)
        except ValueError:
            message = None
        if not isinstance(message, dict) or not isinstance(message.get("args"), list):
            await self._ws_error(session, "60012", f"Illegal request: {text}")
            return
        op = message.get("op")
        if op == "login":
            await self._login(session, message["args"], text)
        elif op == "subscribe":
            await self._subscribe(session, message, text)
        else:
            await self._ws_error(session, "60019", f"Invalid op: op:{op}")

    async def _ws_error(self, session: StreamSession, code: str, msg: str) -> None:
        reply = {"event": "error", "code": code, "msg": msg, "connId": CONN_ID}
        await session.socket.send_json(reply)

    def _login_error(self, args: list[Any], text: str) -> tuple[str, str] | None:
        """Check a `login` as OKX does: base64 HMAC-SHA256 of timestamp + "GET" +
        "/users/self/verify", a timestamp in seconds within 30 s, key and passphrase."""
        if len(args) != 1 or not isinstance(args[0], dict):
            return "60012", f"Illegal request: {text}"
        login = args[0]
        missing = [name for name in LOGIN_FIELDS if not str(login.get(name) or "")]
        if missing:
            return "60027", f"Parameter {missing[0]} can not be empty."
        if self.keys.power(str(login["apiKey"])) is None:
            return "60005", "Invalid OK-ACCESS-KEY"
        timestamp = str(login["timestamp"])
        try:
            seconds = float(timestamp)
        except ValueError:
            return "60004", "Invalid timestamp"
        if abs(wall_ms() - seconds * 1000) > TIMESTAMP_WINDOW_MS:
            return "60006", "Timestamp request expired"
        api_key = str(login["apiKey"])
        if not same(str(login["passphrase"]), self.keys.passphrase(api_key)):
            return "60024", "Wrong passphrase"
        expected = hmac_base64(f"{timestamp}GET/users/self/verify", self.keys.secret(api_key))
        if not same(str(login["sign"]), expected):
            return "60007", "Invalid sign"
        return None

    async def _login(self, session: StreamSession, args: list[Any], text: str) -> None:
        error = self._login_error(args, text)
        if error is not None:
            session.authenticated = False
            await self._ws_error(session, *error)
            return
        session.authenticated = True
        await session.socket.send_json(
            {"event": "login", "code": "0", "msg": "", "connId": CONN_ID}
        )

    async def _subscribe(self, session: StreamSession, message: dict[str, Any], text: str) -> None:
        """Acknowledge each argument, then push the channel's snapshot, as OKX does."""
        for arg in message["args"]:
            if not isinstance(arg, dict) or not arg.get("channel"):
                await self._ws_error(session, "60012", f"Illegal request: {text}")
                continue
            channel = str(arg["channel"])
            if channel != "positions":
                await self._ws_error(
                    session, "60018", f"Wrong URL or channel:{channel} doesn't exist."
                )
                continue
            if not session.authenticated:
                await self._ws_error(session, "60011", "Please log in")
                continue
            if arg.get("instType") not in POSITION_INST_TYPES:
                await self._ws_error(session, "60013", f"Invalid args: {json.dumps(arg)}")
                continue
            ack: dict[str, Any] = {"event": "subscribe", "arg": arg, "connId": CONN_ID}
            if "id" in message:
                ack["id"] = message["id"]
            await session.socket.send_json(ack)
            session.channels.add(channel)
            session.arguments[channel] = arg
            session.sent.clear()
            await self._push(session, snapshot=True)

    async def _push(self, session: StreamSession, snapshot: bool = False) -> None:
        """Push the `positions` channel when a demo position's size, mode or `adl` changes;
        a closed position is pushed once more with `pos` "0"."""
        arg = session.arguments.get("positions")
        if arg is None:
            return
        rows = []
        if arg.get("instType") in ("SWAP", "ANY"):
            rows = [self.position_row(v) for v in self.views()]
            if arg.get("instId"):
                rows = [row for row in rows if row["instId"] == arg["instId"]]
        changed, closed = session.changed_rows(
            rows,
            key=lambda row: str(row["instId"]),
            fingerprint=lambda row: (row["mgnMode"], row["pos"], row["adl"]),
        )
        now = str(self.world.now_ms())
        for inst_id, last in closed.items():
            margin_mode = last[0] if isinstance(last, tuple) else "cross"
            changed.append(self.closed_row(inst_id, str(margin_mode)))
        if not changed and not snapshot:
            return
        for row in changed:
            row["pTime"] = now
        await session.socket.send_json({"arg": {**arg, "uid": DEMO_UID}, "data": changed})

    def closed_row(self, inst_id: str, margin_mode: str) -> dict[str, Any]:
        """What OKX pushes for a position that just closed (e.g. fully deleveraged)."""
        return {
            "instId": inst_id,
            "instType": "SWAP",
            "mgnMode": margin_mode,
            "pos": "0",
            "posSide": "net",
            "adl": "",
            "avgPx": "",
            "ccy": "USDT",
            "uTime": str(self.world.now_ms()),
        }
