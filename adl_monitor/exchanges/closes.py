"""Why positions closed or shrank between two reads: the venue's ADL evidence, judged.

A position that vanished or got smaller is checked against the venue's history once, in the
read that noticed it (docs/adl-evidence.md): ADL evidence makes it a hit, named by its source;
a fill of the user's own (or their liquidation) explains it; a position that *vanished* with
neither is an unconfirmed close — ADL is possible and the venue did not say. A position that
only shrank without evidence is not flagged: the user may have reduced it.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from adl_monitor.core.model.account_reading import CloseCause, CloseEvidence
from adl_monitor.core.model.position import QueueKey


@dataclass(frozen=True, slots=True)
class ClosesVerdict:
    adl_hits: frozenset[QueueKey] = frozenset()
    adl_evidence: Mapping[QueueKey, str] = field(default_factory=dict)
    unconfirmed: frozenset[QueueKey] = frozenset()


def judge_closes(
    reduced: Collection[QueueKey],
    still_open: Collection[QueueKey],
    evidence: Mapping[QueueKey, CloseEvidence],
) -> ClosesVerdict:
    """The verdict on `reduced` (closed or smaller), given what the venue's history said."""
    adl = {
        key: found.source
        for key, found in evidence.items()
        if key in reduced and found.cause is CloseCause.ADL
    }
    unconfirmed = {key for key in reduced if key not in still_open and key not in evidence}
    return ClosesVerdict(frozenset(adl), adl, frozenset(unconfirmed))


@dataclass(frozen=True, slots=True)
class HistoryRecord:
    """One row of a venue's trade or position history, read into what matching needs.

    `record` is the row's identity (it counts once); `at_ms` its time, when the venue was not
    already asked for rows since start; `evidence` None for a row that closed nothing.
    """

    record: object
    symbol: str | None
    side: str | None
    evidence: CloseEvidence | None
    at_ms: float | None = None


def match_records(
    records: Iterable[HistoryRecord | None], reduced: Collection[QueueKey], seen: SeenRecords
) -> dict[QueueKey, CloseEvidence]:
    """What the rows say about the positions that closed or shrank; ADL evidence wins over a
    fill of the user's own. Each matched row is remembered, so it never counts again."""
    found: dict[QueueKey, CloseEvidence] = {}
    for row in records:
        if row is None or row.evidence is None or row.symbol is None or row.side is None:
            continue
        key = QueueKey(row.symbol, row.side)
        if key not in reduced or not seen.is_new(row.record, row.at_ms):
            continue
        seen.add(row.record)
        if row.evidence.cause is CloseCause.ADL or key not in found:
            found[key] = row.evidence
    return found


class SeenRecords:
    """A venue's history records already matched to a close, and the moment (the connector's
    start) before which a record is old news: each record counts once, and an ADL close from
    before the app started is not announced as new."""

    def __init__(self) -> None:
        self.since_ms = int(time.time() * 1000)
        self._seen: set[object] = set()

    def is_new(self, record: object, at_ms: float | None = None) -> bool:
        """Not matched before, and (when the record's time is given) not older than start."""
        return record not in self._seen and (at_ms is None or at_ms >= self.since_ms)

    def add(self, record: object) -> None:
        self._seen.add(record)
