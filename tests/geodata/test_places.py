"""Place suggestions (contract: GET /api/v1/places)."""
from __future__ import annotations

import gc
import time

import pytest


def codes(reference, q, limit=10):
    return [place["code"] for place in reference.suggest_places(q, limit)]


def test_st_eti_finds_saint_etienne_first(reference):
    assert codes(reference, "st eti")[0] == "42218"


@pytest.mark.parametrize("q", ["Saint-Étienne", "saint etienne", "ST ETIENNE", "st-étienne", "saint-etienne"])
def test_matching_ignores_accents_case_hyphens_and_st_abbreviation(reference, q):
    assert codes(reference, q)[0] == "42218"


def test_paris_11_finds_the_arrondissement_and_its_postal_code(reference):
    places = reference.suggest_places("paris 11", 10)
    assert ("commune", "75111") in [(p["type"], p["code"]) for p in places]
    assert ("postal_code", "75011") in [(p["type"], p["code"]) for p in places]


@pytest.mark.parametrize("q", ["2A", "2a", "corse du sud", "Corse-du-Sud"])
def test_a_departement_is_found_by_code_or_name(reference, q):
    first = reference.suggest_places(q, 10)[0]
    assert (first["type"], first["code"], first["label"]) == ("departement", "2A", "Corse-du-Sud (2A)")


def test_larger_communes_come_first_among_equal_matches(reference):
    found = [reference.commune(code) for code in codes(reference, "saint denis", 3)]
    assert [c.name for c in found] == ["Saint-Denis"] * 3
    assert found[0].population >= found[1].population >= found[2].population


def test_the_whole_name_beats_a_longer_name_that_starts_the_same(reference):
    assert codes(reference, "aix")[0] == "19002"  # Aix (Corrèze), before Aix-en-Provence
    assert codes(reference, "lyon")[0] == "69123"


def test_a_leading_article_does_not_count_against_a_match(reference):
    assert codes(reference, "havre")[0] == "76351"


def test_digits_match_the_departement_then_postal_codes_in_order(reference):
    places = reference.suggest_places("69", 4)
    assert [(p["type"], p["code"]) for p in places] == [
        ("departement", "69"), ("postal_code", "69001"), ("postal_code", "69002"), ("postal_code", "69003")]
    assert reference.suggest_places("05110", 5)[0]["label"] == "05110 La Saulce et 7 autres communes"


def test_suggestions_have_the_contract_shape(reference):
    commune, = reference.suggest_places("lyon", 1)
    assert commune["type"] == "commune" and commune["label"] == "Lyon (69)"
    assert commune["postal_codes"][0] == "69001"
    assert set(commune) == {"type", "code", "label", "postal_codes", "lat", "lon"}
    postal, = reference.suggest_places("69003", 1)
    assert postal == {"type": "postal_code", "code": "69003", "label": "69003 Lyon 3e Arrondissement",
                      "lat": postal["lat"], "lon": postal["lon"]}
    departement, = reference.suggest_places("rhone", 1)
    assert departement["type"] == "departement" and departement["label"] == "Rhône (69)"


def test_limit_is_respected_and_nonsense_finds_nothing(reference):
    assert len(reference.suggest_places("sa", 7)) == 7
    assert reference.suggest_places("zzzqqq", 10) == []
    assert reference.suggest_places("saint zzz", 10) == []
    assert reference.suggest_places("!!", 10) == []


def test_a_query_takes_less_than_5_ms(reference):
    queries = ["st eti", "paris 11", "sa", "le", "ma", "saint s", "corse du sud", "75", "bor", "la roche",
               "saint zzz", "saint martin de", "lyon 3"]
    reference.suggest_places("warm up", 10)
    fastest = {}
    gc.disable()  # time the search, not a collection of what other tests left behind
    try:
        for q in queries:
            durations = []
            for _ in range(5):  # the best of five: the algorithm, not a hiccup of a shared machine
                start = time.perf_counter()
                reference.suggest_places(q, 10)
                durations.append(time.perf_counter() - start)
            fastest[q] = min(durations)
    finally:
        gc.enable()
    assert max(fastest.values()) < 0.005, fastest


def test_a_vague_query_looks_at_a_bounded_number_of_candidates(reference):
    assert len(reference.suggest_places("a b", 10)) == 10
