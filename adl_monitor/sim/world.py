"""The simulated market: one clock, a price path per instrument, one book per venue.

Nothing here reads the wall clock: sim time only moves through `advance()`, so a seed and a
sequence of advances always give the same world. The server maps sim time onto epoch
milliseconds (`epoch_ms`) only when it formats a reply.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from adl_monitor.core.model.estimate import Score
from adl_monitor.core.model.position import Side
from adl_monitor.core.ranking.queue import tier_for_percentile
from adl_monitor.sim.book_position import BookPosition, SimAccount
from adl_monitor.sim.demo import DEMO_ACCOUNT_NAMES, VENUES
from adl_monitor.sim.instruments import BY_BASE, INSTRUMENTS
from adl_monitor.sim.population import PidSource, synthetic_positions
from adl_monitor.sim.population_b import MarketHistory, draw_history, population_b
from adl_monitor.sim.population_mix import (
    TREND_HORIZON_HOURS,
    PopulationMix,
    draw_mix,
    draw_trend,
)
from adl_monitor.sim.populations import DEFAULT_TRADERS_PER_SIDE, POPULATIONS
from adl_monitor.sim.price_path import PricePath
from adl_monitor.sim.scenarios import DemoHolding, Scenario, get_scenario
from adl_monitor.sim.venue_book import VenueBook

TICK = 0.5  # sim seconds between liquidation checks
BINANCE_REFRESH = 30.0  # Binance recomputes adlQuantile every 30 s
DEFAULT_EPOCH_MS = 1_760_054_400_000  # 10 Oct 2025 00:00 UTC: used when no epoch is given


@dataclass(frozen=True)
class DemoView:
    """A demo position as the venue sees it right now, with its true place in the queue."""

    position: BookPosition
    mark: float
    percentile: float
    tier: int
    score: Score
    reported: int | None
    """The venue's indicator on its own raw scale; None where it publishes none."""


def _demo_position(
    holding: DemoHolding, account: SimAccount, pid: int, wallet_share: float
) -> BookPosition:
    inst = BY_BASE[holding.base]
    entry = inst.round_price(inst.price * (1.0 + holding.entry_move))
    size = round(max(inst.qty_step, holding.notional / entry), 6)
    margin = size * entry / holding.leverage
    # Cross: the demo wallet stands behind the position, share-wise.
    collateral = margin if holding.margin_mode.value == "isolated" else max(margin, wallet_share)
    return BookPosition(
        pid=pid,
        account=account,
        base=holding.base,
        side=holding.side,
        size=size,
        entry=entry,
        leverage=holding.leverage,
        margin_mode=holding.margin_mode,
        collateral=collateral,
        mmr=inst.mmr,
        opened_at=-3600.0 * (1 + pid % 7),
    )


