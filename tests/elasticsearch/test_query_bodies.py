"""Request bodies, checked against golden files: what Elasticsearch is asked, byte for byte.

The bodies are built by pure functions (:mod:`directory.es_queries`), so these tests need no node.
After a deliberate change, regenerate the files and review the diff:

    ANNUAIRE_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/elasticsearch/test_query_bodies.py
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from directory import es_distance_order, es_queries
from directory.model import BBox, Circle, SearchQuery

GOLDEN = Path(__file__).parent / "golden"
PARIS = Circle(48.8566, 2.3522, 5.0)

CASES = {
    "everything_by_name": lambda: es_queries.search_body(SearchQuery(), size=20),
    "circle_at_lat_0_lon_0_nearest_first": lambda: es_queries.search_body(
        SearchQuery(circle=Circle(0.0, 0.0, 100.0)), size=22),
    "circle_on_the_greenwich_meridian_second_page": lambda: es_queries.search_body(
        SearchQuery(circle=Circle(47.0, 0.0, 1.0), page=2, per_page=10), size=12, start=9),
    "band_around_a_circle_at_lat_0_lon_0": lambda: es_queries.band_body(
        SearchQuery(circle=Circle(0.0, 0.0, 100.0)), size=1000),
    "circle_with_band_practitioners_inside": lambda: es_queries.search_body(
        SearchQuery(circle=PARIS, professions=("10",)), size=22, inside_ids=["p02-1", "p01-1"]),
    "bbox_with_a_zero_edge": lambda: es_queries.search_body(
        SearchQuery(bbox=BBox(-0.5, 46.5, 0.0, 47.5)), size=20),
    "band_around_a_bbox_and_a_circle": lambda: es_queries.band_body(
        SearchQuery(bbox=BBox(2.3, 48.8, 2.36, 48.87), circle=PARIS, text="dupont"), size=1000, after_id="p02-1"),
    "text_and_filters_by_relevance": lambda: es_queries.search_body(
        SearchQuery(text="Saint-Étienne cœur", professions=("10", "60"), specialties=("SM54",), sectors=("1", "1-dp"),
                    modes=("L",), optam=False, carte_vitale=True, departement="2A", postal_code="20000",
                    commune_code="2A004"), size=20),
    "text_sorted_by_name_filters_without_scoring": lambda: es_queries.search_body(
        SearchQuery(text="martin", sort="name", facets=False), size=20),
    "cursor_by_name": lambda: es_queries.search_body(
        SearchQuery(professions=("10",)), size=4, search_after=["martin", "jeanne", "p01-1"]),
    "cursor_by_relevance": lambda: es_queries.search_body(
        SearchQuery(text="medecin"), size=4, search_after=[1.0, "dupont", "alain", "p12-1"]),
    "cursor_by_distance": lambda: es_queries.search_body(
        SearchQuery(circle=PARIS), size=5, search_after=es_distance_order.search_after_for((1.25, "p03-1"))),
    "more_results_backwards_by_distance": lambda: es_queries.search_body(
        SearchQuery(circle=PARIS), size=50, search_after=[1250.0, "p03-1"], with_totals=False, reverse=True),
    "query_syntax_is_plain_words": lambda: es_queries.search_body(
        SearchQuery(text='nom:x OR 1=1 "*" (((^ -martin'), size=20),
    "places_of_a_person": lambda: es_queries.ids_body("person_id", "p01", size=1000),
    "counts_of_specialties": lambda: es_queries.counts_body("specialty"),
}


def render(body) -> str:
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_request_body_matches_its_golden_file(name):
    path = GOLDEN / f"{name}.json"
    text = render(CASES[name]())
    if os.environ.get("ANNUAIRE_REGENERATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} manque : ANNUAIRE_REGENERATE_GOLDEN=1 pour le créer"
    assert text == path.read_text(encoding="utf-8")


def test_regenerating_the_bodies_gives_identical_json():
    assert [render(case()) for case in CASES.values()] == [render(case()) for case in CASES.values()]
    assert sorted(path.stem for path in GOLDEN.glob("*.json")) == sorted(CASES), "un fichier sans cas, ou l'inverse"


def test_latitude_0_and_longitude_0_are_a_point_not_missing_values():
    body = CASES["circle_at_lat_0_lon_0_nearest_first"]()
    point = {"lat": 0.0, "lon": 0.0}
    assert body["query"]["bool"]["filter"] == [
        {"geo_distance": {"distance": "100000.0m", "distance_type": "arc", "location": point}}]
    assert body["sort"][0]["_geo_distance"]["location"] == point


def test_user_text_only_reaches_prefix_queries_as_normalized_tokens():
    text = render(CASES["query_syntax_is_plain_words"]())
    assert "query_string" not in text and "wildcard" not in text and "regexp" not in text
    prefixes = {json.dumps(value) for value in _values_of(json.loads(text), "prefix")}
    assert prefixes == {json.dumps({field: token}) for token in ("nom", "x", "or", "1", "martin")
                        for field in ("nom", "prenom", "labels")}


def test_relevance_is_the_sum_of_the_best_field_of_each_token():
    must = CASES["text_and_filters_by_relevance"]()["query"]["bool"]["must"]
    assert [[query["constant_score"]["boost"] for query in clause["dis_max"]["queries"]] for clause in must] == \
        [[3, 2, 1]] * 3  # saint, etienne, coeur
    assert all(clause["dis_max"]["tie_breaker"] == 0.0 for clause in must)


def test_facet_aggregations_return_every_code():
    from directory.nomenclatures import modes, professions, sectors, specialties

    sizes = {name: aggregation["terms"]["size"] for name, aggregation in es_queries.facet_aggregations().items()}
    assert sizes["specialty"] >= len(specialties().allowed())
    assert sizes["facet_key"] >= len(professions().allowed()) * (len(sectors().allowed()) + 1) * \
        (len(modes().allowed()) + 1) * 3 * 3  # every combination, a missing value included


def test_single_valued_facets_are_counted_from_their_combinations():
    aggregations = {"facet_key": {"buckets": [
        {"key": es_queries.facet_key(["10", "1", "L", False, True]), "doc_count": 5},
        {"key": es_queries.facet_key(["10", None, "S", None, None]), "doc_count": 3},
        {"key": es_queries.facet_key(["60", "1", "L", True, True]), "doc_count": 5}]},
        "specialty": {"buckets": [{"key": "SM54", "doc_count": 4}]}}
    assert es_queries.facet_buckets(aggregations) == {
        "profession": [("10", 8), ("60", 5)], "specialty": [("SM54", 4)], "sector": [("1", 10)],
        "mode": [("L", 10), ("S", 3)], "optam": [("false", 5), ("true", 5)], "carte_vitale": [("true", 10)]}


def test_a_query_without_a_shape_has_no_band():
    assert es_queries.band_body(SearchQuery(text="martin"), size=10) is None


def test_a_box_too_thin_to_shrink_is_decided_by_the_band_alone():
    query = SearchQuery(bbox=BBox(2.35, 48.85, 2.35, 48.85))
    assert "must_not" not in es_queries.band_body(query, size=10)["query"]["bool"]
    assert es_queries.exact_shape_filter(query, []) == {"bool": {"must_not": [{"match_all": {}}]}}
    assert es_queries.exact_shape_filter(query, ["a"]) == {"terms": {"id": ["a"]}}


def _values_of(node, key):
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                yield value
            else:
                yield from _values_of(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from _values_of(item, key)
