"""Markets kept on disk between runs, so start-up restores them instead of downloading them.

A venue's market list is hundreds of kilobytes and changes rarely; `set_markets()` on a cached
copy takes milliseconds where `load_markets()` takes a round trip or more. The file is keyed by
venue and host (a testnet or the simulator has other markets than the real venue).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adl_monitor.core.security.private_files import private_dir, write_private

MAX_AGE_SECONDS = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class CachedMarkets:
    markets: dict[str, Any]
    saved_at: float

    def is_old(self, now: float | None = None) -> bool:
        return ((now if now is not None else time.time()) - self.saved_at) > MAX_AGE_SECONDS


def cache_file(cache_dir: Path, exchange_id: str, api_url: str | None) -> Path:
    host = hashlib.sha256((api_url or "default").encode()).hexdigest()[:12]
    return cache_dir / f"markets-{exchange_id}-{host}.json"


def load(path: Path) -> CachedMarkets | None:
    """The cached markets, or None when absent or unreadable (a broken cache is just a miss)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict):
        return None
    markets = document.get("markets")
    saved_at = document.get("saved_at")
    if not isinstance(markets, dict) or not markets or not isinstance(saved_at, int | float):
        return None
    return CachedMarkets(markets=markets, saved_at=float(saved_at))


def save(path: Path, markets: dict[str, Any]) -> None:
    """Write atomically, so a crash mid-write never leaves a half file behind."""
    private_dir(path.parent, tighten_existing=False)
    document = {"saved_at": time.time(), "markets": markets}
    # 0600: the hosts in the cache say which venues (and testnets) the user trades on.
    write_private(path, json.dumps(document, default=str).encode("utf-8"))
