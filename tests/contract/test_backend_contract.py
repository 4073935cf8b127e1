"""The backend contract: every backend answers these the same way.

Run against every kind of backend (see ``BACKEND_KINDS`` in ``tests/conftest.py``).
"""
from __future__ import annotations

import random
from dataclasses import replace

import pytest

from directory.model import FACET_FIELDS, BBox, Circle, SearchQuery
from tests.contract.dataset import PARIS, contract_population
from tests.contract.oracle import expected, haversine_km

POPULATION = contract_population()


@pytest.fixture(scope="module")
def loaded(module_backend_factory):
    backend = module_backend_factory()
    backend.replace_all(iter(POPULATION), data_date="2026-10-08", demo=True)
    return backend


def ids(page):
    return [hit.practitioner.id for hit in page.hits]


def facet_dict(page, name):
    return {entry.code: entry.count for entry in page.facets[name]}


def all_ids(backend, query: SearchQuery) -> list[str]:
    """Every matching id, walking the cursor."""
    collected, page = [], backend.search(replace(query, per_page=3))
    collected += ids(page)
    while page.next_cursor is not None:
        page = backend.search(replace(query, per_page=3, cursor=page.next_cursor))
        collected += ids(page)
    return collected


def test_loading_reports_the_documents_and_the_provenance(loaded):
    info = loaded.info()
    assert (info.documents, info.data_date, info.demo) == (len(POPULATION), "2026-10-08", True)


def test_a_practitioner_comes_back_exactly_as_loaded(loaded):
    for practitioner in POPULATION:
        assert loaded.get(practitioner.id) == practitioner


def test_an_unknown_id_is_not_found(loaded):
    assert loaded.get("nobody-1") is None


def test_places_of_a_person_lists_all_of_them(loaded):
    assert [p.id for p in loaded.places_of("p01")] == ["p01-1", "p01-2"]


@pytest.mark.parametrize("query", [
    SearchQuery(professions=("10",)),
    SearchQuery(professions=("60", "70")),
    SearchQuery(specialties=("SM54",)),
    SearchQuery(sectors=("2",)),
    SearchQuery(sectors=("1", "1-dp")),
    SearchQuery(optam=True),
    SearchQuery(optam=False, professions=("10",)),
    SearchQuery(carte_vitale=False),
    SearchQuery(modes=("S",)),
    SearchQuery(postal_code="75009"),
    SearchQuery(commune_code="2A004"),
    SearchQuery(departement="69"),
    SearchQuery(bbox=BBox(2.3, 48.8, 2.36, 48.87)),
    SearchQuery(professions=("10",), sectors=("2",), optam=True),
], ids=repr)
def test_filters_select_exactly_the_matching_practitioners(loaded, query):
    total, facets, expected_ids, _ = expected(POPULATION, query)
    page = loaded.search(replace(query, per_page=100))
    assert page.total == total
    assert sorted(ids(page)) == sorted(expected_ids)
    assert ids(page) == expected_ids
    assert expected_ids, "each filter case must match someone, or it proves nothing"


@pytest.mark.parametrize("text, expected_id", [
    ("lefevre", "p03-1"), ("LEFÈVRE", "p03-1"), ("Lefèvre chloe", "p03-1"),
    ("coeur", "p04-1"), ("Cœur", "p04-1"),
    ("st etienne", "p05-1"), ("Saint-Étienne", "p05-1"), ("saint etienne", "p05-1"),
    ("cardiologie", "p02-1"), ("ophtalmologue", "p03-1"), ("marie ange", "p10-1"), ("Marie-Ange", "p10-1"),
])
def test_text_matches_accent_case_and_hyphen_insensitively(loaded, text, expected_id):
    page = loaded.search(SearchQuery(text=text))
    assert expected_id in ids(page)


def test_text_matches_word_prefixes_and_requires_every_word(loaded):
    assert set(ids(loaded.search(SearchQuery(text="mart")))) == {"p01-1", "p01-2", "p07-1"}
    assert ids(loaded.search(SearchQuery(text="martin hugo"))) == ["p07-1"]
    assert loaded.search(SearchQuery(text="martin zzz")).total == 0


@pytest.mark.parametrize("text", ['NEAR(a b)', '"', '")', "*", "nom:x OR 1=1", "a AND b", "'; DROP TABLE x; --",
                                  "(((", "^", "-martin"])
