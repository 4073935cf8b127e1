"""GET /api/v1/practitioners, the detail, nomenclatures and health, as the contract says."""
from __future__ import annotations

import pytest

from tests.contract.oracle import haversine_km

PARIS = {"lat": 48.8566, "lon": 2.3522}


def test_doctors_around_paris_come_nearest_first_within_the_radius(client):
    response = client.get("/api/v1/practitioners", query_string={**PARIS, "radius_km": 5, "profession": "10"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == len(body["results"]) == 4
    distances = [result["distance_km"] for result in body["results"]]
    assert distances == sorted(distances)
    for result in body["results"]:
        assert result["profession"] == {"code": "10", "label": "Médecin"}
        assert haversine_km(PARIS["lat"], PARIS["lon"], result["location"]["lat"], result["location"]["lon"]) <= 5
    assert sum(entry["count"] for entry in body["facets"]["profession"]) == body["total"]
    assert body["facets"]["profession"] == [{"code": "10", "label": "Médecin", "count": 4}]


def test_a_result_has_every_field_of_the_contract(client):
    result = client.get("/api/v1/practitioners", query_string={**PARIS, "q": "dupont eric"}).get_json()["results"][0]
    assert set(result) >= {"id", "rpps", "civilite", "nom", "prenom", "profession", "specialties", "sector", "optam",
                           "carte_vitale", "mode", "address", "phone", "location", "distance_km"}
    assert result["specialties"] == [{"code": "SM04", "label": "Cardiologie et Maladies vasculaires"}]
    assert result["sector"] == {"code": "2", "label": "Secteur 2"}
    assert set(result["address"]) == {"line", "postal_code", "commune", "commune_code", "departement"}
    assert set(result["location"]) == {"lat", "lon", "precision"}
    assert isinstance(result["distance_km"], float)


def test_the_response_has_total_page_per_page_cursor_results_and_the_facets(client):
    body = client.get("/api/v1/practitioners", query_string={"per_page": 2}).get_json()
    assert (body["page"], body["per_page"], len(body["results"])) == (1, 2, 2)
    assert isinstance(body["next_cursor"], str)
    assert set(body["facets"]) == {"profession", "specialty", "sector", "mode", "optam", "carte_vitale"}
    assert {entry["code"]: entry["label"] for entry in body["facets"]["optam"]} == {"true": "OPTAM", "false": "Sans OPTAM"}
    assert {entry["code"] for entry in body["facets"]["mode"]} == {"L", "S"}
    assert all(result["distance_km"] is None for result in body["results"])


def test_filters_combine_with_and(client):
    body = client.get("/api/v1/practitioners?profession=10&sector=2&optam=true&carte_vitale=true").get_json()
    assert sorted(result["id"] for result in body["results"]) == ["p02-1", "p10-1"]


def test_repeated_filters_combine_with_or(client):
    body = client.get("/api/v1/practitioners?profession=60&profession=70").get_json()
    assert {result["profession"]["code"] for result in body["results"]} == {"60", "70"}
    assert body["total"] == 3


def test_text_is_accent_and_case_insensitive(client):
    for text in ("Saint-Étienne", "st etienne", "SAINT ETIENNE"):
        assert [r["id"] for r in client.get("/api/v1/practitioners", query_string={"q": text}).get_json()["results"]] == ["p05-1"]


@pytest.mark.parametrize("query, field", [
    ({"radius_km": 500, **PARIS}, "radius_km"),
    ({"radius_km": 0.01, **PARIS}, "radius_km"),
    ({"lat": 91, "lon": 2}, "lat"),
    ({"lat": 48.8}, "lon"),
    ({"profession": "99"}, "profession"),
    ({"sector": "3"}, "sector"),
    ({"optam": "yes"}, "optam"),
    ({"per_page": 101}, "per_page"),
    ({"per_page": 0}, "per_page"),
    ({"page": 0}, "page"),
    ({"page": "abc"}, "page"),
    ({"sort": "distance"}, "sort"),
    ({"sort": "price"}, "sort"),
    ({"postal_code": "7501"}, "postal_code"),
    ({"unknown": "1"}, "unknown"),
    ({"postal_code": "75001", **PARIS}, "postal_code"),
    ({"page": 600, "per_page": 20}, "page"),
])
def test_bad_parameters_are_a_400_problem_naming_the_field(client, query, field):
    response = client.get("/api/v1/practitioners", query_string=query)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 400 and body["title"] == "Paramètres invalides"
    assert field in body["errors"] and body["detail"]


def test_an_unknown_profession_lists_what_is_allowed(client):
    body = client.get("/api/v1/practitioners?profession=99").get_json()
    assert "10" in body["errors"]["profession"][0] and "60" in body["errors"]["profession"][0]


def test_the_detail_lists_the_other_places_of_the_same_person(client):
    body = client.get("/api/v1/practitioners/p01-1").get_json()
    assert body["id"] == "p01-1" and "distance_km" not in body
    assert [place["id"] for place in body["other_places"]] == ["p01-2"]


def test_an_unknown_id_is_a_404_problem(client):
    response = client.get("/api/v1/practitioners/nobody")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_nomenclatures_count_the_indexed_practitioners(client):
    professions = {entry["code"]: entry for entry in client.get("/api/v1/professions").get_json()}
    assert professions["10"] == {"code": "10", "label": "Médecin", "count": 7}
    assert professions["26"]["count"] == 0
    specialties = {entry["code"]: entry["count"] for entry in client.get("/api/v1/specialties").get_json()}
    assert specialties["SM54"] == 4


def test_health_reports_the_backend_and_its_documents(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "backend": "sqlite", "documents": 13, "data_date": "2026-10-08",
                                   "demo": True}


def test_health_is_degraded_when_the_index_is_missing(tmp_path):
    from api.app import create_app

    client = create_app({"backend": f"sqlite://{tmp_path / 'missing.sqlite3'}"}).test_client()
    response = client.get("/api/v1/health")
    assert response.status_code == 503 and response.get_json()["status"] == "degraded"
    search = client.get("/api/v1/practitioners")
    assert search.status_code == 503 and search.get_json()["title"] == "Service indisponible"


def test_an_unknown_path_is_a_404_problem(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
