"""The part of reading an exchange account that is the same on every venue.

A venue module subclasses `VenueConnector` and overrides only what differs there: which ccxt
class, which market types, where the ADL indicator sits, which call returns the balances, and how
to read the key's permissions. Everything else — building and redirecting the ccxt client, the
on-disk market cache, error classification, the ADL cadence, merging websocket updates — is here.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from collections.abc import Awaitable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from adl_monitor.core import venues
from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.account_reading import AccountReading, CloseEvidence
from adl_monitor.core.model.account_spec import AccountSpec, Credentials
from adl_monitor.core.model.adl_indicator import AdlIndicator
from adl_monitor.core.model.failure import FailureKind, VenueFailure
from adl_monitor.core.model.market_context import Candle, MarketContext
from adl_monitor.core.model.position import Position, QueueKey
from adl_monitor.core.model.venue_risk import VenueRisk
from adl_monitor.core.ranking.scales import map_indicator
from adl_monitor.core.security.key_verdict import KeyCheck
from adl_monitor.exchanges import market_cache
from adl_monitor.exchanges.closes import ClosesVerdict, judge_closes
from adl_monitor.exchanges.errors import to_failure
from adl_monitor.exchanges.guarded_session import install_guarded_session
from adl_monitor.exchanges.position_builder import (
    MarketFacts,
    build_position,
    has_unreadable_size,
    is_open,
    market_facts,
    open_position_key,
    position_key,
)
from adl_monitor.exchanges.public_candles import read_candles
from adl_monitor.exchanges.reply_shape import NO_ENVELOPE, ReplyShape
from adl_monitor.exchanges.response_guard import install_response_guard
from adl_monitor.exchanges.slow_read import SlowRead
from adl_monitor.exchanges.urls import redirect_urls
from adl_monitor.exchanges.values import to_float

log = logging.getLogger(__name__)

T = TypeVar("T")

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
UnifiedPosition = dict[str, Any]


def utc_now() -> datetime:
    return datetime.now(UTC)


def reduced_positions(
    before: Mapping[QueueKey, UnifiedPosition], after: Mapping[QueueKey, UnifiedPosition]
) -> set[QueueKey]:
    """Positions that were closed, or got smaller, between two reads."""
    reduced: set[QueueKey] = set()
    for key, old in before.items():
        new = after.get(key)
        if new is not None and new.get("contracts") == old.get("contracts"):
            continue  # the same size (most positions of most reads): not reduced
        old_size = abs(to_float(old.get("contracts")) or 0.0)
        new_size = abs(to_float(new.get("contracts")) or 0.0) if new is not None else 0.0
        if new_size < old_size:
            reduced.add(key)
    return reduced


def is_loopback(api_url: str | None) -> bool:
    return api_url is not None and urlsplit(api_url).hostname in LOOPBACK_HOSTS


class VenueConnector:
    """Reads one account at one venue through ccxt. One instance per account.

    All methods run on the engine's event loop. `fetch()` reads the ADL indicator with the
    positions, even from a venue that recomputes it less often (Binance: every 30 s): only a
    reader that looks often sees when it recomputed (core/estimate/recompute_clock.py).
    """

    exchange_id: ClassVar[str] = ""
    ccxt_id: ClassVar[str] = ""  # the ccxt class name when it differs from exchange_id
    market_types: ClassVar[tuple[str, ...] | None] = None  # options["fetchMarkets"]["types"]
    # The venue record's cadence (core/venues/table.py), set for each connector class by
    # `__init_subclass__`: seconds between reads, and between the venue's recomputes of its
    # indicator (how old a value just read may be).
    position_interval: float = venues.USUAL_CADENCE.positions
    adl_interval: float = venues.USUAL_CADENCE.indicator
    supports_watch: bool = False
    indicator_field: ClassVar[str | None] = None  # key in position["info"] holding the indicator
    adl_mark: ClassVar[str] = ""  # where `_is_adl_hit` finds the venue's mark, for the user
    request_timeout_ms: ClassVar[int] = 10_000
    reply_shape: ClassVar[ReplyShape] = NO_ENVELOPE  # the venue's success document
    # Seconds between reads of the venue-wide ADL risk (core/model/venue_risk.py); None: none
    # published.
    venue_risk_interval: ClassVar[float | None] = None
    # Seconds between reads of the held markets' public hourly candles, which the estimate's
    # prior rests on where the venue's tiers cannot place a queue (exchanges/public_candles.py);
    # None: not read (a venue whose tier is fresh at every refresh needs no prior between).
    candle_interval: ClassVar[float | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A class that names its venue reads at the cadence of the venue's record; a class
        naming a venue that has no record fails at import, not at the first read."""
        super().__init_subclass__(**kwargs)
        if not cls.exchange_id:
            return  # a shared base (BinanceConnector) names no venue
        venue = venues.find(cls.exchange_id)
        if venue is None:
            raise TypeError(
                f"{cls.__name__}: {cls.exchange_id!r} has no record in core/venues/table.py"
            )
        cls.position_interval = venue.cadence.positions
        cls.adl_interval = venue.cadence.indicator

    def __init__(
        self,
        spec: AccountSpec,
        credentials: Credentials | None,
        *,
        cache_dir: Path | None = None,
    ) -> None:
        self.spec = spec
        self._credentials = credentials
        self._cache_dir = cache_dir
        self._client: Any = None
        self._market_refresh: asyncio.Task[None] | None = None
        self._adl: dict[QueueKey, AdlIndicator] = {}
        self.streams_indicator = self.supports_watch and self._rows_carry_indicator()
        """Whether a stream update carries the position's ADL indicator; a stream that leaves
        it to a call of its own (Binance's adlQuantile, Bitget's) needs REST at the full
        cadence even while the stream delivers (engine/account_worker.py)."""
        self._venue_risk: SlowRead[VenueRisk] = SlowRead(
            "venue-wide ADL risk", self.venue_risk_interval or 0.0
        )
        self._candles: SlowRead[tuple[Candle, ...]] = SlowRead(
            "public candles", self.candle_interval or 0.0
        )
        self._positions: dict[QueueKey, UnifiedPosition] = {}
        self._figures: dict[str, AccountFigures] = {}
        self._hits: frozenset[QueueKey] = frozenset()
        self._facts: dict[str, MarketFacts] = {}
        self._facts_of: object = None  # the ccxt markets dict `_facts` was read from
        self._closes = ClosesVerdict()
        self._opening = asyncio.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(account={self.spec.name!r}, exchange={self.exchange_id!r})"

    # ----------------------------------------------------------------------------- lifecycle

    @property
    def client(self) -> Any:
        """The ccxt client (after `open()`): for tests and benchmarks, not for the engine."""
        if self._client is None:
            raise RuntimeError(f"{self!r} is not open")
        return self._client

    async def open(self) -> None:
        """Build the ccxt client and restore its markets; raises `VenueFailure`."""
        async with self._opening:  # fetch() and watch() may both be first
            if self._client is None:
                await self._open()

    async def _open(self) -> None:
        if self.spec.needs_key and self._credentials is None:
            raise VenueFailure(FailureKind.CONFIG, "no API key stored for this account")
        client = self._build_client()
        if self._lacks_passphrase(client):
            await client.close()
            raise VenueFailure(FailureKind.MISSING_PASSPHRASE, "no passphrase for this key")
        self._client = client
        try:
            await self._guarded(self._restore_markets())
        except BaseException:
            # Leave no half-open client behind: the next open() starts over.
            client, self._client = self._client, None
            with contextlib.suppress(Exception):
                await client.close()
            raise

    async def close(self) -> None:
        if self._market_refresh is not None:
            self._market_refresh.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._market_refresh
            self._market_refresh = None
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                await client.close()

    def _build_client(self) -> Any:
        # Imported here: `import ccxt` costs ≈0.45 s and must not run before the first paint.
        module = importlib.import_module(
            "ccxt.pro" if self.supports_watch else "ccxt.async_support"
        )
        client_class = getattr(module, self.ccxt_id or self.exchange_id)
        config: dict[str, Any] = {
            # The limiter stays on against real venues; on loopback it only slows tests.
            "enableRateLimit": not is_loopback(self.spec.api_url),
            "timeout": self.request_timeout_ms,
        }
        if self._credentials is not None:
            config["apiKey"] = self._credentials.api_key
            config["secret"] = self._credentials.secret
            if self._credentials.password:
                config["password"] = self._credentials.password
        client = client_class(config)
        # ccxt logs every request with its headers (API key, signature) at DEBUG level.
        logging.getLogger("ccxt").setLevel(max(logging.INFO, logging.getLogger("ccxt").level))
        if self.spec.api_url:
            client.urls["api"] = redirect_urls(client.urls["api"], self.spec.api_url)
        if self.market_types is not None:
            fetch_markets = client.options.get("fetchMarkets")
            fetch_markets = dict(fetch_markets) if isinstance(fetch_markets, dict) else {}
            fetch_markets["types"] = list(self.market_types)
            client.options["fetchMarkets"] = fetch_markets
        client.has["fetchCurrencies"] = False
        client.options["fetchCurrencies"] = False
        self._configure(client)
        install_response_guard(client, self.reply_shape, api_url_set=bool(self.spec.api_url))
        install_guarded_session(client)
        return client

    def _configure(self, client: Any) -> None:
        """Venue hook: extra client options (wallet address, default settle, …)."""

    def _lacks_passphrase(self, client: Any) -> bool:
        """Whether the venue's keys come with a passphrase (OKX, KuCoin, Bitget: ccxt's
        `requiredCredentials`) and none is stored: without one every signed request would be
        refused, and the venue's answer reads as "key or secret rejected"."""
        if self._credentials is None or self._credentials.password:
            return False
        return bool(client.requiredCredentials.get("password"))

    async def _restore_markets(self) -> None:
        client = self._client
        path = self._markets_file()
        cached = market_cache.load(path) if path is not None else None
        if cached is not None:
            client.set_markets(cached.markets)
            if cached.is_old():
                self._market_refresh = asyncio.create_task(self._refresh_markets())
            return
        await client.load_markets()
        self._save_markets()

    async def _refresh_markets(self) -> None:
        try:
            await self.client.load_markets(True)
        except Exception as error:  # the cached copy keeps working; try again next start
            log.warning("%s: market refresh failed: %s", self.spec.name, to_failure(error))
            return
        self._save_markets()

    def _markets_file(self) -> Path | None:
        if self._cache_dir is None:
            return None
        return market_cache.cache_file(self._cache_dir, self.exchange_id, self.spec.api_url)

    def _save_markets(self) -> None:
        path = self._markets_file()
        if path is None or not self._client.markets:
            return
        try:
            market_cache.save(path, self._client.markets)
        except (OSError, TypeError, ValueError) as error:
            log.warning("%s: could not cache markets: %s", self.spec.name, error)

    # ------------------------------------------------------------------------------ reading

    async def fetch(self) -> AccountReading:
        """Positions, their ADL readings and the account figures, by REST.

        `adl_hits` holds the positions the venue marks as being deleveraged now, and those the
        venue's history shows closed or reduced by ADL since the previous `fetch()` — each such
        event is reported once, in the reading that first sees it (the key may then name a
        position that is no longer open: its other leg may need the user's attention).
        """
        return await self._guarded(self._fetch())

    async def _fetch(self) -> AccountReading:
        await self.open()
        fetched_at = utc_now()
        positions, figures = await self._read_account()
        # Compared with the last known state, stream updates included: a close the stream
        # already reported is not judged twice.
        previous = dict(self._positions)
        self._positions = self._keyed(positions)
        self._figures = figures
        raw = await self._read_indicators(list(self._positions.values()))
        self._adl = self._map(raw, fetched_at)
        await self._refresh_venue_risk()
        await self._refresh_candles()
        self._hits = self._marked_hits()
        await self._judge_closes(previous)
        return self._reading(fetched_at)

    def _marked_hits(self) -> frozenset[QueueKey]:
        """The open positions the venue marks as being deleveraged now (none, on a venue
        that marks none: `_is_adl_hit` is not overridden)."""
        if not self._overrides("_is_adl_hit"):
            return frozenset()
        return frozenset(
            key for key, unified in self._positions.items() if self._is_adl_hit(unified)
        )

    async def _judge_closes(self, previous: Mapping[QueueKey, UnifiedPosition]) -> None:
        """Ask the venue's history about positions that closed or shrank since `previous` —
        only then, never on every refresh (docs/adl-evidence.md)."""
        reduced = reduced_positions(previous, self._positions)
        try:
            evidence = await self._adl_closes(reduced) if reduced else {}
        except BaseException:
            self._positions = dict(previous)  # unanswered: judge it again on the next read
            raise
        self._closes = judge_closes(reduced, self._positions.keys(), evidence)

    async def watch(self) -> AccountReading:
        """Wait for the next websocket position update and merge it into the last REST state.

        Only for `supports_watch` venues. The figures stay those of the last `fetch()`; the
        engine reconciles by REST periodically and after any failure here.
        """
        if not self.supports_watch:
            raise VenueFailure(FailureKind.CONFIG, f"{self.exchange_id} has no position stream")
        return await self._guarded(self._watch())

    async def _watch(self) -> AccountReading:
        await self.open()
        updates = [self._normalise(u) for u in await self.client.watch_positions()]
        fetched_at = utc_now()
        previous = dict(self._positions)
        raw_indicators: dict[QueueKey, object] = {}
        for update in updates:
            self._merge(update)
            key = position_key(update)
            value = self._indicator(update)
            if key is not None and value is not None and is_open(update):
                raw_indicators[key] = value
        self._adl.update(self._map(raw_indicators, fetched_at))
        self._hits = frozenset(
            key
            for update in updates
            if self._is_adl_hit(update) and (key := position_key(update)) is not None
        )
        await self._judge_closes(previous)
        return self._reading(fetched_at)

    def _merge(self, update: UnifiedPosition) -> None:
        """Fields the stream left empty keep their REST value (some streams omit mark price)."""
        key = position_key(update)
        if not is_open(update):
            symbol = update.get("symbol")
            gone = [k for k in self._positions if k == key or (key is None and k[0] == symbol)]
            for k in gone:
                self._positions.pop(k, None)
            return
        if key is None:
            return
        previous = self._positions.get(key, {})
        merged = dict(previous)
        merged.update({name: value for name, value in update.items() if value is not None})
        info = dict(previous.get("info") or {})
        info.update(update.get("info") or {})
        merged["info"] = info
        self._positions[key] = merged

    def _reading(self, fetched_at: datetime) -> AccountReading:
        built: list[Position] = []
        keys: set[QueueKey] = set()
        for key, unified in self._positions.items():
            symbol = unified.get("symbol")
            position = build_position(
                self.spec.name,
                self.exchange_id,
                unified,
                None,
                facts=self._market_facts(symbol) if isinstance(symbol, str) else None,
            )
            if position is not None:
                built.append(position)
                # The position's queue is its key, unless a stream update merged a side into
                # it that its key does not name (`_merge`).
                same = position.symbol == key.symbol and position.side == key.side
                keys.add(key if same else position.queue_key)
        held = {symbol for symbol, _side in keys}
        return AccountReading(
            fetched_at=fetched_at,
            positions=tuple(built),
            adl={key: reading for key, reading in self._adl.items() if key in keys},
            figures=dict(self._figures),
            adl_hits=self._hits | self._closes.adl_hits,
            adl_evidence={
                **{key: self.adl_mark for key in self._hits},
                **self._closes.adl_evidence,
            },
            unconfirmed_closes=self._closes.unconfirmed,
            venue_risk={s: risk for s, risk in self._venue_risk.values.items() if s in held},
            markets=self._market_contexts(built),
        )

    def _keyed(self, positions: list[UnifiedPosition]) -> dict[QueueKey, UnifiedPosition]:
        keyed: dict[QueueKey, UnifiedPosition] = {}
        for unified in map(self._normalise, positions):
            key = open_position_key(unified)
            if key is not None:
                keyed[key] = unified
            elif has_unreadable_size(unified):
                log.warning(
                    "%s: skipped a %s row whose size is not a number: %.40r",
                    self.spec.name,
                    unified.get("symbol"),
                    unified.get("contracts"),
                )
        return keyed

    async def _refresh_venue_risk(self) -> None:
        """The venue-wide ADL risk of the symbols held, at the venue's own slow cadence; a
        failed read keeps the last values (each with its own `updated_at`) and does not fail
        the account (exchanges/slow_read.py)."""
        if self.venue_risk_interval is None:
            return
        self._venue_risk.interval = self.venue_risk_interval
        symbols = {symbol for symbol, _side in self._positions}
        await self._venue_risk.refresh(
            self.spec.name,
            symbols,
            lambda: self._read_venue_risk(symbols, utc_now()),
            lambda error: str(self._failure(error)),
        )

    async def _refresh_candles(self) -> None:
        """The held markets' public hourly candles, every `candle_interval` seconds; a failed
        read keeps the last candles and does not fail the account (exchanges/slow_read.py)."""
        if self.candle_interval is None:
            return
        symbols = sorted({symbol for symbol, _side in self._positions})
        await self._candles.refresh(
            self.spec.name,
            symbols,
            lambda: read_candles(self.client, symbols),
            lambda error: str(self._failure(error)),
        )

    def _market_contexts(self, positions: list[Position]) -> dict[str, MarketContext]:
        """What each held market serves publicly (`MarketContext`): here its candles, at its
        position's mark; a venue that reads more figures says so by overriding this."""
        candles = self._candles.values
        return {
            p.symbol: MarketContext(symbol=p.symbol, mark=p.mark_price, candles=candles[p.symbol])
            for p in positions
            if p.symbol in candles
        }

    def _map(self, raw: Mapping[QueueKey, object], at: datetime) -> dict[QueueKey, AdlIndicator]:
        return {
            key: map_indicator(self.exchange_id, value, at, side=key[1])
            for key, value in raw.items()
        }

    def _market(self, symbol: object) -> Mapping[str, Any] | None:
        markets = self._client.markets or {}
        market = markets.get(symbol) if isinstance(symbol, str) else None
        return market if isinstance(market, Mapping) else None

    def _market_facts(self, symbol: str) -> MarketFacts:
        """The market's facts for `symbol`, read once per market while the client keeps the
        same markets (a market refresh replaces ccxt's dict, and so empties this cache)."""
        markets = self._client.markets or {}
        if markets is not self._facts_of:
            self._facts_of, self._facts = markets, {}
        facts = self._facts.get(symbol)
        if facts is None:
            facts = self._facts[symbol] = market_facts(symbol, self._market(symbol))
        return facts

    # ------------------------------------------------------------------------- venue hooks

    async def _read_account(self) -> tuple[list[UnifiedPosition], dict[str, AccountFigures]]:
        """Positions (ccxt unified) and figures, with as few requests as the venue allows.

        The calls run concurrently: the response guard checks each reply on its own, so one
        client may have several requests in flight.
        """
        positions, figures = await asyncio.gather(
            self.client.fetch_positions(), self._read_figures()
        )
        return positions, figures

    def _normalise(self, unified: UnifiedPosition) -> UnifiedPosition:
        """Venue hook: correct a unified field ccxt gets wrong for this venue."""
        return unified

    async def _read_figures(self) -> dict[str, AccountFigures]:
        """The balances the venue's ranking formula needs; none by default."""
        return {}

    async def _read_indicators(self, positions: list[UnifiedPosition]) -> dict[QueueKey, object]:
        """The raw ADL indicator per position; by default `info[indicator_field]`."""
        raw: dict[QueueKey, object] = {}
        if not self._rows_carry_indicator():
            return raw  # a venue without an indicator (Hyperliquid): nothing to look for
        for unified in positions:
            key = position_key(unified)
            value = self._indicator(unified)
            if key is not None and value is not None:
                raw[key] = value
        return raw

    async def _read_venue_risk(self, symbols: set[str], read_at: datetime) -> dict[str, VenueRisk]:
        """Venue hook: the venue-wide ADL risk per unified symbol, for `symbols` (held now)."""
        return {}

    def _rows_carry_indicator(self) -> bool:
        """Whether a position row (REST or stream) holds the venue's ADL indicator; a venue
        that reads it with a call of its own overrides `_read_indicators` instead."""
        return self.indicator_field is not None or self._overrides("_indicator")

    def _overrides(self, hook: str) -> bool:
        """Whether this venue's class replaces the base class's `hook`: a hook left as it is
        answers the same for every position, and need not be asked a thousand times."""
        return getattr(type(self), hook) is not getattr(VenueConnector, hook)

    def _indicator(self, unified: Mapping[str, Any]) -> object:
        if self.indicator_field is None:
            return None
        info = unified.get("info")
        return info.get(self.indicator_field) if isinstance(info, Mapping) else None

    def _is_adl_hit(self, unified: Mapping[str, Any]) -> bool:
        """Whether the venue marks this (still open) position as being auto-deleveraged."""
        return False

    async def _adl_closes(self, reduced: set[QueueKey]) -> dict[QueueKey, CloseEvidence]:
        """What the venue's trade or position history says closed or reduced each of these
        positions (ADL, or the user's own fill); a position it says nothing about is left out.
        Venue hook; asked only when something closed or shrank. Each history record counts
        once: a venue module remembers the ids it has matched.
        """
        return {}

    async def check_key(self) -> KeyCheck:
        """The venue's verdict on the key's permissions (docs/venues.md, "Read-only key checks");
        raises `VenueFailure`."""
        await self.open()
        return await self._guarded(self._check_key())

    async def _check_key(self) -> KeyCheck:
        raise NotImplementedError

    # ------------------------------------------------------------------------------ errors

    async def _guarded(self, awaitable: Awaitable[T]) -> T:
        """Await `awaitable`, turning any ccxt exception into a `VenueFailure`."""
        try:
            return await awaitable
        except (VenueFailure, asyncio.CancelledError):
            raise
        except Exception as error:
            failure = self._failure(error)
            # No traceback: ccxt's messages carry URLs and headers; the detail is sanitised.
            log.debug("%s: %s", self.spec.name, failure)
            raise failure from None

    def _failure(self, error: BaseException) -> VenueFailure:
        headers = getattr(self._client, "last_response_headers", None)
        return to_failure(
            error,
            secrets=self._secrets(),
            response_headers=headers,
            api_url_set=bool(self.spec.api_url),
        )

    def _secrets(self) -> tuple[str | None, ...]:
        if self._credentials is None:
            return ()
        return (self._credentials.secret, self._credentials.password, self._credentials.api_key)

    def _symbol_for(self, market_id: object, market_type: str = "swap") -> str | None:
        """Unified symbol for a venue market id, or None when the market is unknown."""
        if not isinstance(market_id, str):
            return None
        market = self.client.safe_market(market_id, None, None, market_type)
        symbol = market.get("symbol") if isinstance(market, Mapping) else None
        return symbol if isinstance(symbol, str) else None
