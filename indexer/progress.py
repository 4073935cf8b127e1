"""A one-line progress display for long loads: rows, rows per second, percentage and ETA."""
from __future__ import annotations

import sys
import time
from typing import Callable, TextIO


class Progress:
    def __init__(self, label: str, fraction: Callable[[], float | None] | None = None,
                 stream: TextIO | None = None, interval_s: float = 0.5):
        self.label = label
        self.fraction = fraction or (lambda: None)
        self.stream = stream or sys.stderr
        self.interval_s = interval_s
        self.started = time.monotonic()
        self._shown = 0.0
        self.count = 0

    def update(self, count: int) -> None:
        self.count = count
        now = time.monotonic()
        if now - self._shown >= self.interval_s:
            self._shown = now
            self._show(now)

    def _show(self, now: float, end: str = "\r") -> None:
        elapsed = max(now - self.started, 1e-9)
        rate = self.count / elapsed
        text = f"{self.label} : {self.count:,} lignes · {rate:,.0f} lignes/s".replace(",", " ")
        fraction = self.fraction()
        if fraction is not None and 0 < fraction < 1:
            remaining = elapsed * (1 - fraction) / fraction
            text += f" · {fraction:.0%} · reste {remaining:.0f} s"
        self.stream.write(text.ljust(78) + end)
        self.stream.flush()

    def finish(self) -> float:
        """Show the final line; return the elapsed seconds."""
        now = time.monotonic()
        self._show(now, end="\n")
        return now - self.started
