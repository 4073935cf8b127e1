"""Both backends answer alike: 10,000 generated practitioners, 250 randomized queries.

Same totals, same facet counts, the same ids in the same order (ties broken by id), distances
within a metre (they are computed the same way, so in fact to the float). Queries mix text, filters,
circles, boxes, the three sorts, pages and cursor walks; some circles and boxes pass exactly
through a practitioner, where Elasticsearch's quantized geo_points would otherwise decide wrongly.
"""
from __future__ import annotations

import random
from dataclasses import replace

import pytest

from directory.distance import great_circle_km
from directory.elasticsearch_backend import ElasticsearchBackend
from directory.model import BBox, Circle, SearchQuery
from tests.conftest import BackendFactory
from tests.contract.oracle import expected

pytestmark = pytest.mark.elasticsearch

SIZE, SEED, QUERIES = 10_000, 2024, 250


@pytest.fixture(scope="module")
def population():
    from geodata.reference import load_reference
    from indexer.generator import generate_population

    return list(generate_population(load_reference(), SIZE, seed=SEED))


@pytest.fixture(scope="module")
def backends(population, tmp_path_factory):
    factories = [BackendFactory(kind, tmp_path_factory.mktemp(f"parity-{kind}")) for kind in ("sqlite", "elasticsearch")]
    loaded = []
    for factory in factories:
        backend = factory()
        backend.replace_all(iter(population), data_date="2026-01-01", demo=True)
        loaded.append(backend)
    yield loaded
    for factory in factories:
        factory.cleanup()


def random_query(rng: random.Random, population) -> SearchQuery:
    anchor, other = rng.choice(population), rng.choice(population)
    query = SearchQuery(per_page=rng.choice([1, 5, 10, 20, 50, 100]), page=rng.choice([1, 1, 1, 2, 3, 7]))
    shape = rng.random()
    lat, lon = anchor.location.lat, anchor.location.lon
    if shape < 0.45:
        query = replace(query, circle=Circle(lat, lon, rng.choice([0.5, 1, 2, 5, 10, 30, 100])))
    elif shape < 0.55:  # the edge passes within a centimetre of a practitioner
        nearby = min(rng.sample(population, 200), key=lambda p: great_circle_km(lat, lon, p.location.lat, p.location.lon))
        radius = round(great_circle_km(lat, lon, nearby.location.lat, nearby.location.lon), 5)
        query = replace(query, circle=Circle(lat, lon, min(100.0, max(0.1, radius))))
    elif shape < 0.65:
        query = replace(query, bbox=BBox(lon - 0.3, lat - 0.2, lon + 0.3, lat + 0.2))
    elif shape < 0.72:  # two edges exactly on practitioners
        lons, lats = sorted([lon, other.location.lon]), sorted([lat, other.location.lat])
        query = replace(query, bbox=BBox(lons[0], lats[0], lons[1], lats[1]))
    elif shape < 0.8:
        query = replace(query, circle=Circle(lat, lon, 20.0), bbox=BBox(lon - 0.1, lat - 0.1, lon + 0.1, lat + 0.1))
    if rng.random() < 0.4:
        query = replace(query, professions=tuple(rng.sample(["10", "60", "70", "21", "40", "50"], rng.randint(1, 2))))
    if rng.random() < 0.15 and anchor.specialties:
        query = replace(query, specialties=(anchor.specialties[0],))
    if rng.random() < 0.25:
        query = replace(query, sectors=tuple(rng.sample(["1", "2", "1-dp", "nc"], rng.randint(1, 2))))
    if rng.random() < 0.15:
        query = replace(query, optam=rng.random() < 0.5)
    if rng.random() < 0.15:
        query = replace(query, carte_vitale=rng.random() < 0.5)
    if rng.random() < 0.1:
        query = replace(query, modes=(rng.choice(["L", "S", "B"]),))
    place = rng.random()
    if place < 0.08:
        query = replace(query, departement=anchor.address.departement)
    elif place < 0.12:
        query = replace(query, postal_code=anchor.address.postal_code)
    elif place < 0.15:
        query = replace(query, commune_code=anchor.address.commune_code)
    if rng.random() < 0.4:
        word = rng.choice([anchor.nom, anchor.prenom or "a", "medecin", "infirm", "general", "kine", "st",
                           f"{anchor.nom} {anchor.prenom or ''}", "pharma dupont"])
        query = replace(query, text=word[: rng.randint(1, max(1, len(word)))])
    sorts = ["name"] + (["distance"] if query.circle else []) + (["relevance"] if query.text else [])
    return replace(query, sort=rng.choice(sorts + [None]))


def answer(page):
    return (page.total, {name: [(entry.code, entry.count) for entry in entries] for name, entries in page.facets.items()},
            [hit.practitioner.id for hit in page.hits])


def assert_same_page(sqlite_page, es_page, query, population):
    if answer(sqlite_page) != answer(es_page):
        total, _, oracle_ids, _ = expected(population, query)
        start = (query.page - 1) * query.per_page if query.cursor is None else None
        pytest.fail(f"{query}\n sqlite: {answer(sqlite_page)[0]} {answer(sqlite_page)[2]}\n"
                    f" elasticsearch: {answer(es_page)[0]} {answer(es_page)[2]}\n"
                    f" oracle: {total} {oracle_ids[start:start + query.per_page] if start is not None else ''}")
    for ours, theirs in zip(sqlite_page.hits, es_page.hits):
        assert ours.practitioner == theirs.practitioner
        if query.circle is None:
            assert ours.distance_km is None and theirs.distance_km is None
        else:
            assert abs(ours.distance_km - theirs.distance_km) < 1e-3, query


def test_randomized_queries_get_the_same_answers_from_both_backends(backends, population, monkeypatch):
    sqlite, elasticsearch = backends
    bands = []
    original = ElasticsearchBackend._first_response

    def counting_bands(self, query, **page):
        response, inside = original(self, query, **page)
        bands.append(inside is not None)
        return response, inside

    monkeypatch.setattr(ElasticsearchBackend, "_first_response", counting_bands)
    rng = random.Random(SEED)
    walked = 0
    for _ in range(QUERIES):
        query = random_query(rng, population)
        sqlite_page, es_page = sqlite.search(query), elasticsearch.search(query)
        assert_same_page(sqlite_page, es_page, query, population)
        steps = rng.choice([0, 0, 1, 3])
        while steps and sqlite_page.next_cursor is not None:  # the cursors differ, the pages must not
            assert es_page.next_cursor is not None
            steps -= 1
            walked += 1
            sqlite_page = sqlite.search(replace(query, cursor=sqlite_page.next_cursor, facets=False))
            es_page = elasticsearch.search(replace(query, cursor=es_page.next_cursor, facets=False))
            assert_same_page(sqlite_page, es_page, replace(query, cursor=es_page.next_cursor), population)
        assert (sqlite_page.next_cursor is None) == (es_page.next_cursor is None), query
    assert walked > 50
    assert sum(bands) >= 5, "some edges must pass near practitioners, or the exact-edge path is untested"


def test_both_backends_count_the_whole_index_alike(backends):
    sqlite, elasticsearch = backends
    for facet in ("profession", "specialty", "sector"):
        assert sqlite.counts(facet) == elasticsearch.counts(facet)
    assert sqlite.info() == elasticsearch.info()


def test_both_backends_return_the_same_places_of_a_person(backends, population):
    sqlite, elasticsearch = backends
    for person in sorted({p.person_id for p in population})[::97]:
        assert sqlite.places_of(person) == elasticsearch.places_of(person)
