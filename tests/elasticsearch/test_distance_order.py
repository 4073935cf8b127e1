"""Exact distance order from Elasticsearch's slightly different one (no node needed).

A simulated index sorts by a distance off by up to a centimetre, as quantized geo_points are; pages
read through :mod:`directory.es_distance_order` must still follow the exact ``(distance, id)`` order.
"""
from __future__ import annotations

import bisect
import random

import pytest

from directory import es_distance_order as order
from directory.es_queries import DISTANCE_ERROR_KM


class SimulatedIndex:
    """Results sorted as Elasticsearch would: by a noisy distance, then id; filtered by another noisy distance."""

    def __init__(self, items: list[order.Ranked], seed: int = 0):
        self.items = sorted(items, key=lambda item: (item.es_distance, item.id))
        self.keys = [(item.es_distance, item.id) for item in self.items]
        rng = random.Random(seed)  # what the geo_distance filter sees: off the exact distance by up to E too
        self.filter_km = {item.id: item.exact_km + rng.uniform(-0.45, 0.45) * DISTANCE_ERROR_KM for item in self.items}
        self.fetches = 0

    def window(self, start: int, size: int) -> list[order.Ranked]:
        return self.items[start:start + size]

    def after(self, search_after: list, size: int) -> list[order.Ranked]:
        position = bisect.bisect_right(self.keys, tuple(search_after))
        return self.items[position:position + size]

    def fetch(self, search_after: list, size: int, backwards: bool) -> list[order.Ranked]:
        self.fetches += 1
        if backwards:
            position = bisect.bisect_left(self.keys, tuple(search_after))
            return list(reversed(self.items[max(0, position - size):position]))
        return self.after(search_after, size)

    def fetch_within(self, search_after: list, max_km: float, size: int) -> list[order.Ranked]:
        self.fetches += 1
        position = bisect.bisect_right(self.keys, tuple(search_after))
        found = [item for item in self.items[position:] if self.filter_km[item.id] <= max_km][:size]
        return [order.Ranked(item.es_distance, item.id, item.exact_km, None) for item in found]


def population(seed: int, places: int = 400, crowded: int = 0) -> list[order.Ranked]:
    """Places at random distances, many in near-ties, some shared by several practitioners."""
    rng = random.Random(seed)
    items, number = [], 0
    distances = [rng.uniform(0, 5) for _ in range(places)]
    distances += [d + rng.uniform(-1.5, 1.5) * DISTANCE_ERROR_KM for d in distances[: places // 2]]  # near-ties
    for index, exact in enumerate(distances):
        es = exact + rng.uniform(-0.45, 0.45) * DISTANCE_ERROR_KM  # the place's quantization error
        for _ in range(crowded if index == 7 else rng.choice([1, 1, 1, 2, 3])):
            number += 1
            items.append(order.Ranked(es_distance=es * 1000, id=f"x{rng.randrange(10**6):06d}-{number}", exact_km=exact, record={}))
    return items


def exact_ids(items):
    return [item.id for item in sorted(items, key=lambda item: item.key)]


def page_at(index: SimulatedIndex, page: int, per_page: int) -> list[str]:
    start = (page - 1) * per_page
    first = max(0, start - 1)
    ranked = order.page_at(index.window(first, per_page + 2), first, start, per_page, len(index.items), index.fetch,
                           index.fetch_within)
    return [item.id for item in ranked]


def walk(index: SimulatedIndex, per_page: int) -> list[str]:
    collected, key = [], None
    while True:
        if key is None:
            ranked = order.page_at(index.window(0, per_page + 2), 0, 0, per_page, len(index.items), index.fetch,
                                   index.fetch_within)
            more = per_page < len(index.items)
        else:
            size = per_page + 2
            window = index.after(order.search_after_for(key), size)
            ranked, more = order.page_after(key, window, size, per_page, index.fetch, index.fetch_within)
        collected += [item.id for item in ranked]
        if not more:
            return collected
        key = ranked[-1].key


def test_the_simulated_elasticsearch_order_really_differs_from_the_exact_one():
    index = SimulatedIndex(population(1))
    assert [item.id for item in index.items] != exact_ids(index.items)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("per_page", [1, 3, 20])
def test_every_page_at_an_offset_is_in_the_exact_order(seed, per_page):
    index = SimulatedIndex(population(seed))
    expected = exact_ids(index.items)
    pages = (len(expected) + per_page - 1) // per_page
    walked = [id_ for page in range(1, pages + 2) for id_ in page_at(index, page, per_page)]
    assert walked == expected


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("per_page", [1, 4, 25])
def test_a_cursor_walk_returns_every_result_once_in_the_exact_order(seed, per_page):
    index = SimulatedIndex(population(seed))
    assert walk(index, per_page) == exact_ids(index.items)


def test_a_crowded_place_across_a_page_boundary_is_read_in_a_few_requests():
    index = SimulatedIndex(population(3, places=50, crowded=700))
    expected = exact_ids(index.items)
    assert [id_ for page in range(1, 60) for id_ in page_at(index, page, 20)] == expected
    assert walk(index, 20) == expected
    index.fetches = 0
    page_at(index, 5, 20)
    assert index.fetches <= 6


def test_a_crowded_place_at_the_end_of_the_first_page_takes_one_more_request():
    rng = random.Random(5)
    crowd = [order.Ranked((1.0 + 0.3 * DISTANCE_ERROR_KM) * 1000, f"c{n:04d}", 1.0, {}) for n in range(700)]  # a commune's centre
    others = [order.Ranked((exact + rng.uniform(-0.45, 0.45) * DISTANCE_ERROR_KM) * 1000, f"o{n:04d}", exact, {})
              for n, exact in enumerate(1.0 + rng.uniform(-1.5, 8) * DISTANCE_ERROR_KM for _ in range(40))]
    index = SimulatedIndex(crowd + others)
    for per_page in (1, 20):
        index.fetches = 0
        assert page_at(index, 1, per_page) == exact_ids(index.items)[:per_page]
        assert index.fetches == 1


def test_every_page_of_a_crowded_place_is_exact():
    index = SimulatedIndex(population(6, places=30, crowded=300))
    expected = exact_ids(index.items)
    for per_page in (1, 7):
        assert [id_ for page in range(1, len(expected) // per_page + 2) for id_ in page_at(index, page, per_page)] == expected
        assert walk(index, per_page) == expected


def test_out_of_budget_the_page_keeps_elasticsearchs_order_at_its_edges(monkeypatch):
    monkeypatch.setattr(order, "MAX_EXTRA", 0)
    index = SimulatedIndex(population(2))
    ranked = page_at(index, 3, 10)
    assert sorted(ranked) == sorted(item.id for item in index.items[20:30])


def test_a_page_past_the_end_is_empty():
    index = SimulatedIndex(population(4, places=10))
    assert page_at(index, 50, 10) == []
