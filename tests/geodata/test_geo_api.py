"""The HTTP endpoints /api/v1/cpam, /api/v1/cpam/nearest and /api/v1/places, through Flask's test client."""
from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"


def test_cpam_by_postal_code_answers_the_paris_caisse_for_75011(geo_client):
    response = geo_client.get("/api/v1/cpam?postal_code=75011")
    assert response.status_code == 200
    body = response.get_json()
    assert body["postal_code"] == "75011" and body["caisses"][0]["name"] == "CPAM de Paris"
    assert body["approximate"] is False and body["data_date"]


def test_cpam_by_commune_and_by_point(geo_client):
    by_commune = geo_client.get("/api/v1/cpam?commune=2A004").get_json()
    assert by_commune["communes"] == [{"code": "2A004", "name": "Ajaccio"}]
    assert by_commune["caisses"][0]["id"] == "cpam-corse-sud"
    by_point = geo_client.get("/api/v1/cpam?lat=-20.8821&lon=55.4507").get_json()
    assert by_point["caisses"][0]["id"] == "cgss-reunion"


def test_a_well_formed_unknown_postal_code_is_404(geo_client):
    response = geo_client.get("/api/v1/cpam?postal_code=99999")
    assert response.status_code == 404 and response.mimetype == PROBLEM
    assert response.get_json()["detail"] == "le code postal 99999 n'existe pas"
    assert geo_client.get("/api/v1/cpam?commune=99999").status_code == 404


def test_a_point_outside_the_departements_is_404(geo_client):
    response = geo_client.get("/api/v1/cpam?lat=0&lon=0")
    assert response.status_code == 404 and response.mimetype == PROBLEM


@pytest.mark.parametrize("postal_code", ["7501", "ABCDE", "750111", "75 011", "", "75011\n"])
def test_a_malformed_postal_code_is_400_in_french(geo_client, postal_code):
    response = geo_client.get("/api/v1/cpam", query_string={"postal_code": postal_code})
    assert response.status_code == 400 and response.mimetype == PROBLEM
    body = response.get_json()
    assert body["title"] == "Paramètres invalides"
    assert body["errors"]["postal_code"] == ["doit être un code postal à 5 chiffres"]


@pytest.mark.parametrize("query, field", [
    ("", "postal_code"),
    ("?postal_code=75011&commune=75111", "commune"),
    ("?postal_code=75011&lat=48.8&lon=2.3", "lat"),
    ("?lat=48.8", "lon"),
    ("?lat=91&lon=2", "lat"),
    ("?lat=48&lon=-181", "lon"),
    ("?lat=nan&lon=2", "lat"),
    ("?lat=abc&lon=2", "lat"),
    ("?commune=7511", "commune"),
    ("?postal_code=75011&postal_code=75012", "postal_code"),
    ("?postal_code=75011&colour=blue", "colour"),
])
def test_missing_conflicting_or_out_of_range_parameters_are_400(geo_client, query, field):
    response = geo_client.get(f"/api/v1/cpam{query}")
    assert response.status_code == 400 and response.mimetype == PROBLEM
    assert field in response.get_json()["errors"]


def test_nearest_offices_default_to_5_and_allow_up_to_50(geo_client):
    default = geo_client.get("/api/v1/cpam/nearest?lat=45.764&lon=4.8357").get_json()["results"]
    assert len(default) == 5
    assert [o["distance_km"] for o in default] == sorted(o["distance_km"] for o in default)
    assert default[0]["caisse"]["name"] == "CPAM du Rhône"
    assert len(geo_client.get("/api/v1/cpam/nearest?lat=45.764&lon=4.8357&limit=50").get_json()["results"]) == 50


@pytest.mark.parametrize("query", ["?lat=45&lon=4&limit=51", "?lat=45&lon=4&limit=0", "?lat=45&lon=4&limit=x",
                                   "?lat=45", "?lat=-91&lon=4", ""])
def test_nearest_offices_reject_bad_parameters(geo_client, query):
    response = geo_client.get(f"/api/v1/cpam/nearest{query}")
    assert response.status_code == 400 and response.mimetype == PROBLEM


def test_places_suggests_saint_etienne_first_for_st_eti(geo_client):
    response = geo_client.get("/api/v1/places?q=st%20eti")
    assert response.status_code == 200
    assert response.get_json()[0]["code"] == "42218"


def test_places_finds_75011_for_paris_11_and_the_departement_for_2a(geo_client):
    assert "75011" in [p["code"] for p in geo_client.get("/api/v1/places?q=paris 11").get_json()]
    assert geo_client.get("/api/v1/places?q=2A").get_json()[0]["code"] == "2A"
    assert geo_client.get("/api/v1/places?q=corse du sud").get_json()[0]["type"] == "departement"


def test_places_limit_defaults_to_10_and_caps_at_50(geo_client):
    assert len(geo_client.get("/api/v1/places?q=sa").get_json()) == 10
    assert len(geo_client.get("/api/v1/places?q=sa&limit=50").get_json()) == 50
    assert geo_client.get("/api/v1/places?q=sa&limit=51").status_code == 400


@pytest.mark.parametrize("query", ["", "?q=", "?q=a", "?q=%20a%20", "?q=" + "x" * 101, "?q=lyon&q=paris"])
def test_places_needs_a_query_of_at_least_2_characters(geo_client, query):
    response = geo_client.get(f"/api/v1/places{query}")
    assert response.status_code == 400 and response.mimetype == PROBLEM
    assert "q" in response.get_json()["errors"]


def test_places_with_nothing_found_is_an_empty_list(geo_client):
    response = geo_client.get("/api/v1/places?q=zzzqqq")
    assert response.status_code == 200 and response.get_json() == []
