"""The search contract through HTTP, on every backend (SQLite always, Elasticsearch marked)."""
from __future__ import annotations

import pytest
from geojson_pydantic import FeatureCollection

from api.response_schemas import DetailSchema, FeatureCollectionSchema, PageSchema

from .conftest import api_population

TOTAL = len(api_population())


def search(client, **params):
    response = client.get("/api/v1/practitioners", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert PageSchema().validate(body) == {}
    return body


def ids(body) -> list[str]:
    return [result["id"] for result in body["results"]]


# -- latitude 0 / longitude 0 ----------------------------------------------------------------------

def test_longitude_zero_is_a_point_not_a_missing_value(any_client):
    body = search(any_client, lat=47.0, lon=0, radius_km=1)
    assert ids(body) == ["p11-1"]
    assert body["results"][0]["distance_km"] == 0


def test_latitude_zero_and_longitude_zero_search_the_gulf_of_guinea(any_client):
    body = search(any_client, lat=0, lon=0, radius_km=100)
    assert body["total"] == 0 and body["results"] == []


def test_a_bbox_with_a_zero_edge_includes_the_meridian(any_client):
    assert ids(search(any_client, bbox="-0.5,46.5,0,47.5")) == ["p11-1"]


# -- bounds ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("radius", ["0.1", "100"])
def test_radius_bounds_are_accepted(any_client, radius):
    search(any_client, lat=48.8566, lon=2.3522, radius_km=radius)


@pytest.mark.parametrize("radius", ["0.09", "100.01", "-1", "nan", "inf", "1e400", ""])
def test_radius_out_of_bounds_is_a_400(any_client, radius):
    response = any_client.get("/api/v1/practitioners", query_string={"lat": 48.8, "lon": 2.3, "radius_km": radius})
    assert response.status_code == 400 and "radius_km" in response.get_json()["errors"]


@pytest.mark.parametrize("per_page", [1, 100])
def test_per_page_bounds_are_accepted(any_client, per_page):
    body = search(any_client, per_page=per_page)
    assert body["per_page"] == per_page and len(body["results"]) == min(per_page, TOTAL)


@pytest.mark.parametrize("per_page", ["0", "101", "-5", "1.5", "abc"])
def test_per_page_out_of_bounds_is_a_400(any_client, per_page):
    response = any_client.get("/api/v1/practitioners", query_string={"per_page": per_page})
    assert response.status_code == 400 and "per_page" in response.get_json()["errors"]


def test_a_page_past_the_end_is_empty_with_the_exact_total(any_client):
    body = search(any_client, page=50, per_page=20)
    assert body["results"] == [] and body["total"] == TOTAL
    assert (body["page"], body["per_page"], body["next_cursor"]) == (50, 20, None)


def test_pages_and_cursor_echo_their_page_number(any_client):
    first = search(any_client, per_page=5)
    second = search(any_client, per_page=5, cursor=first["next_cursor"])
    assert (first["page"], second["page"]) == (1, 2)
    assert ids(second) == ids(search(any_client, per_page=5, page=2))


# -- GeoJSON ---------------------------------------------------------------------------------------

def test_geojson_is_a_valid_feature_collection_of_the_same_results(any_client):
    params = {"lat": 48.8566, "lon": 2.3522, "radius_km": 20}
    response = any_client.get("/api/v1/practitioners", query_string={**params, "format": "geojson"})
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    body = response.get_json()
    FeatureCollection.model_validate(body)
    assert FeatureCollectionSchema().validate(body) == {}
    plain = search(any_client, **params)
    assert [feature["properties"] for feature in body["features"]] == plain["results"]
    assert body["total"] == plain["total"] and body["facets"] == plain["facets"]
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert (lat, lon) == (feature["properties"]["location"]["lat"], feature["properties"]["location"]["lon"])


def test_an_empty_geojson_page_is_still_valid(any_client):
    response = any_client.get("/api/v1/practitioners", query_string={"lat": 0, "lon": 0, "format": "geojson"})
    FeatureCollection.model_validate(response.get_json())


# -- Corsica and overseas --------------------------------------------------------------------------

@pytest.mark.parametrize("params, expected", [
    ({"departement": "2A"}, ["p10-1"]),
    ({"departement": "2B"}, ["c01-1"]),
    ({"postal_code": "20000"}, ["p10-1"]),
    ({"postal_code": "20200"}, ["c01-1"]),
    ({"commune": "2A004"}, ["p10-1"]),
    ({"commune": "2B033"}, ["c01-1"]),
    ({"departement": "971"}, ["d01-1"]),
    ({"postal_code": "97200"}, ["d02-1"]),
    ({"departement": "973"}, ["d03-1"]),
    ({"postal_code": "97400"}, ["d04-1"]),
    ({"commune": "97411"}, ["d04-1"]),
    ({"departement": "976"}, ["d05-1"]),
    ({"postal_code": "97600"}, ["d05-1"]),
    ({"near": "Saint-Denis 97400", "radius_km": 5}, ["d04-1"]),
    ({"lat": -12.79, "lon": 45.19, "radius_km": 5}, ["d05-1"]),
])
def test_corsica_and_overseas_places_are_searchable(any_client, params, expected):
    assert ids(search(any_client, **params)) == expected


@pytest.mark.parametrize("params", [{"postal_code": "20002"}, {"commune": "2A999"}, {"postal_code": "00000"}])
def test_a_well_formed_postal_or_commune_code_that_does_not_exist_is_a_404(any_client, params):
    response = any_client.get("/api/v1/practitioners", query_string=params)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("params", [{"departement": "20"}, {"departement": "2C"}, {"postal_code": "2A000"},
                                    {"commune": "2000"}, {"departement": "979"}])
def test_malformed_corsican_or_overseas_codes_are_a_400(any_client, params):
    assert any_client.get("/api/v1/practitioners", query_string=params).status_code == 400


# -- text --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Saint-Étienne", ["p05-1"]), ("st etienne", ["p05-1"]), ("SAINT ETIENNE", ["p05-1"]), ("saint-etienne", ["p05-1"]),
    ("cœur", ["p04-1"]), ("coeur", ["p04-1"]), ("COEUR", ["p04-1"]),
    ("lefèvre", ["p03-1"]), ("LEFEVRE", ["p03-1"]), ("Lefevre Chloe", ["p03-1"]),
    ("rossi marie-ange", ["p10-1"]), ("ROSSI MARIE ANGE", ["p10-1"]), ("rossi marieange", []),
])
def test_text_is_accent_case_and_hyphen_insensitive(any_client, text, expected):
    assert ids(search(any_client, q=text)) == expected


