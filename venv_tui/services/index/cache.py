"""The index's answers, kept in the cache folder so a second look (or a look offline) asks nothing.

One JSON file per index and project name: ``CACHE/index/<hash of the index URL>/<name>.json``
holding the time it was fetched and what the outdated check needs from the answer. Written
atomically; a file that cannot be read or parsed is simply not a cached answer. Fresh answers
(younger than ``index_cache_hours``) are used instead of asking; stale ones only when the index
cannot be reached, and then the report says how old they are.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_FORMAT = 1  # bump when the stored shape changes; older files are then ignored


@dataclass(frozen=True)
class Cached:
    payload: dict[str, Any]
    fetched_at: float  # seconds since the epoch

    def fresh(self, hours: float, now: float | None = None) -> bool:
        age = (time.time() if now is None else now) - self.fetched_at
        return 0 <= age < hours * 3600


class AnswerCache:
    """Answers of one or more indexes under ``folder`` (the platformdirs cache folder)."""

    def __init__(self, folder: str) -> None:
        self.folder = os.path.join(folder, "index")

    def path(self, index_url: str, name: str) -> str:
        # ``name`` is a canonical project name ([a-z0-9-]): safe as a file name.
        key = hashlib.sha256(index_url.encode("utf-8", "surrogateescape")).hexdigest()[:24]
        return os.path.join(self.folder, key, f"{name}.json")

    def load(self, index_url: str, name: str) -> Cached | None:
        from venv_tui.errors import VenvTuiError
        from venv_tui.files import LIMIT_CONFIG, read_bytes

        try:
            data = json.loads(read_bytes(self.path(index_url, name), LIMIT_CONFIG))
        except (ValueError, VenvTuiError):  # missing, unreadable or damaged: not cached
            return None
        if not isinstance(data, dict) or data.get("format") != _FORMAT or data.get("index") != index_url:
            return None
        fetched = data.get("fetched_at")
        payload = data.get("payload")
        if not isinstance(payload, dict) or not isinstance(fetched, (int, float)):
            return None
        if isinstance(fetched, bool):
            return None
        return Cached(payload, float(fetched))

    def store(self, index_url: str, name: str, payload: Mapping[str, Any], now: float | None = None) -> None:
        """Keep ``payload``; a cache folder that cannot be written costs a request next time."""
        from venv_tui.config import write_atomic

        record = {
            "format": _FORMAT,
            "index": index_url,
            "fetched_at": time.time() if now is None else now,
            "payload": dict(payload),
        }
        try:
            write_atomic(self.path(index_url, name), json.dumps(record, separators=(",", ":")).encode())
        except OSError:
            pass


def cache_hours(config: object, default: float = 6.0) -> float:
    """The config's ``index_cache_hours`` (a number of hours, 0 = always ask), else the default."""
    value = getattr(config, "index_cache_hours", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    return default