def test_query_syntax_in_text_is_matched_as_plain_words(loaded, text):
    page = loaded.search(SearchQuery(text=text))
    total, _, expected_ids, _ = expected(POPULATION, SearchQuery(text=text))
    assert (page.total, ids(page)) == (total, expected_ids)


def test_relevance_ranks_a_name_match_before_a_first_name_or_label_match(loaded):
    page = loaded.search(SearchQuery(text="martin", sort="relevance"))
    assert ids(page)[:2] == ["p01-1", "p01-2"]
    total, _, expected_ids, _ = expected(POPULATION, SearchQuery(text="medecin", sort="relevance"))
    assert ids(loaded.search(SearchQuery(text="medecin", sort="relevance", per_page=100))) == expected_ids


def test_circle_search_returns_practitioners_within_the_radius_nearest_first(loaded):
    query = SearchQuery(circle=Circle(*PARIS, 5.0), per_page=100)
    page = loaded.search(query)
    distances = [hit.distance_km for hit in page.hits]
    assert distances == sorted(distances)
    for hit in page.hits:
        independent = haversine_km(*PARIS, hit.practitioner.location.lat, hit.practitioner.location.lon)
        assert hit.distance_km == pytest.approx(independent, abs=1e-3)
        assert independent <= 5.0
    outside = [p.id for p in POPULATION if haversine_km(*PARIS, p.location.lat, p.location.lon) > 5.0]
    assert not set(ids(page)) & set(outside)
    assert page.total == expected(POPULATION, query)[0] == 7


def test_a_circle_on_the_greenwich_meridian_and_at_lat_0_lon_0_works(loaded):
    assert ids(loaded.search(SearchQuery(circle=Circle(47.0, 0.0, 1.0)))) == ["p11-1"]
    page = loaded.search(SearchQuery(circle=Circle(0.0, 0.0, 100.0)))
    assert (page.total, ids(page)) == (0, [])


def test_without_a_point_distance_is_none(loaded):
    assert all(hit.distance_km is None for hit in loaded.search(SearchQuery(professions=("10",))).hits)


def test_facets_count_all_matches_not_just_the_page(loaded):
    query = SearchQuery(circle=Circle(*PARIS, 50.0), per_page=2)
    page = loaded.search(query)
    total, facets, _, _ = expected(POPULATION, query)
    assert len(page.hits) == 2 and page.total == total
    for name in FACET_FIELDS:
        assert facet_dict(page, name) == dict(facets[name])
    assert sum(facet_dict(page, "profession").values()) == page.total


def test_facets_are_ordered_by_count_then_code(loaded):
    page = loaded.search(SearchQuery())
    for entries in page.facets.values():
        keys = [(-entry.count, entry.code) for entry in entries]
        assert keys == sorted(keys)


def test_pages_follow_each_other_and_a_page_past_the_end_is_empty_with_the_exact_total(loaded):
    query = SearchQuery(professions=("10",), per_page=2)
    _, _, expected_ids, _ = expected(POPULATION, query)
    walked = []
    for number in range(1, 5):
        walked += ids(loaded.search(replace(query, page=number)))
    assert walked == expected_ids
    beyond = loaded.search(replace(query, page=50))
    assert (beyond.total, ids(beyond), beyond.next_cursor) == (len(expected_ids), [], None)


@pytest.mark.parametrize("query", [
    SearchQuery(),
    SearchQuery(circle=Circle(*PARIS, 20.0)),
    SearchQuery(text="d", sort="relevance"),
    SearchQuery(text="medecin"),
], ids=repr)
def test_a_cursor_walk_returns_every_match_once_in_order(loaded, query):
    _, _, expected_ids, _ = expected(POPULATION, query)
    assert all_ids(loaded, query) == expected_ids


def test_a_cursor_from_another_query_is_refused(loaded):
    from directory.backend import InvalidCursor

    page = loaded.search(SearchQuery(professions=("10",), per_page=1))
    with pytest.raises(InvalidCursor):
        loaded.search(SearchQuery(professions=("60",), per_page=1, cursor=page.next_cursor))
    with pytest.raises(InvalidCursor):
        loaded.search(SearchQuery(cursor="not-a-cursor"))


def test_sort_by_name_orders_by_normalized_name_then_first_name(loaded):
    names = [(hit.practitioner.nom, hit.practitioner.prenom) for hit in loaded.search(SearchQuery(per_page=100)).hits]
    assert names[:4] == [("BERNARD", "Paul"), ("CŒUR", "Anne"), ("DUPONT", "Alain"), ("DUPONT", "Éric")]


