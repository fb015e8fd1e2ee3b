"""The market stories the simulator can tell: price shapes, insurance funds, demo holdings.

A scenario is data only; `world.World` plays it. Moves are fractions of the instrument's start
price (`-0.13` = 13 % below), interpolated linearly between keyframes, with seeded noise on
top. After `duration` the last keyframe holds and only the noise moves the price.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adl_monitor.core.model.position import MarginMode, Side

Keyframes = tuple[tuple[float, float], ...]
"""(sim seconds, move as a fraction of the start price)."""


@dataclass(frozen=True)
class DemoHolding:
    """A position the demo account holds at sim time 0.

    `entry_move` places the entry relative to the start price (−0.02 = 2 % below): a long with a
    negative entry move starts in profit.
    """

    exchange: str
    base: str
    side: Side
    leverage: float
    margin_mode: MarginMode
    notional: float
    entry_move: float


@dataclass(frozen=True)
class Outage:
    """`exchange` answers 503s and times out between `start` and `end` (sim seconds)."""

    exchange: str
    start: float
    end: float


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    duration: float
    moves: dict[str, Keyframes]
    noise: float
    """Per-second volatility of the noise around the shape (fraction of price)."""
    insurance: dict[str, float]
    """Insurance fund per symbol, USDT, per venue; a venue not named gets `default_insurance`."""
    holdings: tuple[DemoHolding, ...]
    default_insurance: float = 5_000_000.0
    depth: float = 4_000_000.0
    """Liquidation notional (USDT, last 10 s) that pushes fills 1 % past the mark."""
    outages: tuple[Outage, ...] = ()
    demo_wallet: float = 60_000.0
    long_share: float = 0.5
    """Share of the synthetic traders who are long (a crowded long side deepens ADL on shorts)."""
    entry_spread: dict[str, float] = field(default_factory=dict)
    """Stdev of synthetic traders' entries around the start price, per base (default 3 %)."""


L, S = Side.LONG, Side.SHORT
ISO, CROSS = MarginMode.ISOLATED, MarginMode.CROSS


def _holding(
    exchange: str,
    base: str,
    side: Side,
    leverage: float,
    mode: MarginMode,
    notional: float,
    entry_move: float,
) -> DemoHolding:
    return DemoHolding(exchange, base, side, leverage, mode, notional, entry_move)


# Several positions per demo account: some in profit, some losing, isolated and cross mixed.
_EVERYDAY_HOLDINGS: tuple[DemoHolding, ...] = (
    _holding("bybit", "BTC", L, 20, ISO, 40_000, -0.003),
    _holding("bybit", "ETH", S, 10, CROSS, 18_000, 0.012),
    _holding("bybit", "SOL", L, 5, CROSS, 9_000, 0.03),
    _holding("binanceusdm", "BTC", L, 10, CROSS, 35_000, -0.02),
    _holding("binanceusdm", "ETH", L, 25, ISO, 12_000, 0.008),
    _holding("binanceusdm", "SOL", S, 5, ISO, 10_000, 0.006),
    _holding("okx", "BTC", S, 15, CROSS, 25_000, -0.01),
    _holding("okx", "ETH", L, 8, ISO, 20_000, -0.007),
    _holding("okx", "SOL", L, 10, CROSS, 7_500, -0.012),
    _holding("hyperliquid", "BTC", L, 20, CROSS, 30_000, -0.01),
    _holding("hyperliquid", "ETH", S, 5, ISO, 15_000, 0.02),
    _holding("hyperliquid", "SOL", L, 10, CROSS, 8_000, 0.015),
)

_CALM = Scenario(
    name="calm",
    description="small moves; tiers drift",
    duration=300,
    moves={
        "BTC": ((0, 0.0), (90, 0.004), (180, -0.003), (300, 0.002)),
        "ETH": ((0, 0.0), (120, -0.005), (240, 0.004), (300, 0.0)),
        "SOL": ((0, 0.0), (100, 0.008), (200, -0.006), (300, 0.003)),
    },
    noise=0.0004,
    insurance={},
    holdings=_EVERYDAY_HOLDINGS,
)

_SQUEEZE = Scenario(
    name="squeeze",
    description="a sharp rally: the demo short is underwater, its longs climb to orange then red "
    "within about a minute; Bybit's insurance runs dry and it deleverages the front of the queue",
    duration=300,
    moves={
        "BTC": (
            (0, 0.0),
            (15, 0.002),
            (45, 0.035),
            (75, 0.075),
            (110, 0.095),
            (200, 0.1),
            (300, 0.085),
        ),
        "ETH": ((0, 0.0), (15, 0.002), (45, 0.04), (75, 0.085), (110, 0.11), (300, 0.1)),
        "SOL": ((0, 0.0), (15, 0.004), (45, 0.06), (75, 0.12), (110, 0.15), (300, 0.13)),
    },
    noise=0.0005,
    insurance={"bybit": 5_000.0},
    holdings=(
        _holding("bybit", "BTC", L, 25, ISO, 60_000, 0.0),
        _holding("bybit", "ETH", S, 10, CROSS, 20_000, 0.005),
        _holding("bybit", "SOL", L, 50, ISO, 12_000, 0.005),
        *(h for h in _EVERYDAY_HOLDINGS if h.exchange != "bybit"),
    ),
    depth=80_000.0,
)

