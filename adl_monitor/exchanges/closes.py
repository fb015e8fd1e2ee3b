"""Why positions closed or shrank between two reads: the venue's ADL evidence, judged.

A position that vanished or got smaller is checked against the venue's history once, in the
read that noticed it (docs/adl-evidence.md): ADL evidence makes it a hit, named by its source;
a fill of the user's own (or their liquidation) explains it; a position that *vanished* with
neither is an unconfirmed close — ADL is possible and the venue did not say. A position that
only shrank without evidence is not flagged: the user may have reduced it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from adl_monitor.core.account_reading import CloseCause, CloseEvidence, PositionKey


@dataclass(frozen=True, slots=True)
class ClosesVerdict:
    adl_hits: frozenset[PositionKey] = frozenset()
    adl_evidence: Mapping[PositionKey, str] = field(default_factory=dict)
    unconfirmed: frozenset[PositionKey] = frozenset()


def judge_closes(
    reduced: Collection[PositionKey],
    still_open: Collection[PositionKey],
    evidence: Mapping[PositionKey, CloseEvidence],
) -> ClosesVerdict:
    """The verdict on `reduced` (closed or smaller), given what the venue's history said."""
    adl = {
        key: found.source
        for key, found in evidence.items()
        if key in reduced and found.cause is CloseCause.ADL
    }
    unconfirmed = {key for key in reduced if key not in still_open and key not in evidence}
    return ClosesVerdict(frozenset(adl), adl, frozenset(unconfirmed))
