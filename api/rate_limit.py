"""Optional per-client rate limiting: an in-process token bucket keyed by client address.

Off by default (``ANNUAIRE_RATE_LIMIT_PER_MINUTE=0``). Each client may burst up to the per-minute
budget, which refills continuously. The buckets live in one process: under gunicorn each worker
counts on its own, so the effective limit is up to ``workers ×`` the setting; a reverse proxy in
front (nginx ``limit_req``) is the place for a global limit.
"""
from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from typing import Callable


class TokenBuckets:
    """``per_minute`` requests per minute per key, with a burst of ``per_minute``."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic, max_keys: int = 50_000):
        if per_minute <= 0:
            raise ValueError("per_minute doit être positif")
        self.capacity = float(per_minute)
        self.refill_per_s = per_minute / 60.0
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Spend one token for ``key``: 0 when allowed, else the seconds to wait before the next token."""
        now = self.clock()
        with self._lock:
            tokens, stamp = self._buckets.pop(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - stamp) * self.refill_per_s)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                wait = 0.0
            else:
                self._buckets[key] = (tokens, now)
                wait = (1 - tokens) / self.refill_per_s
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return wait


def retry_after_seconds(wait: float) -> str:
    return str(max(1, math.ceil(wait)))
