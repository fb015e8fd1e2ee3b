"""`adl-monitor history list|export`: a real demo snapshot recorded in the real SQLite file,
then listed and exported, and the export read back."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest

from adl_monitor.cli import main
from adl_monitor.storage.demo_history import latest_run_path, runs
from adl_monitor.storage.history_export import SAMPLE_COLUMNS


@pytest.fixture
def recorded(capsys: pytest.CaptureFixture[str]) -> None:
    """Two demo snapshots recorded into the demo history (their output is not the point)."""
    assert main(["snapshot", "--demo", "--json"]) == 0
    assert main(["snapshot", "--demo", "--json"]) == 0
    capsys.readouterr()


def _rows_in_database() -> int:
    import sqlite3

    latest = latest_run_path()
    assert latest is not None
    with sqlite3.connect(latest) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM position_sample").fetchone()[0])


def test_list_names_every_recorded_position(
    recorded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", "list", "--demo", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    positions = listing["positions"]
    assert positions, "the demo snapshots recorded no position"
    assert sum(p["samples"] for p in positions) == _rows_in_database()
    assert {p["exchange"] for p in positions} >= {"bybit", "okx", "binanceusdm", "hyperliquid"}

    assert main(["history", "list", "--demo"]) == 0
    table = capsys.readouterr().out
    assert all(p["symbol"] in table for p in positions)


def test_csv_export_round_trips_every_row_to_a_private_file(
    recorded: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "export.csv"
    assert main(["history", "export", "--demo", "--csv", "--out", str(out)]) == 0
    assert f"to {out}" in capsys.readouterr().err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == _rows_in_database()
    assert tuple(rows[0]) == SAMPLE_COLUMNS
    assert all(row["time"].endswith("Z") and row["level"] for row in rows)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_json_export_filters_by_account_and_symbol(
    recorded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", "list", "--demo", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)["positions"][0]

    assert (
        main(
            [
                "history",
                "export",
                "--demo",
                "--json",
                "--account",
                first["account"],
                "--symbol",
                first["symbol"],
            ]
        )
        == 0
    )
    document = json.loads(capsys.readouterr().out)
    samples = document["samples"]
    assert samples and all(
        s["account"] == first["account"] and s["symbol"] == first["symbol"] for s in samples
    )
    assert len(samples) >= first["samples"]  # both sides of the symbol, if both are held
    assert document["filter"]["account"] == first["account"]
    assert isinstance(document["alerts"], list) and isinstance(document["account_events"], list)
    assert all(e["account"] == first["account"] for e in document["account_events"])


def test_since_in_the_future_exports_nothing_and_a_bad_since_is_refused(
    recorded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", "export", "--demo", "--csv", "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out.strip().splitlines() == [",".join(SAMPLE_COLUMNS)]

    assert main(["history", "export", "--demo", "--csv", "--since", "1h"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 1 + _rows_in_database()

    with pytest.raises(SystemExit) as exit_info:
        main(["history", "export", "--demo", "--csv", "--since", "yesterday"])
    assert exit_info.value.code == 2
    assert "ISO 8601" in capsys.readouterr().err


def test_no_history_yet_is_one_sentence_and_creates_no_database(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["history", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("No history yet at ") and err.count("\n") == 1
    assert main(["history", "export", "--csv"]) == 1
    assert main(["history", "list", "--demo"]) == 1
    assert runs() == []


def test_csv_cells_that_look_like_formulas_are_quoted(tmp_path: Path) -> None:
    from adl_monitor.storage.history_export import _as_csv

    row = dict.fromkeys(SAMPLE_COLUMNS, "")
    row["exchange_raw"] = '=HYPERLINK("http://evil.invalid")'
    text = _as_csv([row])
    assert "'=HYPERLINK" in text
