"""Numbers given to `watch` and `snapshot`, on the command line or in the config, are checked:
a value that makes no sense is refused with a sentence naming the flag (or the setting) and
the allowed range — never accepted silently, never an OverflowError in the log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adl_monitor.cli import main
from adl_monitor.sim.demo import DEMO_API_KEY, DEMO_SECRET
from adl_monitor.sim.thread import SimExchangeThread
from tests.cli.conftest import write_config


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--count", "-1"], ["--count", "1 or more"]),
        (["--count", "0"], ["--count", "1 or more"]),
        (["--count", "two"], ["--count", "1 or more"]),
        (["--count", "1.5"], ["--count", "1 or more"]),
        (["--refresh", "-1"], ["--refresh", "from 0 to 600"]),
        (["--refresh", "1e15"], ["--refresh", "from 0 to 600"]),
        (["--refresh", "inf"], ["--refresh", "from 0 to 600"]),
        (["--refresh", "nan"], ["--refresh", "from 0 to 600"]),
        (["--refresh", "fast"], ["--refresh", "from 0 to 600"]),
    ],
)
def test_watch_refuses_a_count_or_refresh_out_of_range(
    flags: list[str], words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["watch", "--demo", *flags])
    assert exit_info.value.code == 2  # argparse's usage error: nothing was started
    err = capsys.readouterr().err
    assert "Traceback" not in err
    message = err.strip().splitlines()[-1]
    assert message.startswith("adl-monitor watch: error: argument --")
    for word in words:
        assert word in message


def test_refresh_zero_is_each_venues_own_pace(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watch", "--demo", "--json", "--count", "1", "--refresh", "0"]) == 0
    kinds = [json.loads(line)["type"] for line in capsys.readouterr().out.splitlines()]
    # One snapshot, first; alerts raised before it follow it (watch prints the picture first).
    assert kinds[0] == "snapshot" and kinds.count("snapshot") == 1


def _config_with_refresh(config_path: Path, sim: SimExchangeThread, value: str) -> Path:
    write_config(
        config_path,
        {"name": "my bybit", "exchange": "bybit", "api_url": sim.sim.venue_url("bybit")},
    )
    with config_path.open("a", encoding="utf-8") as file:
        file.write(f"\n[settings]\nrefresh_seconds = {value}\n")
    return config_path


@pytest.mark.parametrize("value", ["1e15", "inf", "nan", "-1", '"fast"'])
def test_a_bad_refresh_in_the_config_is_one_sentence_and_the_default_is_used(
    value: str,
    sim: SimExchangeThread,
    config_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _config_with_refresh(config_path, sim, value)
    monkeypatch.setenv("ADLMON_MY_BYBIT_API_KEY", DEMO_API_KEY)
    monkeypatch.setenv("ADLMON_MY_BYBIT_SECRET", DEMO_SECRET)

    code = main(["snapshot", "--config", str(config_path), "--json"])

    out, err = capsys.readouterr()
    assert code == 0
    assert [a["name"] for a in json.loads(out)["accounts"]] == ["my bybit"]
    said = [line for line in err.splitlines() if line.strip()]
    assert len(said) == 1, said
    assert "refresh_seconds" in said[0] and "from 0 to 600" in said[0]
    assert "default" in said[0] and "Traceback" not in err
