"""Population B: a second, independently designed family of synthetic traders (issue 10).

Population A (`population.py`, shaped by `population_mix.py`) gives every trader one position,
log-normal sizes, exponential ages and leverage from a fixed list with weights near the local
estimate's prior; even its wild seeds are that generator with its knobs turned. An estimate
tuned, even unknowingly, on that shape can look right there and nowhere else. Population B was
designed without looking at the estimator, and differs in structure, not just in numbers:

* **Accounts, not positions.** An account holds 1–4 positions across the instruments and
  sides (a hedger sometimes holds both sides of one coin). A cross account's wallet is split
  across its cross positions in proportion to their margin (`BookPosition.collateral`), so
  each still liquidates on its own, as `venue_book.py` expects, while the venue's account-wide
  figures (Binance's uPnL and margin ratio, Hyperliquid's account value) mix the positions.
  Isolated positions have their own margin; an isolated-only account keeps spare cash.
* **Round leverage.** 1, 2, 3, 5, 10, 20, 25, 50, 75, 100, 125 (capped at what the venue
  allows on the instrument, so 125 piles onto 100 or 75, and on Hyperliquid 50 and up onto
  40), weighted per seed and venue by a Dirichlet draw.
* **Entries in bursts.** The market of the ten days before sim time 0 (`MarketHistory`) has
  1–4 events per seed, 1 h to 10 days old, each with the price then 1–30 % above or below
  today's; most positions were opened around one of them (each side favouring its own events),
  the rest trickled in along the path between. A side whose traders piled in before a rally
  is deep in profit; one that piled in before a crash is deep in loss, and only its low
  leverage survived.
* **Pareto sizes** (α 1.2–2 per seed and venue): a heavy tail, plus a few low-leverage whales.

Whoever would already be past liquidation at today's start price is not on the book: they were
liquidated before (as in population A). Everything is drawn from
`random.Random(f"{seed}:population-b:{venue}")` (the market history from
`f"{seed}:population-b:history"`, shared by the venues as a real market is), so a seed always
gives the same book.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from adl_monitor.core.model.position import MarginMode, Side
from adl_monitor.sim.book_position import BookPosition, SimAccount
from adl_monitor.sim.instruments import BY_BASE, INSTRUMENTS, Instrument
from adl_monitor.sim.population import MIN_CUSHION, PidSource

ROUND_LEVERAGES = (1, 2, 3, 5, 10, 20, 25, 50, 75, 100, 125)
"""The leverages trading UIs offer as presets; traders pick them far more than odd values."""
WHALE_LEVERAGES = (1, 2, 3)
HISTORY_HOURS = 240.0
"""Ten days: the oldest event, and the oldest trickle entry."""
MIN_EVENT_HOURS = 1.0
EVENT_MOVE = (0.01, 0.30)
"""How far the price of an event lay from today's, either way."""
POSITIONS_PER_ACCOUNT = (1, 2, 3, 4)
MAX_TRIES = 60
"""Past this many draws for one position, it is drawn on the flat market at low leverage: a
side that a past move nearly wiped out still gets its count of survivors."""


@dataclass(frozen=True)
class MarketEvent:
    """A burst of trading `age_hours` before sim time 0, at price × (1 + moves[base])."""

    age_hours: float
    moves: dict[str, float]


@dataclass(frozen=True)
class MarketHistory:
    """The price path of the days before sim time 0: log-linear between today's price and the
    events' prices, flat beyond the oldest event."""

    events: tuple[MarketEvent, ...]
    """Youngest first."""

    def ratio(self, base: str, hours_ago: float) -> float:
        """Price `hours_ago` before sim time 0, as a multiple of the start price."""
        ages = [0.0, *(e.age_hours for e in self.events)]
        logs = [0.0, *(math.log1p(e.moves[base]) for e in self.events)]
        if hours_ago <= 0:
            return 1.0
        if hours_ago >= ages[-1]:
            return math.exp(logs[-1])
        i = bisect.bisect_right(ages, hours_ago)
        share = (hours_ago - ages[i - 1]) / (ages[i] - ages[i - 1])
        return math.exp(logs[i - 1] + share * (logs[i] - logs[i - 1]))