class World:
    def __init__(
        self,
        scenario: str = "calm",
        seed: int = 1,
        traders_per_side: int = DEFAULT_TRADERS_PER_SIDE,
        epoch_ms: int = DEFAULT_EPOCH_MS,
        lead_in: float = 0.0,
        population: str = "a",
    ) -> None:
        """`population`: "a" the traders of `population.py`, "b" the independently designed
        family of `population_b.py` (multi-position accounts, bursts of entries)."""
        if population not in POPULATIONS:
            raise ValueError(f"population must be one of {', '.join(POPULATIONS)}")
        self.population = population
        self.traders_per_side = traders_per_side
        self.scenario: Scenario = get_scenario(scenario)
        self.seed = seed
        self.epoch_ms = epoch_ms
        self.t = 0.0
        self.lead_in = max(0.0, lead_in)
        """Sim seconds of quiet market (the start price and the scenario's noise) before the
        scenario's story starts: the accuracy benchmark lets the app calibrate in them, so the
        story's moves and ADL come after calibration. Outages shift with the story."""
        self._lead_paths = {
            inst.base: PricePath(
                inst,
                ((0.0, 0.0),),
                self.scenario.noise,
                random.Random(f"{seed}:lead-in:{inst.base}"),
            )
            for inst in INSTRUMENTS
        }
        self.paths = {
            inst.base: PricePath(
                inst,
                self.scenario.moves[inst.base],
                self.scenario.noise,
                random.Random(f"{seed}:price:{inst.base}"),
            )
            for inst in INSTRUMENTS
        }
        self.books: dict[str, VenueBook] = {}
        self.trends = {inst.base: draw_trend(seed, inst.base) for inst in INSTRUMENTS}
        """Longs' favourable move per day before sim time 0, per base (`population_mix`)."""
        self.mixes: dict[str, PopulationMix] = {}
        self.history_b: MarketHistory | None = draw_history(seed) if population == "b" else None
        """Population B's market of the days before sim time 0 (its traders entered on it)."""
        pids = PidSource()
        # A bigger book is a bigger market: its insurance funds and the depth that absorbs its
        # liquidations grow with it, so liquidations and ADL stay the same share of it.
        scale = traders_per_side / DEFAULT_TRADERS_PER_SIDE
        for venue in VENUES:
            mix = self.mixes[venue] = draw_mix(seed, venue)
            long_share = min(0.85, max(0.15, self.scenario.long_share + mix.long_share_shift))
            funds = {
                inst.base: scale
                * self.scenario.insurance.get(venue, self.scenario.default_insurance)
                for inst in INSTRUMENTS
            }
            book = VenueBook(venue, funds, scale * self.scenario.depth)
            longs = round(2 * traders_per_side * long_share)
            counts = {Side.LONG: longs, Side.SHORT: 2 * traders_per_side - longs}
            if self.history_b is not None:
                rng = random.Random(f"{seed}:population-b:{venue}")
                wanted = {(i.base, side): n for i in INSTRUMENTS for side, n in counts.items()}
                for held in population_b(venue, wanted, self.history_b, rng, pids, scale):
                    book.add(held)
            else:
                self._add_population_a(book, counts, mix, pids)
            self._add_demo(book, pids)
            self.books[venue] = book
        self.binance_published: dict[int, int] = {}
        self.binance_published_at = 0.0
        self._publish_binance()

    def _add_population_a(
        self, book: VenueBook, counts: dict[Side, int], mix: PopulationMix, pids: PidSource
    ) -> None:
        rng = random.Random(f"{self.seed}:population:{book.exchange}")
        for inst in INSTRUMENTS:
            spread = self.scenario.entry_spread.get(inst.base, 0.03)
            trend = self.trends[inst.base]
            for side, count in counts.items():
                for held in synthetic_positions(
                    book.exchange, inst, side, count, spread, rng, pids, mix, trend
                ):
                    book.add(held)

    def _add_demo(self, book: VenueBook, pids: PidSource) -> None:
        holdings = [h for h in self.scenario.holdings if h.exchange == book.exchange]
        account = SimAccount(
            name=DEMO_ACCOUNT_NAMES[book.exchange], wallet=self.scenario.demo_wallet, demo=True
        )
        share = self.scenario.demo_wallet / max(1, len(holdings))
        for holding in holdings:
            held = _demo_position(holding, account, pids(), share)
            account.positions.append(held)
            book.add(held)
        book.demo_accounts[account.name] = account

    # --- clock -----------------------------------------------------------------------------

    def marks(self) -> dict[str, float]:
        return {base: self._price(base, self.t) for base in self.paths}

    def _price(self, base: str, t: float) -> float:
        if t < self.lead_in:
            return self._lead_paths[base].price(t)
        return self.paths[base].price(t - self.lead_in)

    def history_price(self, base: str, t: float) -> float:
        """The price trend the synthetic traders entered on, at sim time `t` < 0 (before the
        scenario starts): what public candles of the days before should show. Entries scatter
        around it (`population.synthetic_positions`); from sim time 0 the scenario's path rules.
        """
        if t >= 0:
            return self._price(base, t)
        if self.history_b is not None:
            return BY_BASE[base].price * self.history_b.ratio(base, -t / 3600.0)
        hours = min(-t / 3600.0, TREND_HORIZON_HOURS)
        return BY_BASE[base].price * math.exp(-self.trends[base] * hours / 24.0)

    def now_ms(self) -> int:
        return self.epoch_ms + int(self.t * 1000)

    def to_ms(self, t: float) -> int:
        return self.epoch_ms + int(t * 1000)

    def advance(self, seconds: float) -> None:
        """Move sim time forward, liquidating and deleveraging along the way."""
        end = self.t + max(0.0, seconds)
        while self.t < end - 1e-9:
            self.t = min(end, self.t + TICK)
            marks = self.marks()
            for book in self.books.values():
                book.step(self.t, marks)
            if int(self.t // BINANCE_REFRESH) != int(self.binance_published_at // BINANCE_REFRESH):
                self._publish_binance()

    def outage(self, venue: str) -> bool:
        story = self.t - self.lead_in
        return any(o.exchange == venue and o.start <= story < o.end for o in self.scenario.outages)

    # --- what the venues report ------------------------------------------------------------

    def _publish_binance(self) -> None:
        """Binance's adlQuantile: a snapshot of the demo positions' quantiles, every 30 s."""
        self.binance_published = {
            view.position.pid: view.tier - 1 for view in self._views("binanceusdm")
        }
        self.binance_published_at = self.t

    def _views(self, venue: str) -> list[DemoView]:
        book = self.books[venue]
        marks = self.marks()
        views = []
        for account in book.demo_accounts.values():
            for held in account.positions:
                if held.closed:
                    continue
                ranked = book.ranked((held.base, held.side), self.t, marks)
                found = ranked.percentile_of(held.pid)
                if found is None:
                    continue
                pct, score = found
                # A venue that queues only profitable positions ranks a loser nowhere: tier 0.
                tier = tier_for_percentile(pct) if pct > 0 else 0
                views.append(DemoView(held, marks[held.base], pct, tier, score, None))
        return views

    def demo_views(self, venue: str) -> list[DemoView]:
        """The demo account's open positions on `venue`, with the indicator the venue reports."""
        views = []
        for view in self._views(venue):
            reported: int | None
            if venue == "binanceusdm":
                reported = self.binance_published.get(view.position.pid, view.tier - 1)
            elif venue == "hyperliquid":
                reported = None
            else:
                reported = view.tier  # Bybit 1–5, OKX 1–5 (0 only for an empty position)
            views.append(
                DemoView(view.position, view.mark, view.percentile, view.tier, view.score, reported)
            )
        return views

    def demo_account(self, venue: str) -> SimAccount:
        return self.books[venue].demo_accounts[DEMO_ACCOUNT_NAMES[venue]]

    def truth(self) -> dict[str, Any]:
        """Every demo position's true queue place: what benchmarks score the app against."""
        venues: dict[str, Any] = {}
        for venue, book in self.books.items():
            venues[venue] = {
                "insurance_fund": {base: round(v, 2) for base, v in book.insurance.items()},
                "open_positions": book.open_positions(),
                "liquidations": len(book.liquidations),
                "positions": [
                    {
                        "account": view.position.account.name,
                        "symbol": BY_BASE[view.position.base].symbol(venue),
                        "side": view.position.side.value,
                        "contracts": view.position.size,
                        "percentile": round(view.percentile, 3),
                        "tier": view.tier,
                        "score": view.score.value,
                        "profitable": view.score.profitable,
                        "reported": view.reported,
                        "adl_hit": view.position.status == "Adl",
                    }
                    for view in self.demo_views(venue)
                ],
                "adl_events": [
                    {
                        "at": event.at,
                        "account": event.account,
                        "symbol": BY_BASE[event.base].symbol(venue),
                        "side": event.side.value,
                        "qty": event.qty,
                        "price": event.price,
                        "full": event.full,
                    }
                    for event in book.adl_events
                ],
            }
        return {
            "scenario": self.scenario.name,
            "seed": self.seed,
            "population": self.population,
            "traders_per_side": self.traders_per_side,
            "wild_population": self.population == "a" and self.mixes["bybit"].wild,
            "lead_in": self.lead_in,
            "sim_time": self.t,
            "time": self.now_ms(),
            "marks": self.marks(),
            "venues": venues,
        }
