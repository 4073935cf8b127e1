"""The embedded backend picks how to read (place runs or full-text index); every way gives the same answer."""
from __future__ import annotations

import random
from dataclasses import replace

import pytest

import directory.sqlite_backend as sqlite_backend
from directory.backend import open_backend
from directory.model import BBox, Circle, SearchQuery
from tests.contract.oracle import expected


@pytest.fixture(scope="module")
def embedded(tmp_path_factory, generated_population):
    backend = open_backend(f"sqlite://{tmp_path_factory.mktemp('strategies') / 'index.sqlite3'}")
    backend.replace_all(iter(generated_population), data_date=None, demo=False)
    return backend


@pytest.mark.parametrize("lookup_cost", [0, 10**9], ids=["full-text index", "place runs"])
def test_words_near_a_place_give_the_same_answer_whichever_way_they_are_read(embedded, generated_population,
                                                                              monkeypatch, lookup_cost):
    monkeypatch.setattr(sqlite_backend, "TEXT_LOOKUP_COST", lookup_cost)
    monkeypatch.setattr(sqlite_backend, "SCAN_SMALL_PLACES", 0)
    rng = random.Random(3)
    for _ in range(25):
        anchor = rng.choice(generated_population)
        query = SearchQuery(text=anchor.nom[:3], circle=Circle(anchor.location.lat, anchor.location.lon, 30),
                            sort=rng.choice(["distance", "relevance", "name"]), per_page=5)
        total, facets, ids, _ = expected(generated_population, query)
        page = embedded.search(query)
        assert page.total == total and [hit.practitioner.id for hit in page.hits] == ids[:5]
        assert {entry.code: entry.count for entry in page.facets["profession"]} == dict(facets["profession"])


def test_a_deep_cursor_page_sorted_by_distance_is_the_same_as_the_offset_page(embedded, generated_population):
    query = SearchQuery(circle=Circle(48.8566, 2.3522, 30), per_page=10)
    _, _, ids, _ = expected(generated_population, query)
    page = embedded.search(query)
    for number in range(2, 8):
        page = embedded.search(replace(query, cursor=page.next_cursor))
        assert [hit.practitioner.id for hit in page.hits] == ids[(number - 1) * 10:number * 10]


def test_the_next_pages_of_a_search_reuse_its_counts_until_the_index_is_replaced(tmp_path, generated_population):
    backend = open_backend(f"sqlite://{tmp_path / 'index.sqlite3'}")
    backend.replace_all(iter(generated_population[:100]), data_date=None, demo=False)
    query = SearchQuery(circle=Circle(48.8566, 2.3522, 500), per_page=5)
    first = backend.search(query)
    second = backend.search(replace(query, cursor=first.next_cursor))
    assert (second.total, second.facets) == (first.total, first.facets)
    backend.replace_all(iter(generated_population[:60]), data_date=None, demo=False)
    assert backend.search(query).total == expected(generated_population[:60], query)[0] < first.total


@pytest.mark.parametrize("walk_cost", [0, 10**9], ids=["name index walked", "place rows sorted"])
def test_name_sorted_pages_over_a_place_are_the_same_whichever_way_they_are_read(embedded, generated_population,
                                                                                  monkeypatch, walk_cost):
    monkeypatch.setattr(sqlite_backend, "NAME_WALK_COST", walk_cost)
    rng = random.Random(8)
    for _ in range(20):
        anchor = rng.choice(generated_population)
        half = rng.choice([0.3, 1.0, 3.0])
        filters = rng.choice([{}, {"professions": (anchor.profession,)}, {"professions": ("10", "60")},
                              {"professions": (anchor.profession,), "sectors": ("1",)}])
        query = SearchQuery(bbox=BBox(anchor.location.lon - half, anchor.location.lat - half,
                                      anchor.location.lon + half, anchor.location.lat + half), per_page=4, **filters)
        _, _, ids, _ = expected(generated_population, query)
        page = embedded.search(query)
        assert [hit.practitioner.id for hit in page.hits] == ids[:4]
        if page.next_cursor is not None:
            following = embedded.search(replace(query, cursor=page.next_cursor))
            assert [hit.practitioner.id for hit in following.hits] == ids[4:8]
        assert [hit.practitioner.id for hit in embedded.search(replace(query, page=3)).hits] == ids[8:12]


def test_words_near_a_place_with_professions_in_any_order_or_repeated_find_every_match_once(embedded, generated_population, monkeypatch):
    monkeypatch.setattr(sqlite_backend, "TEXT_LOOKUP_COST", 0)
    monkeypatch.setattr(sqlite_backend, "SCAN_SMALL_PLACES", 0)
    rng = random.Random(4)
    for _ in range(15):
        anchor = rng.choice(generated_population)
        query = SearchQuery(text=anchor.nom[:2], circle=Circle(anchor.location.lat, anchor.location.lon, 60),
                            professions=("60", "10", "40", anchor.profession, "10"), per_page=50)
        total, _, ids, _ = expected(generated_population, query)
        page = embedded.search(query)
        assert page.total == total >= 1
        assert [hit.practitioner.id for hit in page.hits] == ids[:50]


def test_full_text_matches_are_kept_when_they_fall_in_a_run_of_the_place():
    runs = [(10, 12), (20, 20), (30, 40)]
    assert list(sqlite_backend.docs_in_runs([1, 10, 11, 13, 19, 20, 21, 29, 35, 40, 41, 99], runs)) == [10, 11, 20, 35, 40]
    assert list(sqlite_backend.docs_in_runs([5, 50], runs)) == []
    assert list(sqlite_backend.docs_in_runs([], runs)) == []


def test_threads_of_a_fresh_server_read_the_index_catalogue_once_and_all_get_their_answer(embedded, monkeypatch):
    import threading

    fresh = open_backend(f"sqlite://{embedded.path}")
    reads, original = [], fresh._read_catalogue
    monkeypatch.setattr(fresh, "_read_catalogue", lambda: reads.append(1) or original())
    query = SearchQuery(circle=Circle(48.8566, 2.3522, 50), professions=("10",))
    answers, start = [], threading.Barrier(8)

    def search() -> None:
        start.wait()
        answers.append(fresh.search(query).total)

    threads = [threading.Thread(target=search) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert reads == [1]
    assert answers == [embedded.search(query).total] * 8
