"""The estimator's calibration on disk: a small JSON file, written atomically.

Kept apart from the history database on purpose: history may be turned off or set aside when
damaged, and the calibration (what score each venue puts in which tier) is worth keeping
regardless. A missing or unreadable file starts from the prior — never a failed start-up.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from adl_monitor.core.estimate.rank_estimator import RankEstimator

_log = logging.getLogger(__name__)


def load_estimator(path: Path | None) -> RankEstimator:
    if path is None:
        return RankEstimator()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return RankEstimator()
    except (OSError, ValueError) as error:
        _log.warning("calibration file %s unreadable (%s); starting from the prior", path, error)
        return RankEstimator()
    if not isinstance(data, dict):
        return RankEstimator()
    return RankEstimator.from_dict(data)


def save_estimator(estimator: RankEstimator, path: Path | None) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".calibration-", suffix=".json", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(estimator.to_dict(), handle)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as error:
        _log.warning("could not save calibration to %s: %s", path, error)
