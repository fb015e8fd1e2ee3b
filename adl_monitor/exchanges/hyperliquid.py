"""Hyperliquid: positions are public by wallet address, so there is no key to check.

What differs here: one `POST /info {"type": "clearinghouseState"}` returns the positions and the
margin summary together (ccxt's fetch_positions and fetch_balance would each make it; its
positions are mapped by `hyperliquid_positions`, not ccxt's slower parser), and the venue
publishes no ADL indicator — the local estimate is the only tier. Its prior rests on the venue's
public market data (`core.estimate.public_prior`): for each symbol held, hourly candles
(`exchanges/public_candles`, read by the base connector) and, in one call for all, funding, open
interest, daily volume and maximum leverage (`fetch_funding_rates`), re-read every
`MARKET_INTERVAL` — the figures at once when the market moved (`MOVE_TRIGGER`); a failed read
keeps the last figures (or none: the estimate then says its prior is the reference book). When
the venue's ADL reached one of the wallet's positions and left part of it open, the score it had
is passed with the market's figures (`MarketContext.adl_front`): the queue's front since, which
the prior rests on. ADL closes are marked in the user's fills (`dir` "Auto-Deleveraging"), asked
only when a position closed or shrank (docs/adl-evidence.md). Every wallet's positions being
public, the connector also reads, every `WALLETS_INTERVAL`, some of the wallets seen in the held
coins' public trades (`hyperliquid_wallets`): the estimate's prior takes from their positions
how much account stands behind one (`core.estimate.wallet_sample`), and from the fills of those
the venue deleveraged how deep its ADL reached (`hyperliquid_adl_reach`). That batch (some 25
requests one after another) runs beside the refresh, not in it (`background_read`): the refresh
that finds it due starts it and returns with the last sample, a later one shows the new (only
the first refresh waits for its batch: a one-shot `snapshot` has no later one); `close()`
cancels it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any

from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.account_reading import AccountReading, CloseCause, CloseEvidence
from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.core.model.market_context import MarketContext
from adl_monitor.core.model.position import Position, QueueKey
from adl_monitor.core.ranking.formulas import score_position
from adl_monitor.core.security.key_verdict import KeyCheck, KeyVerdict
from adl_monitor.exchanges.background_read import BackgroundRead
from adl_monitor.exchanges.base import UnifiedPosition, VenueConnector
from adl_monitor.exchanges.closes import HistoryRecord, SeenRecords, match_records
from adl_monitor.exchanges.hyperliquid_adl_reach import ADL_DIR, REACH_HOURS
from adl_monitor.exchanges.hyperliquid_positions import CoinSymbols, unified_position
from adl_monitor.exchanges.hyperliquid_wallets import WALLETS_INTERVAL, Sampled, WalletSample
from adl_monitor.exchanges.reply_shape import ReplyShape
from adl_monitor.exchanges.slow_read import SlowRead
from adl_monitor.exchanges.values import as_dict, as_list, number, to_float

SETTLE = "USDC"


def fill_closes(fill: Mapping[str, Any]) -> tuple[str, CloseCause] | None:
    """The position side a fill closed and who closed it, from its `dir`; None for an opening
    fill. An ADL fill names no side: its `startPosition` (signed size before it) does.

    `dir` values: "Open Long", "Close Long", "Long > Short" (a flip closes the long),
    "Liquidated Cross Long", "Auto-Deleveraging", and the Short counterparts.
    """
    direction = str(fill.get("dir", ""))
    if direction == ADL_DIR:
        start = to_float(fill.get("startPosition"))
        if not start:
            return None
        return ("long" if start > 0 else "short"), CloseCause.ADL
    if direction.startswith("Close ") or direction.startswith("Liquidated "):
        side = direction.rsplit(" ", 1)[-1].lower()
    elif " > " in direction:
        side = direction.split(" > ", 1)[0].lower()
    else:
        return None
    return (side, CloseCause.OWN) if side in ("long", "short") else None


def _coins_of(positions: list[dict[str, Any]]) -> dict[str, str]:
    """Symbol → Hyperliquid coin name of each position held (its `clearinghouseState` entry)."""
    return {
        p["symbol"]: coin
        for p in positions
        if isinstance(p.get("symbol"), str)
        and isinstance(coin := as_dict(as_dict(p.get("info")).get("position")).get("coin"), str)
    }


MARKET_INTERVAL = 300.0
"""Seconds between reads of the public market data: candles and open interest move slowly."""
MOVE_TRIGGER = 0.005
"""A held mark this far (a fraction) from the one the market figures were read with reads
them again at once: one request (`metaAndAssetCtxs`) per refresh while the market runs, none
more in a quiet one."""
ADL_FRONT_HOURS = REACH_HOURS
"""How long a position ADL reached is taken to stand at its queue's front: the queue fills
again behind and ahead of it as traders open new positions — as long as other wallets' ADL
closes count (`hyperliquid_adl_reach`)."""


class HyperliquidConnector(VenueConnector):
    exchange_id = "hyperliquid"
    market_types = ("swap",)
    candle_interval = MARKET_INTERVAL
    # HTTP 422: the venue could not read the wallet address (a typo, a wrong length).
    reply_shape = ReplyShape(status_failures={422: FailureKind.WALLET_REJECTED})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen = SeenRecords()  # fills already matched, and when we started
        self._figures_of: SlowRead[MarketContext] = SlowRead("public market data", MARKET_INTERVAL)
        self._last: AccountReading | None = None  # scored only where ADL reaches it
        self._fronts: dict[QueueKey, tuple[float, float]] = {}  # ADL hit: (when, score before)
        self._coins = CoinSymbols()
        self._wallets: BackgroundRead[Sampled] = BackgroundRead(
            "other wallets' public positions", WALLETS_INTERVAL
        )
        self._sample = WalletSample(self.spec.wallet_address)

    async def close(self) -> None:
        """The wallet batch running now, if any, is cancelled before the client it reads with
        is closed."""
        await self._wallets.close()
        await super().close()

    def _configure(self, client: Any) -> None:
        if not self.spec.wallet_address:
            raise VenueFailure(FailureKind.CONFIG, "no wallet address configured")
        client.walletAddress = self.spec.wallet_address

    async def _read_account(self) -> tuple[list[UnifiedPosition], dict[str, AccountFigures]]:
        state = as_dict(
            await self.client.publicPostInfo(
                {"type": "clearinghouseState", "user": self.spec.wallet_address}
            )
        )
        if "marginSummary" not in state and "assetPositions" not in state:
            raise VenueFailure(FailureKind.BAD_REPLY, "clearinghouseState without positions")
        entries = as_list(state.get("assetPositions"))
        symbol_of = partial(self._coins.symbol, self.client)
        positions = [unified_position(entry, symbol_of) for entry in entries]
        summary = as_dict(state.get("marginSummary"))
        equity = number(summary, "accountValue")
        pnl = sum(to_float(p.get("unrealizedPnl")) or 0.0 for p in positions)
        figures = {
            SETTLE: AccountFigures(
                currency=SETTLE,
                wallet_balance=None if equity is None else equity - pnl,
                equity=equity,
                maintenance_margin=number(state, "crossMaintenanceMarginUsed"),
                initial_margin=number(summary, "totalMarginUsed"),
            )
        }
        await self._refresh_markets_data(positions)
        return positions, figures

    async def _adl_closes(self, reduced: set[QueueKey]) -> dict[QueueKey, CloseEvidence]:
        """The wallet's fills since start: an ADL fill is the venue's ADL; a closing fill of
        the user's own (or their liquidation) explains a close otherwise."""
        fills = await self.client.publicPostInfo(
            {
                "type": "userFillsByTime",
                "user": self.spec.wallet_address,
                "startTime": self._seen.since_ms,
            }
        )
        return match_records(map(self._record, as_list(fills)), reduced, self._seen)

    def _record(self, entry: object) -> HistoryRecord | None:
        fill = as_dict(entry)
        closes = fill_closes(fill)
        if closes is None:
            return None
        side, cause = closes
        return HistoryRecord(
            record=fill.get("tid"),
            symbol=self._symbol_for(self.client.coin_to_market_id(fill.get("coin"))),
            side=side,
            evidence=CloseEvidence(cause, f"Hyperliquid userFills (dir {fill.get('dir')})"),
        )

    async def _refresh_markets_data(self, positions: list[dict[str, Any]]) -> None:
        """Public data only sharpens the prior: a failed read never fails the account's read,
        and is tried again after `MARKET_INTERVAL`, not on every refresh. The market figures
        (one request for all symbols) are read again early once a held mark moved by
        `MOVE_TRIGGER`: a sharp move is when liquidations and ADL close open interest. The
        wallet batch is only started here: it runs on while the reading goes out."""
        symbols = sorted({p["symbol"] for p in positions if isinstance(p.get("symbol"), str)})
        describe = self._describe
        moved = self._moved(positions)
        await self._figures_of.refresh(
            self.spec.name,
            symbols,
            lambda: self._read_market_figures(symbols),
            describe,
            force=moved,
        )
        await self._wallets.refresh(
            self.spec.name,
            symbols,
            lambda: self._sample.read(self.client, _coins_of(positions)),
            describe,
        )

    def _describe(self, error: BaseException) -> str:
        return str(self._failure(error))

    def _moved(self, positions: list[dict[str, Any]]) -> bool:
        """Whether a held mark moved by `MOVE_TRIGGER` since the market figures were read."""
        for position in positions:
            known = self._figures_of.values.get(str(position.get("symbol")))
            mark = to_float(position.get("markPrice"))
            if known and mark and known.mark > 0 and abs(mark / known.mark - 1) >= MOVE_TRIGGER:
                return True
        return False

    async def _read_market_figures(self, symbols: list[str]) -> dict[str, MarketContext]:
        """Funding, open interest, daily volume, maximum leverage and mark of every symbol,
        from one `metaAndAssetCtxs` request (ccxt's fetch_funding_rates); candles come apart."""
        rates = as_dict(await self.client.fetch_funding_rates(symbols))
        figures = {}
        for symbol in symbols:
            rate = as_dict(rates.get(symbol))
            info = as_dict(rate.get("info"))
            mark = to_float(rate.get("markPrice"))
            if not rate or not mark:
                continue
            figures[symbol] = MarketContext(
                symbol=symbol,
                mark=mark,
                candles=(),
                open_interest=number(info, "openInterest"),
                day_volume=number(info, "dayBaseVlm"),
                funding_rate=to_float(rate.get("fundingRate")),
                max_leverage=number(info, "maxLeverage"),
            )
        return figures

    def _market_contexts(self, positions: list[Position]) -> dict[str, MarketContext]:
        """The market figures with their candles (a symbol without both has no context), where
        ADL reached the wallet's own positions (`MarketContext.adl_front`), how deep it reached
        other wallets' (`MarketContext.adl_reach`), and the other wallets' positions read
        (`MarketContext.wallets`)."""
        candles = self._candles.values
        return {
            symbol: replace(
                figures,
                candles=candles[symbol],
                adl_front=tuple(
                    (side, score)
                    for (held, side), (_, score) in self._fronts.items()
                    if held == symbol
                ),
                adl_reach=sample.adl_reach,
                wallets=sample.positions,
                wallets_read=sample.wallets_read,
            )
            for symbol, figures in self._figures_of.values.items()
            if symbol in candles
            for sample in (self._wallets.values.get(symbol, Sampled()),)
        }

    async def _judge_closes(self, previous: Mapping[QueueKey, UnifiedPosition]) -> None:
        """A position ADL reduced but did not close stands, since, at the front of what is
        left of its queue: everyone who scored above it was closed first. Its score before
        the fill (the last reading's) is that front, for `ADL_FRONT_HOURS`."""
        await super()._judge_closes(previous)
        now = time.monotonic()
        for key in self._closes.adl_hits:
            score = self._profitable_score(self._last, key)
            if score is not None:
                self._fronts[key] = (now, score)

    def _profitable_score(self, reading: AccountReading | None, key: QueueKey) -> float | None:
        """The score of `reading`'s position in queue `key`, if it holds one in profit (only
        those are in Hyperliquid's queue). Asked only of the few positions ADL reached, not of
        every position on every refresh: the snapshot scores those already."""
        if reading is None:
            return None
        for position in reading.positions:
            if position.queue_key == key and position.contracts > 0:
                figures = reading.figures.get(position.settle)
                score = score_position(self.exchange_id, position, figures)
                return score.value if score.profitable else None
        return None

    def _remember(self, reading: AccountReading) -> None:
        """Keep `reading` for the next ADL fill, and the queue fronts still standing: of a
        position still held in profit, for `ADL_FRONT_HOURS`."""
        self._last = reading
        if not self._fronts:
            return
        now = time.monotonic()
        self._fronts = {
            key: front
            for key, front in self._fronts.items()
            if now - front[0] <= ADL_FRONT_HOURS * 3600
            and self._profitable_score(reading, key) is not None
        }

    def _reading(self, fetched_at: datetime) -> AccountReading:
        reading = super()._reading(fetched_at)
        self._remember(reading)
        return reading

    async def check_key(self) -> KeyCheck:
        return KeyCheck(KeyVerdict.NOT_NEEDED, (), "no key: positions are read by wallet address")
