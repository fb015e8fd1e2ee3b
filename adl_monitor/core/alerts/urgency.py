"""Whether a reading may raise an alert: such a reading is published at once, not coalesced.

The engine gathers readings that arrive within a short window (`coalesce_seconds`) into one
snapshot, so that accounts answering together cost one snapshot, not a burst. A reading that
turns a position orange or red, or reports an ADL, must not wait for that window: it is the
moment the trader is paying the app for (benchmarks/warning_latency.py measures it).

Only what the reading itself says is looked at — the venue's own tier and its ADL reports —
because the estimate needs the snapshot to be built. A rise that only the estimate sees still
reaches the alert rules, one coalescing window later.
"""

from __future__ import annotations

from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.model.levels import Level, level_for_tier

ALARMING = Level.ORANGE


def may_raise_alert(previous: AccountReading | None, reading: AccountReading) -> bool:
    """True when `reading` reports an ADL or a close the venue did not explain, or puts a
    position's venue tier at orange or red above where the previous reading had it."""
    if reading.adl_hits or reading.unconfirmed_closes:
        return True
    before = previous.adl if previous is not None else {}
    for key, indicator in reading.adl.items():
        level = level_for_tier(indicator.tier)
        if level < ALARMING:
            continue
        earlier = before.get(key)
        if earlier is None or level > level_for_tier(earlier.tier):
            return True
    return False