def test_counts_cover_the_whole_index(loaded):
    assert loaded.counts("profession") == {"10": 7, "60": 2, "70": 1, "40": 1, "50": 1, "21": 1}
    assert loaded.counts("specialty")["SM54"] == 4


def test_a_new_load_replaces_the_previous_index_entirely(backend_factory):
    backend = backend_factory()
    backend.replace_all(iter(POPULATION), data_date="1", demo=False)
    backend.replace_all(iter(POPULATION[:3]), data_date="2", demo=False)
    assert backend.info().documents == 3
    assert backend.get(POPULATION[5].id) is None
    assert backend.search(SearchQuery()).total == 3


def test_random_queries_agree_with_brute_force_on_a_generated_population(module_backend_factory, generated_population):
    backend = module_backend_factory("generated")
    backend.replace_all(iter(generated_population), data_date=None, demo=True)
    rng = random.Random(7)
    for _ in range(60):
        query = random_query(rng, generated_population)
        total, facets, expected_ids, distances = expected(generated_population, query)
        page = backend.search(query)
        start = (query.page - 1) * query.per_page
        assert page.total == total, query
        assert ids(page) == expected_ids[start:start + query.per_page], query
        for name in FACET_FIELDS:
            assert facet_dict(page, name) == dict(facets[name]), query
        for hit in page.hits:
            if query.circle is not None:
                assert hit.distance_km == pytest.approx(distances[hit.practitioner.id], abs=1e-3)


def random_query(rng: random.Random, population) -> SearchQuery:
    """A random mix of text, filters, circle, bbox, sort orders and pages."""
    anchor = rng.choice(population)
    query = SearchQuery(per_page=rng.choice([5, 10, 20]), page=rng.choice([1, 1, 2, 3]))
    if rng.random() < 0.6:
        query = replace(query, circle=Circle(anchor.location.lat, anchor.location.lon, rng.choice([1, 5, 10, 30, 100])))
    elif rng.random() < 0.3:
        lat, lon = anchor.location.lat, anchor.location.lon
        query = replace(query, bbox=BBox(lon - 0.3, lat - 0.2, lon + 0.3, lat + 0.2))
    if rng.random() < 0.5:
        query = replace(query, professions=(rng.choice(["10", "60", "70", "21"]),))
    if rng.random() < 0.3:
        query = replace(query, sectors=tuple(rng.sample(["1", "2", "1-dp", "nc"], rng.randint(1, 2))))
    if rng.random() < 0.2:
        query = replace(query, optam=rng.random() < 0.5)
    if rng.random() < 0.2:
        query = replace(query, carte_vitale=rng.random() < 0.5)
    if rng.random() < 0.1:
        query = replace(query, modes=("S",))
    if rng.random() < 0.1:
        query = replace(query, departement=anchor.address.departement)
    if rng.random() < 0.3:
        word = rng.choice([anchor.nom, anchor.prenom or "a", "medecin", "infirm", "general"])
        query = replace(query, text=word[: rng.randint(2, max(2, len(word)))])
    sorts = ["name"] + (["distance"] if query.circle else []) + (["relevance"] if query.text else [])
    return replace(query, sort=rng.choice(sorts + [None]))


def test_an_embedded_index_of_another_format_is_unavailable_until_rebuilt(tmp_path):
    import sqlite3

    from directory.backend import BackendUnavailable, open_backend

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        connection.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    backend = open_backend(f"sqlite://{path}")
    with pytest.raises(BackendUnavailable, match="autre format"):
        backend.info()
    backend.replace_all(iter(POPULATION[:2]), data_date=None, demo=False)
    assert backend.info().documents == 2


def test_an_embedded_query_slower_than_the_timeout_is_given_up_as_unavailable(tmp_path, generated_population):
    from directory.backend import BackendSettings, BackendUnavailable, open_backend

    path = tmp_path / "slow.sqlite3"
    open_backend(f"sqlite://{path}").replace_all(iter(generated_population), data_date=None, demo=False)
    impatient = open_backend(f"sqlite://{path}", BackendSettings(timeout_s=0.0))
    with pytest.raises(BackendUnavailable, match="interrompue"):
        impatient.search(SearchQuery())
    assert open_backend(f"sqlite://{path}").search(SearchQuery()).total == len(generated_population)