_CASCADE = Scenario(
    name="cascade",
    description="10 Oct 2025 shape: a 12-minute crash of ~13 % (BTC) and ~26 % (SOL), a burst "
    "of liquidations, the first ADL about a minute after the first liquidation, ADL reaching "
    "profitable shorts down to low leverage",
    duration=900,
    moves={
        "BTC": (
            (0, 0.0),
            (60, 0.0),
            (150, -0.012),
            (270, -0.04),
            (390, -0.09),
            (480, -0.125),
            (560, -0.13),
            (640, -0.105),
            (780, -0.095),
            (900, -0.09),
        ),
        "ETH": (
            (0, 0.0),
            (60, 0.0),
            (150, -0.018),
            (270, -0.06),
            (390, -0.13),
            (480, -0.17),
            (560, -0.175),
            (640, -0.14),
            (780, -0.125),
            (900, -0.12),
        ),
        "SOL": (
            (0, 0.0),
            (60, 0.0),
            (150, -0.025),
            (270, -0.09),
            (390, -0.18),
            (480, -0.245),
            (560, -0.26),
            (640, -0.21),
            (780, -0.19),
            (900, -0.185),
        ),
    },
    noise=0.0008,
    insurance={"bybit": 3_000.0, "binanceusdm": 8_000.0, "okx": 5_000.0, "hyperliquid": 2_000.0},
    holdings=(
        _holding("bybit", "BTC", S, 3, CROSS, 30_000, 0.004),
        _holding("bybit", "SOL", S, 10, ISO, 15_000, 0.01),
        _holding("bybit", "ETH", L, 10, CROSS, 12_000, -0.005),
        _holding("binanceusdm", "BTC", S, 4, CROSS, 80_000, 0.0),
        _holding("binanceusdm", "SOL", L, 5, ISO, 10_000, -0.01),
        _holding("okx", "SOL", S, 4, CROSS, 60_000, 0.005),
        _holding("okx", "ETH", S, 20, ISO, 10_000, 0.0),
        _holding("hyperliquid", "BTC", S, 10, CROSS, 25_000, 0.002),
        _holding("hyperliquid", "ETH", L, 3, CROSS, 10_000, -0.02),
    ),
    depth=20_000.0,
    demo_wallet=20_000.0,
    long_share=0.65,
)

_HEDGE_LEG = Scenario(
    name="hedge-leg",
    description="the demo holds a BTC long on Binance and the hedging short on Bybit; a drop "
    "drains Bybit's insurance, the short is deleveraged and the long is left naked",
    duration=300,
    moves={
        "BTC": (
            (0, 0.0),
            (20, 0.0),
            (60, -0.035),
            (100, -0.085),
            (140, -0.095),
            (220, -0.07),
            (300, -0.075),
        ),
        "ETH": ((0, 0.0), (60, -0.02), (140, -0.05), (300, -0.04)),
        "SOL": ((0, 0.0), (60, -0.03), (140, -0.07), (300, -0.05)),
    },
    noise=0.0005,
    insurance={"bybit": 500.0},
    holdings=(
        _holding("binanceusdm", "BTC", L, 5, CROSS, 60_000, 0.0),
        _holding("bybit", "BTC", S, 25, ISO, 60_000, 0.0),
        *(h for h in _EVERYDAY_HOLDINGS if h.exchange in ("okx", "hyperliquid")),
    ),
    depth=80_000.0,
)

_OUTAGE = Scenario(
    name="outage",
    description="OKX answers 503s and times out from 0:40 to 2:10, then recovers",
    duration=300,
    moves={
        "BTC": ((0, 0.0), (60, -0.01), (150, 0.006), (300, 0.01)),
        "ETH": ((0, 0.0), (60, -0.015), (150, 0.01), (300, 0.012)),
        "SOL": ((0, 0.0), (60, -0.02), (150, 0.015), (300, 0.02)),
    },
    noise=0.0005,
    insurance={},
    holdings=_EVERYDAY_HOLDINGS,
    outages=(Outage("okx", 40, 130),),
)

SCENARIOS: dict[str, Scenario] = {
    s.name: s for s in (_CALM, _SQUEEZE, _CASCADE, _HEDGE_LEG, _OUTAGE)
}


def get_scenario(name: str) -> Scenario:
    """The scenario called `name`; ValueError listing the known names otherwise."""
    try:
        return SCENARIOS[name]
    except KeyError:
        known = ", ".join(SCENARIOS)
        raise ValueError(f"unknown scenario {name!r}; choose one of {known}") from None
