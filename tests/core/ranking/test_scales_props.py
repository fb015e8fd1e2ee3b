"""Properties of the venue scales: any JSON is mapped or refused, never crashes, never guesses."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from adl_monitor.core.ranking.scales import map_indicator

AT = datetime(2026, 11, 25, tzinfo=UTC)
EXCHANGES = st.sampled_from(
    [
        "binanceusdm",
        "binancecoinm",
        "bybit",
        "okx",
        "gate",
        "htx",
        "kucoinfutures",
        "bitget",
        "phemex",
        "hyperliquid",
        "bitmex",
        "unknown-venue",
    ]
)
SIDES = st.sampled_from([None, "long", "short", "both", "LONG", "", "hedge"])
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.sampled_from(["0", "1", "5", "6", "0.45", "1e3", "-0", "NaN", "Infinity", " 3 "])
)
# Keys include the fields the mappings look for, so nested junk reaches the field readers.
KEYS = st.sampled_from(
    [
        "LONG",
        "SHORT",
        "BOTH",
        "HEDGE",
        "adl",
        "adlQuantile",
        "adlRankIndicator",
        "adl_ranking",
        "adl_risk_percent",
        "delevPercentage",
        "rank",
        "deleveragePercentile",
        "deleveragePercentileRr",
        "deleveragePercentileEr",
    ]
) | st.text(max_size=5)
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=12,
)


@given(EXCHANGES, JSON, SIDES)
def test_any_json_maps_to_a_tier_or_unknown_with_a_reason(
    exchange: str, raw: object, side: str | None
) -> None:
    reading = map_indicator(exchange, raw, AT, side=side)
    assert reading.raw is raw
    assert reading.updated_at == AT
    if reading.tier is None:
        assert reading.reason
    else:
        assert 0 <= reading.tier <= 5
        assert reading.reason is None


@given(st.sampled_from(["kucoinfutures", "bitget", "phemex", "bitmex"]), st.fractions(0, 1))
def test_fraction_tier_is_ceil_of_five_p_at_least_one(exchange: str, p: Fraction) -> None:
    as_text = f"{p.numerator / p.denominator!r}"
    exact = Fraction(as_text)  # the decimal the venue would have sent
    expected = max(1, math.ceil(exact * 5))
    assert map_indicator(exchange, as_text, AT).tier == expected
    assert map_indicator(exchange, float(as_text), AT).tier == expected


@given(st.integers(1, 6))
def test_gate_rank_is_six_minus_value_and_six_is_none(value: int) -> None:
    assert map_indicator("gate", value, AT).tier == (0 if value == 6 else 6 - value)


@given(st.integers(0, 4), st.integers(0, 4), st.sampled_from(["long", "short"]))
def test_binance_isolated_hedge_reads_the_own_side(long: int, short: int, side: str) -> None:
    raw = {"LONG": long, "SHORT": short, "BOTH": 0}
    own = long if side == "long" else short
    assert map_indicator("binanceusdm", raw, AT, side=side).tier == own + 1
