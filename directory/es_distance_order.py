"""Pages sorted by distance, in the exact order ``(great-circle distance, id)`` that both backends share.

Elasticsearch sorts by its own distance, computed on quantized geo_points: it differs from the exact
distance of the stored coordinates by less than :data:`~directory.es_queries.DISTANCE_ERROR_KM`
(:data:`E` below), and so does the distance its ``geo_distance`` filter tests. Two results whose
Elasticsearch distances are further apart than ``2 E`` are therefore in the exact order; only
*near-ties* (different places at almost the same distance) may be swapped.

The start of a page is found at a *clear cut*: a gap of more than ``2 E`` between two consecutive
Elasticsearch results, everything before which comes exactly before everything after it.
The end of a page is found by bounds: every result not fetched yet comes after the last one fetched,
so its exact distance is at least that one's Elasticsearch distance minus ``E``. Once the page's last
exact distance is below that bound, the page is complete. If it is not (a crowded place — a commune's
centre — spans the end of the page), one more request fetches *every* result up to the page's last
exact distance plus ``3 E`` (a ``geo_distance`` filter, so Elasticsearch sorts only those few, and
only their locations come back); whatever is still missing lies beyond, and the page is exact.
Practitioners at one same place are at exactly the same distance in both orders and tie on ids.

Pure functions: results come in through ``fetch(search_after, size, backwards)`` and
``fetch_within(search_after, max_km, size)`` callables.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .es_queries import DISTANCE_ERROR_KM, DISTANCE_SORT_UNITS_PER_KM

E = DISTANCE_ERROR_KM
CLEAR_GAP_KM = 2 * E
WITHIN_MARGIN_KM = 3 * E
"""How far past the page's last exact distance ``fetch_within`` reaches: beyond ``E`` (the filter's
error), with room for the filter's millimetre rounding."""
FIRST_EXTRA = 50
MAX_EXTRA = 5000


@dataclass(frozen=True, slots=True)
class Ranked:
    """One Elasticsearch result sorted by distance, with its exact distance (``record`` ``None``: not fetched).

    ``es_distance`` is Elasticsearch's sort value as it came (in metres: see :func:`~directory.es_queries.sort_clause`),
    so that ``search_after`` resumes exactly there.
    """

    es_distance: float
    id: str
    exact_km: float
    record: dict | None

    @property
    def es_km(self) -> float:
        return self.es_distance / DISTANCE_SORT_UNITS_PER_KM

    @property
    def key(self) -> tuple[float, str]:
        return (self.exact_km, self.id)

    @property
    def sort_values(self) -> list:
        return [self.es_distance, self.id]


Fetch = Callable[[list, int, bool], list[Ranked]]
"""``fetch(search_after, size, backwards)``: up to ``size`` results after (or, backwards, before) those
sort values, nearest to them first."""
FetchWithin = Callable[[list, float, int], list[Ranked]]
"""``fetch_within(search_after, max_km, size)``: up to ``size`` results after those sort values, nearest
first, among those Elasticsearch's ``geo_distance`` filter puts within ``max_km`` (records may be ``None``)."""


def clear_cut(before: Ranked, after: Ranked) -> bool:
    """Everything up to ``before`` comes exactly before everything from ``after`` on."""
    return after.es_km - before.es_km > CLEAR_GAP_KM


def _by_key(items: list[Ranked]) -> list[Ranked]:
    return sorted(items, key=lambda item: item.key)


def _complete(items: list[Ranked], candidates: list[Ranked], need: int, fetch_within: FetchWithin) -> list[Ranked] | None:
    """``candidates`` (exact order) extended until their first ``need`` are certain; ``None`` if out of budget.

    ``items`` are the results fetched so far in Elasticsearch's order; those not fetched come after
    the last one, so none is exactly nearer than ``items[-1].es_km - E``.
    """
    if candidates[need - 1].exact_km < items[-1].es_km - E:
        return candidates
    limit = candidates[need - 1].exact_km + WITHIN_MARGIN_KM
    more = fetch_within(items[-1].sort_values, limit, MAX_EXTRA)
    if len(more) >= MAX_EXTRA:
        return None
    # Every result still missing is beyond ``limit`` by the filter, so exactly beyond ``limit - E``.
    items.extend(more)
    return _by_key(candidates + more)


def page_at(window: list[Ranked], first: int, start: int, per_page: int, total: int, fetch: Fetch,
            fetch_within: FetchWithin) -> list[Ranked]:
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
    candidates = _by_key(items[low - first:])
    if first + len(items) < total:  # results not fetched yet may belong before the end of the page
        candidates = _complete(items, candidates, end - low, fetch_within) if budget > 0 else None
        if candidates is None:  # out of budget: Elasticsearch's order at this edge
            candidates = _by_key(items[low - first:end - first])
    return candidates[start - low:end - low]


def page_after(key: tuple[float, str], window: list[Ranked], window_size: int, per_page: int,
               fetch: Fetch, fetch_within: FetchWithin) -> tuple[list[Ranked], bool]:
    """The ``per_page`` results right after the exact ``key``, and whether more follow.

    ``window`` holds the Elasticsearch results after the sort values :func:`search_after_for` gave
    (``window_size`` asked for): every result exactly after ``key`` is among them or further.
    """
    items, exhausted = list(window), len(window) < window_size
    size = FIRST_EXTRA
    following = _by_key([item for item in items if item.key > key])
    while not exhausted and len(following) < per_page:  # too few yet: read on
        more = fetch(items[-1].sort_values, size, False) if items else []
        exhausted = len(more) < size
        items.extend(more)
        following = _by_key(following + [item for item in more if item.key > key])
        size = min(size * 2, 1000)
    if not exhausted:
        completed = _complete(items, following, per_page, fetch_within)
        following = following if completed is None else [item for item in completed if item.key > key]
    return following[:per_page], len(following) > per_page or not exhausted


def search_after_for(key: tuple[float, str]) -> list:
    """Elasticsearch sort values before every result that comes exactly after ``key``."""
    return [(key[0] - CLEAR_GAP_KM) * DISTANCE_SORT_UNITS_PER_KM, ""]