def draw_history(seed: int) -> MarketHistory:
    """1–4 market-wide events; each coin moved with its own strength (beta 0.6–1.4)."""
    rng = random.Random(f"{seed}:population-b:history")
    count = rng.randint(1, 4)
    ages = sorted(
        math.exp(rng.uniform(math.log(MIN_EVENT_HOURS), math.log(HISTORY_HOURS)))
        for _ in range(count)
    )
    betas = {inst.base: rng.uniform(0.6, 1.4) for inst in INSTRUMENTS}
    events = []
    for age in ages:
        move = rng.choice((-1.0, 1.0)) * rng.uniform(*EVENT_MOVE)
        moves = {base: max(-0.5, move * beta) for base, beta in betas.items()}
        events.append(MarketEvent(age, moves))
    return MarketHistory(tuple(events))


@dataclass(frozen=True)
class ShapeB:
    """How one venue's population B looks in one seed."""

    leverage_weights: tuple[float, ...]
    """Over `ROUND_LEVERAGES`."""
    cross_share: float
    """Share of accounts that trade cross (a few of their positions are isolated, and back)."""
    per_account_weights: tuple[float, ...]
    """Over `POSITIONS_PER_ACCOUNT`: 30–70 % of accounts hold one position."""
    hedger_share: float
    """Chance that an account's next position is the other side of a coin it holds."""
    burst_share: float
    """Share of positions opened around an event; the rest trickled in."""
    event_weights: dict[Side, tuple[float, ...]]
    burst_width: float
    """Log-spread of the ages around an event."""
    pareto_alpha: float
    min_notional: float
    whales: int


def dirichlet(rng: random.Random, count: int, concentration: float) -> tuple[float, ...]:
    draws = [rng.gammavariate(concentration, 1.0) for _ in range(count)]
    total = sum(draws) or 1.0
    return tuple(d / total for d in draws)


def draw_shape(rng: random.Random, events: int) -> ShapeB:
    single = rng.uniform(0.3, 0.7)
    return ShapeB(
        leverage_weights=dirichlet(rng, len(ROUND_LEVERAGES), 0.7),
        cross_share=rng.uniform(0.1, 0.9),
        per_account_weights=(single, *((1 - single) * w for w in dirichlet(rng, 3, 1.5))),
        hedger_share=rng.uniform(0.0, 0.35),
        burst_share=rng.uniform(0.55, 0.9),
        event_weights={side: dirichlet(rng, events, 0.8) for side in Side},
        burst_width=rng.uniform(0.03, 0.25),
        pareto_alpha=rng.uniform(1.2, 2.0),
        min_notional=rng.uniform(800.0, 4_000.0),
        whales=rng.randint(0, 3),
    )


