"""Deep pagination with ``cursor`` over 26,000 generated practitioners, on every backend:
every id comes back exactly once, in order, past the 10,000 that ``page`` can reach."""
from __future__ import annotations

import pytest

from api.app import create_app
from api.search_params import MAX_OFFSET_WINDOW

POPULATION_SIZE = 26_000
SEED = 2606


@pytest.fixture(scope="module")
def population():
    from geodata.reference import load_reference
    from indexer.generator import generate_population

    return list(generate_population(load_reference(), POPULATION_SIZE, SEED))


@pytest.fixture(scope="module")
def deep_client(module_backend_factory, population):
    from geodata.reference import load_reference

    backend = module_backend_factory()
    backend.replace_all(iter(population), data_date="2026-10-08", demo=True)
    return create_app({"backend": "sqlite://unused"}, backend=backend, reference=load_reference()).test_client()


def walk(client, **params) -> list[dict]:
    """Every result of a search, following next_cursor from page 1 to the end."""
    results, cursor, expected_page = [], None, 1
    while True:
        query = {**params, "per_page": 100, **({"cursor": cursor} if cursor else {})}
        response = client.get("/api/v1/practitioners", query_string=query)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        assert body["page"] == expected_page
        results.extend(body["results"])
        cursor = body["next_cursor"]
        if cursor is None:
            return results
        assert len(body["results"]) == 100
        expected_page += 1


def test_a_cursor_walk_returns_every_id_exactly_once(deep_client, population):
    total = deep_client.get("/api/v1/practitioners", query_string={"per_page": 1}).get_json()["total"]
    assert total == POPULATION_SIZE > 25_000
    results = walk(deep_client, sort="name")
    ids = [result["id"] for result in results]
    assert len(ids) == total and len(set(ids)) == total
    assert set(ids) == {practitioner.id for practitioner in population}


def test_page_cannot_reach_past_ten_thousand_but_cursor_can(deep_client):
    response = deep_client.get("/api/v1/practitioners", query_string={"page": MAX_OFFSET_WINDOW // 100 + 1,
                                                                       "per_page": 100})
    assert response.status_code == 400 and "cursor" in response.get_json()["errors"]["page"][0]


def test_a_cursor_walk_by_distance_keeps_distances_in_order(deep_client):
    results = walk(deep_client, lat=48.8566, lon=2.3522, radius_km=60, profession="10")
    distances = [result["distance_km"] for result in results]
    assert len(results) > 100 and distances == sorted(distances)
    assert len({result["id"] for result in results}) == len(results)
    first = deep_client.get("/api/v1/practitioners", query_string={"lat": 48.8566, "lon": 2.3522, "radius_km": 60,
                                                                    "profession": "10", "per_page": 1}).get_json()
    assert first["total"] == len(results)


def test_a_cursor_from_another_search_is_a_400(deep_client):
    cursor = deep_client.get("/api/v1/practitioners", query_string={"per_page": 5}).get_json()["next_cursor"]
    response = deep_client.get("/api/v1/practitioners", query_string={"per_page": 5, "profession": "60",
                                                                       "cursor": cursor})
    assert response.status_code == 400 and "cursor" in response.get_json()["errors"]
    garbage = deep_client.get("/api/v1/practitioners", query_string={"cursor": "not-a-cursor"})
    assert garbage.status_code == 400 and "cursor" in garbage.get_json()["errors"]
