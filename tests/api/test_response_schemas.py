"""Actual responses fit the marshmallow response schemas that the OpenAPI document is made from."""
from __future__ import annotations

import pytest

from api.response_schemas import (DetailSchema, FeatureCollectionSchema, HealthSchema, NomenclatureEntrySchema,
                                  PageSchema, ProblemSchema)

PARIS = {"lat": 48.8566, "lon": 2.3522}


@pytest.mark.parametrize("params", [{}, PARIS, {"q": "martin"}, {"departement": "69"}, {"bbox": "2,48,3,49"},
                                    {"near": "Lyon", "radius_km": 5}, {"page": 99}, {**PARIS, "sort": "name"}])
def test_search_pages_fit_the_page_schema(client, params):
    body = client.get("/api/v1/practitioners", query_string=params).get_json()
    assert PageSchema().validate(body) == {}


def test_geojson_fits_its_schema(client):
    body = client.get("/api/v1/practitioners", query_string={**PARIS, "format": "geojson"}).get_json()
    assert FeatureCollectionSchema().validate(body) == {}


def test_detail_nomenclatures_and_health_fit_their_schemas(client):
    assert DetailSchema().validate(client.get("/api/v1/practitioners/p01-1").get_json()) == {}
    assert NomenclatureEntrySchema(many=True).validate(client.get("/api/v1/professions").get_json()) == {}
    assert NomenclatureEntrySchema(many=True).validate(client.get("/api/v1/specialties").get_json()) == {}
    assert HealthSchema().validate(client.get("/api/v1/health").get_json()) == {}


@pytest.mark.parametrize("path", ["/api/v1/practitioners?radius_km=1000", "/api/v1/practitioners/none",
                                  "/api/v1/nowhere", "/api/v1/practitioners?format=xml"])
def test_errors_fit_the_problem_schema_with_a_french_detail(client, path):
    response = client.get(path)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert ProblemSchema().validate(body) == {}
    assert body["status"] == response.status_code
    assert not any(word in body["detail"] for word in ("Not a valid", "Unknown field", "Missing data", "Traceback"))


def test_a_schema_rejects_an_undocumented_field():
    body = {"status": "ok", "backend": "sqlite", "documents": 1, "data_date": None, "demo": False, "extra": 1}
    assert "extra" in HealthSchema().validate(body)


@pytest.mark.parametrize("query, field, message", [
    ({"page": "abc"}, "page", "doit être un nombre entier"),
    ({"lat": "x", "lon": "2"}, "lat", "doit être un nombre"),
    ({"optam": "oui"}, "optam", "doit valoir true ou false"),
    ({"nope": "1"}, "nope", "paramètre inconnu"),
    ({"profession": ""}, "profession", "valeur vide"),
    ({"q": "a", "q ": "b"}, "q ", "paramètre inconnu"),
])
def test_validation_messages_are_french(client, query, field, message):
    body = client.get("/api/v1/practitioners", query_string=query).get_json()
    assert message in body["errors"][field] and field in body["detail"]


def test_a_repeated_single_parameter_is_a_400(client):
    body = client.get("/api/v1/practitioners?q=a&q=b").get_json()
    assert body["errors"] == {"q": ["paramètre répété"]}


def test_conflicting_location_parameters_are_a_400_naming_each(client):
    body = client.get("/api/v1/practitioners", query_string={"postal_code": "75001", "departement": "75",
                                                              "bbox": "2,48,3,49"}).get_json()
    assert body["status"] == 400 and {"postal_code", "departement", "bbox"} <= set(body["errors"])
    assert "un seul critère de lieu" in body["errors"]["postal_code"][0]


def test_an_unknown_specialty_lists_the_allowed_codes(client):
    body = client.get("/api/v1/practitioners?specialty=ZZ99").get_json()
    assert "SM54" in body["errors"]["specialty"][0] and "ZZ99" in body["errors"]["specialty"][0]


def test_the_contract_example_error_is_reproduced_word_for_word(client):
    response = client.get("/api/v1/practitioners", query_string={"lat": 48.85, "lon": 2.35, "radius_km": 500})
    assert response.get_json() == {
        "type": "about:blank", "title": "Paramètres invalides", "status": 400,
        "detail": "radius_km doit être compris entre 0.1 et 100",
        "errors": {"radius_km": ["doit être compris entre 0.1 et 100"]}}


def test_an_unknown_departement_lists_the_allowed_codes(client):
    message = client.get("/api/v1/practitioners?departement=99").get_json()["errors"]["departement"][0]
    assert "99" in message and "2A" in message and "976" in message