class AccountDraw:
    """One account's positions drawn against the slots the venue still has to fill."""

    def __init__(
        self,
        shape: ShapeB,
        history: MarketHistory,
        rng: random.Random,
        pids: PidSource,
        exchange: str,
        name: str,
        whale: bool,
    ) -> None:
        self.shape, self.history, self.rng, self.pids = shape, history, rng, pids
        self.exchange = exchange
        self.account = SimAccount(name=name, wallet=0.0)
        self.cross = rng.random() < shape.cross_share
        self.buffer = rng.uniform(1.05, 2.5)
        """A cross account's wallet over the margin of its cross positions."""
        self.whale = whale
        scale = shape.min_notional * rng.paretovariate(shape.pareto_alpha)
        self.scale = rng.uniform(5e5, 3e6) if whale else min(scale, 2e7)

    def leverage(self, instrument: Instrument, fallback: bool) -> float:
        if self.whale or fallback:
            chosen = self.rng.choice(WHALE_LEVERAGES)
        else:
            chosen = self.rng.choices(ROUND_LEVERAGES, self.shape.leverage_weights)[0]
        return float(min(instrument.max_leverage_on(self.exchange), chosen))

    def entry_age_hours(self, side: Side) -> float:
        rng, shape = self.rng, self.shape
        if rng.random() < shape.burst_share:
            event = rng.choices(self.history.events, shape.event_weights[side])[0]
            return event.age_hours * math.exp(rng.gauss(0.0, shape.burst_width))
        return math.exp(rng.uniform(math.log(0.1), math.log(HISTORY_HOURS)))

    def position(self, instrument: Instrument, side: Side) -> BookPosition:
        """A position that survives today's start price (redrawn until it does)."""
        rng = self.rng
        mode = MarginMode.CROSS if self.cross else MarginMode.ISOLATED
        if rng.random() < 0.15:
            mode = MarginMode.ISOLATED if self.cross else MarginMode.CROSS
        tries = 0
        while True:
            tries += 1
            fallback = tries > MAX_TRIES
            leverage = self.leverage(instrument, fallback)
            age = rng.uniform(0.1, 2.0) if fallback else self.entry_age_hours(side)
            noise = rng.gauss(0.0, 0.004 if fallback else 0.008)
            ratio = self.history.ratio(instrument.base, age) * math.exp(noise)
            entry = instrument.round_price(instrument.price * ratio)
            notional = self.scale * math.exp(rng.gauss(0.0, 0.4))
            steps = max(1, round(notional / entry / instrument.qty_step))
            size = round(steps * instrument.qty_step, 8)
            margin = size * entry / leverage
            held = BookPosition(
                pid=0,
                account=self.account,
                base=instrument.base,
                side=side,
                size=size,
                entry=entry,
                leverage=leverage,
                margin_mode=mode,
                collateral=margin * self.buffer if mode is MarginMode.CROSS else margin,
                mmr=instrument.mmr,
                opened_at=-age * 3600.0,
            )
            cushion = side.sign * (instrument.price - held.liquidation_price) / instrument.price
            if cushion >= MIN_CUSHION:
                held.pid = self.pids()
                return held

    def settle_wallet(self) -> None:
        """Wallet = what backs the positions; an isolated-only account keeps spare cash too."""
        positions = self.account.positions
        wallet = sum(p.collateral for p in positions)
        if all(p.margin_mode is MarginMode.ISOLATED for p in positions):
            wallet *= 1.0 + self.rng.uniform(0.1, 2.0)
        self.account.wallet = wallet


def pick_slot(
    rng: random.Random,
    remaining: dict[tuple[str, Side], int],
    held: Sequence[tuple[str, Side]],
    hedger_share: float,
) -> tuple[str, Side] | None:
    """The (base, side) of an account's next position, among those still to fill; never one it
    already holds (one-way mode merges those)."""
    if held and rng.random() < hedger_share:
        base, side = held[-1]
        hedge = (base, Side.SHORT if side is Side.LONG else Side.LONG)
        if remaining.get(hedge, 0) > 0 and hedge not in held:
            return hedge
    options = [key for key, left in remaining.items() if left > 0 and key not in held]
    if not options:
        return None
    return rng.choices(options, [remaining[key] for key in options])[0]


def population_b(
    exchange: str,
    counts: dict[tuple[str, Side], int],
    history: MarketHistory,
    rng: random.Random,
    pids: PidSource,
    market_scale: float = 1.0,
) -> Iterator[BookPosition]:
    """Accounts of 1–4 positions until every (base, side) holds its `counts` positions.
    `market_scale`: how many times the demo's market this book is (`World`); its whales
    multiply with it, as its other traders do."""
    shape = draw_shape(rng, len(history.events))
    whales = round(shape.whales * market_scale)
    remaining = dict(counts)
    made = 0
    while any(left > 0 for left in remaining.values()):
        name = f"{exchange}-b-{made:05d}"
        draw = AccountDraw(shape, history, rng, pids, exchange, name, whale=made < whales)
        wanted = rng.choices(POSITIONS_PER_ACCOUNT, shape.per_account_weights)[0]
        held: list[tuple[str, Side]] = []
        for _ in range(wanted):
            slot = pick_slot(rng, remaining, held, shape.hedger_share)
            if slot is None:
                break
            held.append(slot)
            remaining[slot] -= 1
            draw.account.positions.append(draw.position(BY_BASE[slot[0]], slot[1]))
        draw.settle_wallet()
        made += 1
        yield from draw.account.positions
