"""The venue table is the one place a venue is declared: every record is complete, and a record
missing a fact cannot be built (docs/architecture.md, "Adding a venue")."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from typing import Any

import pytest

from adl_monitor.core.model.account_spec import (
    KEYLESS_EXCHANGES,
    PASSPHRASE_EXCHANGES,
    SUPPORTED_EXCHANGES,
    WALLET_EXCHANGES,
)
from adl_monitor.core.ranking.formulas import FORMULAS, formula_name, queues_losers
from adl_monitor.core.ranking.scales import has_indicator, scale_description
from adl_monitor.core.venues import VENUES, Cadence, RankedUnit, Venue, find
from adl_monitor.core.venues.display_names import venue_display_name

IDS = [venue.id for venue in VENUES]
UNKNOWN_SCALE = "no ADL scale is known for this exchange"


@pytest.mark.parametrize("venue", VENUES, ids=IDS)
def test_every_venue_has_a_scale_a_formula_and_a_display_name(venue: Venue) -> None:
    assert venue.display_name.strip() and venue_display_name(venue.id) == venue.display_name
    assert scale_description(venue.id) == venue.scale.description != UNKNOWN_SCALE
    assert has_indicator(venue.id) is (venue.scale.mapper is not None)
    assert venue.formula in FORMULAS and formula_name(venue.id) == venue.formula
    assert queues_losers(venue.id) is not venue.profitable_only
    assert venue.cadence.positions > 0


def test_every_registry_lists_exactly_the_table() -> None:
    assert tuple(IDS) == SUPPORTED_EXCHANGES and len(set(IDS)) == len(IDS)
    assert {"hyperliquid"} == KEYLESS_EXCHANGES == WALLET_EXCHANGES
    assert {"okx", "kucoinfutures", "bitget"} == PASSPHRASE_EXCHANGES


def test_only_binance_ranks_accounts_and_reads_its_indicator_every_30_s() -> None:
    by_accounts = {v.id for v in VENUES if v.ranks is RankedUnit.ACCOUNTS}
    assert by_accounts == {"binanceusdm", "binancecoinm"}
    assert {v.id for v in VENUES if v.cadence.indicator == 30} == by_accounts


def test_an_unknown_venue_has_no_record_and_keeps_its_id_as_name() -> None:
    assert find("somewhere-new") is None
    assert venue_display_name("somewhere-new") == "somewhere-new"


def _facts(record: Any) -> dict[str, Any]:
    return {field.name: getattr(record, field.name) for field in dataclasses.fields(record)}


@pytest.mark.parametrize(
    "example",
    [VENUES[0], VENUES[0].cadence, VENUES[0].credentials],
    ids=["Venue", "Cadence", "CredentialsNeeded"],
)
def test_a_record_missing_any_fact_cannot_be_built(example: Any) -> None:
    kind = type(example)
    assert kind(**_facts(example)) == example  # every fact given: it builds
    for name in _facts(example):
        facts = _facts(example)
        del facts[name]
        with pytest.raises(TypeError, match=name):
            kind(**facts)


def test_a_cadence_reading_the_indicator_faster_than_positions_is_refused() -> None:
    with pytest.raises(ValueError, match="cadence"):
        Cadence(positions=5.0, indicator=1.0)


@pytest.mark.parametrize(
    "first",
    [
        "adl_monitor.core.venues",
        "adl_monitor.core.venues.record",
        "adl_monitor.core.ranking.scales",
        "adl_monitor.core.ranking.scales.venues",
        "adl_monitor.core.ranking.formulas",
        "adl_monitor.core.ranking.formulas.classic",
        "adl_monitor.core.model.account_spec",
        "adl_monitor.core.venues.display_names",
    ],
)
def test_the_table_loads_whichever_module_is_imported_first(first: str) -> None:
    # The table imports the scales and formulas, which read it back at call time: a fresh
    # interpreter starting from any of them must end with every lookup working.
    check = (
        f"import {first}\n"
        "from datetime import UTC, datetime\n"
        "from adl_monitor.core.ranking.formulas import formula_name\n"
        "from adl_monitor.core.ranking.scales import map_indicator\n"
        "from adl_monitor.core.venues.display_names import venue_display_name\n"
        "assert map_indicator('gate', 1, datetime.now(UTC)).tier == 5\n"
        "assert formula_name('htx') == 'htx' and venue_display_name('okx') == 'OKX'\n"
    )
    subprocess.run([sys.executable, "-c", check], check=True, timeout=120)