@pytest.mark.parametrize("text, total", [
    ("*", 0), ("*:*", 0), ('")', 0), ("NEAR(", 0), ('"', 0), ("%", 0), ("_", 0), ("\\", 0), ("(", 0), ("{", 0),
    ("[", 0), ("~", 0), ("-", 0), ("+", 0), ("&&", 0), ("||", 0), ("/", 0), ("?", 0), ("'", 0),
    ("nom:x OR 1=1", 0), ("' OR '1'='1", 0), ("a AND b", 0), ("nom:MARTIN", 0), ("NOT martin", 0),
    ("martin NEAR(dupont)", 0), ("1; DROP TABLE practitioner;--", 0), ("nom.keyword:MARTIN", 0), ("^2", 0),
    ("martin*", 3), ('"martin"', 3), ("martin)", 3), ("(martin", 3), ("martin OR", 0), ("MARTIN -jeanne", 2),
])
def test_user_text_is_matched_as_plain_text_never_as_query_syntax(any_client, text, total):
    """Operators of SQL, FTS5 and Elasticsearch's query_string are plain characters: a text with no
    word matches nothing (never everything), and words match as words."""
    body = search(any_client, q=text)
    assert body["total"] == total
    assert search(any_client)["total"] == TOTAL  # nothing was dropped or altered


# -- detail, filters, facets -----------------------------------------------------------------------

def test_the_detail_has_the_other_places_and_fits_its_schema(any_client):
    body = any_client.get("/api/v1/practitioners/p01-2").get_json()
    assert DetailSchema().validate(body) == {}
    assert [place["id"] for place in body["other_places"]] == ["p01-1"]


def test_an_unknown_id_is_a_404_on_every_backend(any_client):
    response = any_client.get("/api/v1/practitioners/p99-9")
    assert response.status_code == 404 and response.get_json()["status"] == 404


def test_facets_count_every_match_not_only_the_page(any_client):
    body = search(any_client, profession="10", per_page=1)
    assert body["total"] == 7 and len(body["results"]) == 1
    assert body["facets"]["profession"] == [{"code": "10", "label": "Médecin", "count": 7}]
    assert sum(entry["count"] for entry in body["facets"]["sector"]) == 7


@pytest.mark.parametrize("params, expected", [
    ({"sector": ["1-dp"]}, ["p08-1"]),
    ({"sector": ["nc"], "profession": ["10"]}, ["p07-1"]),
    ({"mode": ["S"]}, ["p06-1"]),
    ({"optam": "true", "departement": "75"}, ["p02-1"]),
    ({"carte_vitale": "false", "profession": "10", "sort": "name"}, ["p03-1", "p07-1"]),
    ({"specialty": ["SM04", "SM38"], "sort": "name"}, ["p02-1", "p03-1"]),
])
def test_filters(any_client, params, expected):
    assert ids(search(any_client, **params)) == expected


def test_a_circle_search_is_sorted_by_distance_by_default(any_client):
    body = search(any_client, lat=48.8566, lon=2.3522, radius_km=30)
    distances = [result["distance_km"] for result in body["results"]]
    assert distances == sorted(distances) and len(distances) == body["total"] > 5


def test_nomenclatures_count_on_every_backend(any_client):
    professions = {entry["code"]: entry["count"] for entry in any_client.get("/api/v1/professions").get_json()}
    assert professions["10"] == 7 and professions["60"] == 2 + 6
