"""Venue ADL indicators → the common tier scale: every mapping edge docs/venues.md names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adl_monitor.core.model.account_spec import SUPPORTED_EXCHANGES
from adl_monitor.core.model.position import Side
from adl_monitor.core.ranking.scales import has_indicator, map_indicator, scale_description
from tests.core.venue_fixtures import load

AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
VENUES = SUPPORTED_EXCHANGES
FRACTION_VENUES = ("kucoinfutures", "bitget", "phemex", "bitmex")


def tier(exchange: str, raw: object, side: str | None = None) -> int | None:
    return map_indicator(exchange, raw, AT, side=side).tier


# ---- integer scales -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(1, 5), (2, 4), (3, 3), (4, 2), (5, 1), (6, 0), ("1", 5), ("6", 0), (5.0, 1)],
)
def test_gate_scale_is_reversed_and_6_means_no_position(raw: object, expected: int) -> None:
    assert tier("gate", raw) == expected


@pytest.mark.parametrize("raw", [0, 7, -1, 2.5, "0"])
def test_gate_values_off_its_scale_are_unknown(raw: object) -> None:
    reading = map_indicator("gate", raw, AT)
    assert reading.tier is None
    assert "Gate adl_ranking" in (reading.reason or "")


@pytest.mark.parametrize("exchange", ["bybit", "okx"])
@pytest.mark.parametrize(("raw", "expected"), [(0, 0), ("0", 0), (1, 1), ("3", 3), (5, 5)])
def test_bybit_and_okx_keep_1_to_5_and_0_means_none(
    exchange: str, raw: object, expected: int
) -> None:
    assert tier(exchange, raw) == expected


@pytest.mark.parametrize("exchange", ["bybit", "okx"])
@pytest.mark.parametrize("raw", [6, -1, 2.5, "", "high"])
def test_bybit_and_okx_values_off_scale_are_unknown(exchange: str, raw: object) -> None:
    assert tier(exchange, raw) is None


@pytest.mark.parametrize(("raw", "expected"), [(1, 1), (3, 3), ("5", 5)])
def test_htx_keeps_1_to_5(raw: object, expected: int) -> None:
    assert tier("htx", raw) == expected


@pytest.mark.parametrize("raw", [0, 6])
def test_htx_has_no_0_or_6(raw: object) -> None:
    assert tier("htx", raw) is None


# ---- Binance ----------------------------------------------------------------------------------


@pytest.mark.parametrize("exchange", ["binanceusdm", "binancecoinm"])
@pytest.mark.parametrize(("raw", "expected"), [(0, 1), (2, 3), (4, 5), ("4", 5)])
def test_binance_bare_quantile_is_value_plus_one(exchange: str, raw: object, expected: int) -> None:
    assert tier(exchange, raw) == expected


@pytest.mark.parametrize("raw", [5, -1, 1.5])
def test_binance_quantile_off_0_to_4_is_unknown(raw: object) -> None:
    assert tier("binanceusdm", raw) is None


def test_binance_hedge_flag_value_is_ignored_and_sides_share_one_value() -> None:
    raw = {"LONG": 1, "SHORT": 1, "HEDGE": 4}
    assert tier("binanceusdm", raw, "long") == 2
    assert tier("binanceusdm", raw, "short") == 2
    assert tier("binanceusdm", raw) == 2


def test_binance_hedge_flag_with_differing_sides_needs_the_side() -> None:
    raw = {"LONG": 3, "SHORT": 0, "HEDGE": 0}
    assert tier("binanceusdm", raw, "long") == 4
    assert tier("binanceusdm", raw, "short") == 1
    reading = map_indicator("binanceusdm", raw, AT)
    assert reading.tier is None
    assert "side" in (reading.reason or "")


def test_binance_isolated_hedge_mode_picks_the_side() -> None:
    raw = {"LONG": 1, "SHORT": 2, "BOTH": 0}
    assert tier("binancecoinm", raw, "long") == 2
    assert tier("binancecoinm", raw, "short") == 3


@pytest.mark.parametrize("side", [None, "both", "long", "short", "LONG"])
def test_binance_one_way_mode_uses_both(side: str | None) -> None:
    assert tier("binanceusdm", {"LONG": 0, "SHORT": 0, "BOTH": 3}, side) == 4


def test_binance_accepts_the_whole_symbol_entry_and_position_risk_adl() -> None:
    entry = {"symbol": "BTCUSDT", "adlQuantile": {"LONG": 2, "SHORT": 0, "BOTH": 0}}
    assert tier("binanceusdm", entry, "long") == 3
    assert tier("binanceusdm", {"symbol": "ADAUSDT", "adl": 4}, "long") == 5


def test_binance_unknown_side_or_slot_is_unknown_not_guessed() -> None:
    assert tier("binanceusdm", {"LONG": 1, "SHORT": 2}) is None
    assert tier("binanceusdm", {"LONG": 1, "SHORT": 2, "BOTH": 0}, "sideways") is None
    assert tier("binanceusdm", {"LONG": 1, "SHORT": "x", "HEDGE": 0}, "short") is None
    assert tier("binanceusdm", {"symbol": "BTCUSDT"}) is None


# ---- fractions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("exchange", FRACTION_VENUES)
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0, 1),
        (0.0, 1),
        (0.2, 1),
        (0.2000001, 2),
        ("0.4", 2),
        (0.6, 3),
        ("0.45", 3),
        (0.8, 4),
        (0.99, 5),
        (1, 5),
        ("1.0", 5),
    ],
)
def test_fractions_light_one_tier_per_20_percent(exchange: str, raw: object, expected: int) -> None:
    assert tier(exchange, raw) == expected


@pytest.mark.parametrize("exchange", FRACTION_VENUES)
@pytest.mark.parametrize("raw", [-0.01, 1.01, "1.5", 99, "-"])
def test_fractions_outside_0_to_1_are_unknown(exchange: str, raw: object) -> None:
    assert tier(exchange, raw) is None


def test_phemex_coin_m_er_is_scaled_by_ten_to_the_eighth() -> None:
    assert tier("phemex", {"deleveragePercentileEr": 0}) == 1
    assert tier("phemex", {"deleveragePercentileEr": 20000000}) == 1
    assert tier("phemex", {"deleveragePercentileEr": 20000001}) == 2
    assert tier("phemex", {"deleveragePercentileEr": "99000000"}) == 5
    assert tier("phemex", {"deleveragePercentileEr": 100000001}) is None


def test_phemex_bare_er_integer_is_refused_with_a_hint() -> None:
    reading = map_indicator("phemex", 50000000, AT)
    assert reading.tier is None
    assert "deleveragePercentileEr" in (reading.reason or "")


def test_phemex_prefers_the_unscaled_fields() -> None:
    raw = {"deleveragePercentileEr": 90000000, "deleveragePercentile": 0.1}
    assert tier("phemex", raw) == 1
    assert tier("phemex", {"deleveragePercentileRr": "0.7"}) == 4


def test_bitget_reads_rank_not_the_deprecated_adl_rank() -> None:
    assert tier("bitget", {"rank": "0.1", "adlRank": "0.9"}) == 1


# ---- unknowns ----------------------------------------------------------------------------------


def test_hyperliquid_has_no_indicator() -> None:
    reading = map_indicator("hyperliquid", {"adl": 5}, AT)
    assert reading.tier is None
    assert reading.reason == "venue publishes no ADL indicator"
    assert not has_indicator("hyperliquid")


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (True, "yes/no"),
        (None, "no value"),
        (float("nan"), "not a finite number"),
        (float("inf"), "not a finite number"),
        ("nan", "not a number"),
        ("٣", "not a number"),
        ("1_0", "not a number"),
        ([1], "not a single number"),
        ({"a": {"b": 1}}, "not a single number"),
        ("   ", "empty"),
    ],
)
def test_junk_is_unknown_with_a_reason(raw: object, words: str) -> None:
    reading = map_indicator("bybit", raw, AT)
    assert reading.tier is None
    assert words in (reading.reason or "")
    assert reading.raw is raw


def test_unknown_exchange_is_unknown() -> None:
    reading = map_indicator("deribit", 3, AT)
    assert reading.tier is None
    assert "deribit" in (reading.reason or "")
    assert not has_indicator("deribit")


def test_reading_keeps_raw_time_and_scale() -> None:
    raw = {"LONG": 2, "SHORT": 2, "HEDGE": 0}
    reading = map_indicator("binanceusdm", raw, AT, side="long")
    assert reading.raw is raw
    assert reading.updated_at == AT
    assert reading.scale == scale_description("binanceusdm")
    assert reading.reason is None
    assert reading.known


def test_scale_descriptions_name_each_venue_own_scale() -> None:
    assert scale_description("gate") == "Gate adl_ranking 1–5, 1 = front of queue; 6 = none"
    descriptions = {scale_description(v) for v in VENUES if v != "binancecoinm"}
    assert len(descriptions) == len(VENUES) - 1
    assert all(has_indicator(v) for v in VENUES if v != "hyperliquid")


# ---- the venues' own example responses ---------------------------------------------------------


def test_fixture_binanceusdm_adl_quantile_one_way() -> None:
    (entry,) = load("binanceusdm", "adlQuantile.json")
    assert tier("binanceusdm", entry["adlQuantile"], "long") == 2
    assert tier("binanceusdm", entry, "both") == 2


def test_fixture_binancecoinm_adl_quantile_hedge_flag_and_isolated_hedge() -> None:
    cross_hedge, isolated_hedge = load("binancecoinm", "adlQuantile.json")
    assert tier("binancecoinm", cross_hedge["adlQuantile"], "long") == 4
    assert tier("binancecoinm", cross_hedge["adlQuantile"], "short") == 4
    assert tier("binancecoinm", isolated_hedge["adlQuantile"], "long") == 2
    assert tier("binancecoinm", isolated_hedge["adlQuantile"], "short") == 3


def test_fixture_binanceusdm_position_risk_adl() -> None:
    (position,) = load("binanceusdm", "positionRisk-v3.json")
    assert tier("binanceusdm", position["adl"], "long") == 3
    assert tier("binanceusdm", position, "long") == 3


def test_fixture_bybit_rest_and_websocket() -> None:
    (rest,) = load("bybit", "positionList.json")["result"]["list"]
    assert tier("bybit", rest["adlRankIndicator"]) == 2
    assert tier("bybit", rest) == 2
    (pushed,) = load("bybit", "ws-position.json")["data"]
    assert tier("bybit", pushed["adlRankIndicator"]) == 0


def test_fixture_okx_string_adl() -> None:
    (position,) = load("okx", "positions.json")["data"]
    assert position["adl"] == "1"
    assert tier("okx", position["adl"]) == 1


def test_fixture_gate_adl_ranking_5_is_back_of_queue() -> None:
    (position,) = load("gate", "positions.json")
    assert tier("gate", position["adl_ranking"]) == 1
    assert tier("gate", position) == 1


def test_fixture_htx_adl_risk_percent() -> None:
    (position,) = load("htx", "positionOpens.json")["data"]
    assert tier("htx", position["adl_risk_percent"]) == 3


def test_fixture_kucoin_zero_percentage_is_back_of_queue_not_absent() -> None:
    (position,) = load("kucoinfutures", "positions.json")["data"]
    assert tier("kucoinfutures", position["delevPercentage"]) == 1


def test_fixture_bitget_adl_rank_entry() -> None:
    (entry,) = load("bitget", "adlRank.json")["data"]
    assert tier("bitget", entry["rank"]) == 4
    assert tier("bitget", entry) == 4


def test_fixture_phemex_usdt_m_position() -> None:
    (position,) = load("phemex", "accountPositions.json")["data"]["positions"]
    assert tier("phemex", position["deleveragePercentileRr"]) == 1
    assert tier("phemex", position) == 1


def test_fixture_bitmex_full_percentile_is_front() -> None:
    position = load("bitmex", "position-item.json")
    assert tier("bitmex", position["deleveragePercentile"]) == 5


def test_fixture_hyperliquid_position_has_no_indicator() -> None:
    entry = load("hyperliquid", "clearinghouseState-assetPosition.json")
    assert tier("hyperliquid", entry["position"]) is None


def test_oversized_and_deeply_nested_values_are_refused_not_crashed_on() -> None:
    huge = map_indicator("gate", 10**5000, AT)
    assert huge.tier is None
    assert "Gate adl_ranking" in (huge.reason or "")
    nested: object = 1
    for _ in range(5000):
        nested = [nested]
    assert map_indicator("okx", nested, AT).tier is None
    deep: object = {"LONG": 1}
    for _ in range(5000):
        deep = {"adlQuantile": deep}
    assert map_indicator("binanceusdm", deep, AT, side="long").tier is None


def test_side_may_be_the_position_side_enum() -> None:
    raw = {"LONG": 1, "SHORT": 2, "BOTH": 0}
    assert map_indicator("binanceusdm", raw, AT, side=Side.SHORT).tier == 3
