"""Pages sorted by distance, in the exact order ``(great-circle distance, id)`` that both backends share.

Elasticsearch sorts by its own distance, computed on quantized geo_points: it differs from the exact
distance of the stored coordinates by less than :data:`~directory.es_queries.DISTANCE_ERROR_KM`.
Two results whose Elasticsearch distances are further apart than twice that bound are therefore in
the exact order; only *near-ties* (different places at almost the same distance) may be swapped.

So a page is cut at *clear cuts*: a gap of more than twice the bound between two consecutive
Elasticsearch results. Everything before a clear cut comes before everything after it, exactly.
Between the clear cut before the page and the one after it, results are re-sorted by the exact key.
Usually the page's two neighbours (fetched with it) already show both cuts; otherwise a few more
results are fetched around the page (:data:`MAX_EXTRA`, after which Elasticsearch's order is kept).
Practitioners at one same place are at exactly the same distance in both orders and tie on ids.

Pure functions: results come in through a ``fetch(search_after, size, backwards)`` callable.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .es_queries import DISTANCE_ERROR_KM

CLEAR_GAP_KM = 2 * DISTANCE_ERROR_KM
FIRST_EXTRA = 50
MAX_EXTRA = 5000


@dataclass(frozen=True, slots=True)
class Ranked:
    """One Elasticsearch result sorted by distance, with its exact distance."""

    es_km: float
    id: str
    exact_km: float
    record: dict

    @property
    def key(self) -> tuple[float, str]:
        return (self.exact_km, self.id)

    @property
    def sort_values(self) -> list:
        return [self.es_km, self.id]


Fetch = Callable[[list, int, bool], list[Ranked]]
"""``fetch(search_after, size, backwards)``: up to ``size`` results after (or, backwards, before) those
sort values, nearest to them first."""


def clear_cut(before: Ranked, after: Ranked) -> bool:
    """Everything up to ``before`` comes exactly before everything from ``after`` on."""
    return after.es_km - before.es_km > CLEAR_GAP_KM


def page_at(window: list[Ranked], first: int, start: int, per_page: int, total: int, fetch: Fetch) -> list[Ranked]:
    """Results ``start … start+per_page`` in the exact order.

    ``window`` holds the Elasticsearch results at positions ``first, first+1, …`` and covers
    ``start-1 … start+per_page`` (the page and its two neighbours) where they exist.
    """
    end = min(start + per_page, total, first + len(window))
    if start >= end:
        return []
    items, budget, size = list(window), MAX_EXTRA, FIRST_EXTRA

    def cut_between(position: int) -> bool:
        return clear_cut(items[position - 1 - first], items[position - first])

    while True:  # the last clear cut at or before the start of the page
        low = next((c for c in range(start, first, -1) if cut_between(c)), None)
        if low is not None or first == 0:
            low = low or 0
            break
        more = fetch(items[0].sort_values, min(size, budget), True) if budget > 0 else []
        if not more:
            low = start  # out of budget: Elasticsearch's order at this edge
            break
        items[:0] = reversed(more)
        first, budget, size = first - len(more), budget - len(more), size * 2
    while True:  # the first clear cut at or after the end of the page
        loaded = first + len(items)
        high = end if end >= total else next((c for c in range(end, loaded) if cut_between(c)), None)
        if high is not None:
            break
        more = fetch(items[-1].sort_values, min(size, budget), False) if budget > 0 and loaded < total else []
        if not more:
            high = loaded if loaded >= total else end  # the end, or out of budget: Elasticsearch's order
            break
        items.extend(more)
        budget, size = budget - len(more), size * 2
    segment = sorted(items[low - first:high - first], key=lambda item: item.key)
    return segment[start - low:end - low]


def page_after(key: tuple[float, str], window: list[Ranked], window_size: int, per_page: int,
               fetch: Fetch) -> tuple[list[Ranked], bool]:
    """The ``per_page`` results right after the exact ``key``, and whether more follow.

    ``window`` holds the Elasticsearch results after the sort values :func:`search_after_for` gave
    (``window_size`` asked for): every result exactly after ``key`` is among them or further.
    """
    items, exhausted = list(window), len(window) < window_size
    budget, size = MAX_EXTRA, FIRST_EXTRA

    def first_cut_after_a_page() -> int | None:
        found = 0
        for position, item in enumerate(items):
            if found >= per_page and clear_cut(items[position - 1], item):
                return position
            found += item.key > key
        return None

    while True:
        high = first_cut_after_a_page()
        if high is not None:
            break
        following = sum(item.key > key for item in items)
        if exhausted or (budget <= 0 and following >= per_page):
            high = len(items)  # the end, or out of budget: Elasticsearch's order at this edge
            break
        more = fetch(items[-1].sort_values, size, False) if items else []
        exhausted = len(more) < size
        items.extend(more)
        budget, size = budget - len(more), min(size * 2, 1000)
    following = sorted((item for item in items[:high] if item.key > key), key=lambda item: item.key)
    more_after = high < len(items) or not exhausted
    return following[:per_page], len(following) > per_page or more_after


def search_after_for(key: tuple[float, str]) -> list:
    """Elasticsearch sort values before every result that comes exactly after ``key``."""
    return [key[0] - CLEAR_GAP_KM, ""]
