"""``/api/openapi.json`` is generated from the validating schemas and covers every endpoint; ``/api/docs`` shows it."""
from __future__ import annotations

from pathlib import Path

import pytest

from api.openapi import DOCS_STATIC, undocumented_api_rules
from api.search_params import SearchParamsSchema

CONTRACT_PATHS = ["/api/v1/practitioners", "/api/v1/practitioners/{practitioner_id}", "/api/v1/professions",
                  "/api/v1/specialties", "/api/v1/health"]


@pytest.fixture
def spec(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_openapi_3_and_describes_the_contract(spec):
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) >= set(CONTRACT_PATHS)


def test_every_api_route_of_the_app_is_documented(app):
    assert undocumented_api_rules(app) == []


def test_the_search_parameters_are_those_of_the_validating_schema(spec):
    parameters = {p["name"]: p for p in spec["paths"]["/api/v1/practitioners"]["get"]["parameters"]}
    assert set(parameters) == set(SearchParamsSchema().fields)
    assert parameters["profession"]["schema"]["type"] == "array" and parameters["profession"]["explode"] is True
    assert "10" in parameters["profession"]["schema"]["items"]["enum"]
    assert parameters["sector"]["schema"]["items"]["enum"] == ["1", "1-dp", "2", "nc"] or \
        set(parameters["sector"]["schema"]["items"]["enum"]) >= {"1", "1-dp", "2", "nc"}
    assert parameters["radius_km"]["schema"]["minimum"] == 0.1 and parameters["radius_km"]["schema"]["maximum"] == 100
    assert parameters["per_page"]["schema"]["maximum"] == 100
    assert set(parameters["format"]["schema"]["enum"]) == {"json", "geojson"}
    assert set(parameters["sort"]["schema"]["enum"]) == {"distance", "relevance", "name"}
    assert {"2A", "2B", "971", "976"} <= set(parameters["departement"]["schema"]["enum"])
    assert all(p["description"] for p in parameters.values())


def test_responses_and_errors_are_described_by_schemas(spec):
    search = spec["paths"]["/api/v1/practitioners"]["get"]["responses"]
    assert search["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Page"}
    assert search["200"]["content"]["application/geo+json"]["schema"] == {"$ref": "#/components/schemas/FeatureCollection"}
    for status in ("400", "404", "503"):
        assert search[status]["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    result = spec["components"]["schemas"]["Result"]
    assert {"id", "rpps", "civilite", "nom", "prenom", "profession", "specialties", "sector", "optam", "carte_vitale",
            "mode", "address", "phone", "location", "distance_km"} <= set(result["required"])
    detail = spec["components"]["schemas"]["Detail"]
    assert "other_places" in detail["properties"] and "distance_km" not in detail["properties"]


def test_the_document_loads_in_schemathesis(app):
    import schemathesis

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    assert len([result.ok() for result in schema.get_all_operations()]) >= len(CONTRACT_PATHS)


def test_the_docs_page_is_served_with_its_vendored_viewer(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.get_data(as_text=True)
    for asset in ("/api/docs/vendor/swagger-ui-bundle.js", "/api/docs/vendor/swagger-ui.css", "/api/docs/docs.js"):
        assert client.get(asset).status_code == 200, asset
    assert "<script>" not in page.get_data(as_text=True)  # no inline script: the CSP forbids it


def test_the_vendored_viewer_names_its_exact_version_and_licence():
    version = (DOCS_STATIC / "vendor" / "VERSION").read_text().strip()
    assert version.startswith("swagger-ui-dist@5.")
    script = Path(__file__).resolve().parents[2] / "scripts" / "vendor_api_docs.sh"
    assert version.split("@")[1] in script.read_text()
    assert (DOCS_STATIC / "vendor" / "LICENSE").exists()


def test_the_document_is_valid_openapi(spec):
    from openapi_spec_validator import validate

    validate(spec)
