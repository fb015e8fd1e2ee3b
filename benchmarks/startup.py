"""Start-up: opening a connector with its markets cached on disk (`set_markets`) against a
first start that downloads them (`load_markets`), per venue, on the same loopback simulator.

Loopback hides the real cost of the download (hundreds of kilobytes, and on Binance several
requests): against a real venue the gap is far wider than measured here.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from adl_monitor.exchanges.registry import connector_for
from benchmarks.common import Row, demo_accounts, ms, start_sim


async def run(repeats: int) -> list[Row]:
    sim = start_sim()
    rows: list[Row] = []
    root = Path(tempfile.mkdtemp(prefix="adlmon-bench-"))
    try:
        accounts, credentials = demo_accounts(sim)
        for spec in accounts:
            cold: list[float] = []
            warm: list[float] = []
            for attempt in range(max(3, repeats // 5)):
                cache = root / f"{spec.exchange}-{attempt}"
                for samples in (cold, warm):  # first open downloads, second restores
                    connector = connector_for(spec, credentials(spec), cache_dir=cache)
                    started = time.perf_counter()
                    await connector.open()
                    samples.append(time.perf_counter() - started)
                    await connector.close()
            cold_time, warm_time = statistics.median(cold), statistics.median(warm)
            rows.append(
                Row(
                    f"start-up, cached markets: {spec.exchange}",
                    f"{ms(warm_time)} vs {ms(cold_time)}",
                    f"{warm_time / cold_time:.2f}×",
                    "set_markets from disk vs load_markets",
                )
            )
    finally:
        sim.stop()
        shutil.rmtree(root, ignore_errors=True)
    return rows
