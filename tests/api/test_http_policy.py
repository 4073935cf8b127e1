"""Headers and limits every response respects: security headers, CORS, caching, sizes, rate limit, methods."""
from __future__ import annotations

import pytest

from api.app import create_app
from api.http_policy import MAX_URL_LENGTH, content_security_policy, tile_source
from api.rate_limit import TokenBuckets
from directory.settings import load_settings

API_PATHS = ["/api/v1/practitioners", "/api/v1/practitioners/p01-1", "/api/v1/professions", "/api/v1/specialties",
             "/api/v1/health", "/api/v1/places?q=lyon", "/api/v1/cpam?postal_code=75011",
             "/api/v1/cpam/nearest?lat=48.85&lon=2.35", "/api/openapi.json"]


@pytest.fixture
def make_client(loaded_sqlite):
    def make(**config):
        return create_app({"backend": f"sqlite://{loaded_sqlite}", **config}).test_client()

    return make


# -- security headers ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", API_PATHS + ["/api/docs", "/api/v1/nothing", "/"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'self'" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp


def test_errors_carry_the_security_headers_too(client):
    response = client.post("/api/v1/practitioners")
    assert response.status_code == 405 and response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_embed_page_is_framable_by_the_configured_ancestors_only(make_client):
    client = make_client(frame_ancestors="https://portail.example.fr, https://www.ameli.example")
    embed = client.get("/embed")
    assert "frame-ancestors https://portail.example.fr https://www.ameli.example" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers
    page = client.get("/api/docs")
    assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_the_csp_allows_map_tiles_from_the_configured_host_and_data_images():
    settings = load_settings({"tile_url": "https://{s}.tiles.example.org/osm/{z}/{x}/{y}.png"}, environ={})
    csp = content_security_policy(settings, framable=False)
    assert "img-src 'self' data: https://*.tiles.example.org;" in csp
    assert tile_source("/tiles/{z}/{x}/{y}.png") is None
    assert tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://tile.openstreetmap.org"


def test_frame_ancestors_come_from_the_environment():
    settings = load_settings(environ={"ANNUAIRE_FRAME_ANCESTORS": "'self' https://a.example"})
    assert "frame-ancestors 'self' https://a.example" in content_security_policy(settings, framable=True)


# -- CORS -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", API_PATHS)
def test_preflight_is_answered_on_every_endpoint_for_an_allowed_origin(make_client, path):
    client = make_client(cors_origins="https://portail.example.fr,https://autre.example")
    response = client.options(path, headers={"Origin": "https://portail.example.fr",
                                             "Access-Control-Request-Method": "GET",
                                             "Access-Control-Request-Headers": "If-None-Match"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "https://portail.example.fr"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "If-None-Match"
    assert "Origin" in response.headers["Vary"]


def test_a_simple_request_from_an_allowed_origin_gets_the_cors_headers(make_client):
    client = make_client(cors_origins="https://portail.example.fr")
    response = client.get("/api/v1/professions", headers={"Origin": "https://portail.example.fr"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://portail.example.fr"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_an_origin_not_listed_gets_no_cors_headers(make_client):
    client = make_client(cors_origins="https://portail.example.fr")
    response = client.get("/api/v1/professions", headers={"Origin": "https://evil.example"})
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response.headers
    preflight = client.options("/api/v1/practitioners", headers={"Origin": "https://evil.example",
                                                                 "Access-Control-Request-Method": "GET"})
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_without_configuration_no_origin_is_allowed(client):
    response = client.get("/api/v1/professions", headers={"Origin": "https://portail.example.fr"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_star_allows_every_origin_only_when_configured(make_client):
    client = make_client(cors_origins="*")
    response = client.get("/api/v1/health", headers={"Origin": "https://n-importe-qui.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_origins_come_from_the_environment():
    settings = load_settings(environ={"ANNUAIRE_CORS_ORIGINS": "https://a.example, https://b.example"})
    assert settings.cors_origins == ("https://a.example", "https://b.example")


def test_options_works_without_cors_too(client):
    response = client.options("/api/v1/practitioners")
    assert response.status_code == 204 and "GET" in response.headers["Allow"]


# -- caching ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/professions", "/api/v1/specialties", "/api/v1/places?q=saint-eti"])
def test_nomenclatures_and_places_have_an_etag_and_answer_304_when_unchanged(client, path):
    first = client.get(path)
    etag = first.headers["ETag"]
    assert "max-age=" in first.headers["Cache-Control"] and "public" in first.headers["Cache-Control"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    other = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.get_json() == first.get_json()


def test_searches_are_not_marked_cacheable(client):
    assert "ETag" not in client.get("/api/v1/practitioners").headers


# -- methods, sizes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_other_methods_are_a_405_problem_with_allow(client, method):
    response = getattr(client, method)("/api/v1/practitioners")
    assert response.status_code == 405 and response.mimetype == "application/problem+json"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD", "OPTIONS"}
    body = response.get_json()
    assert body["status"] == 405 and body["title"] == "Méthode non autorisée" and body["detail"]


def test_head_is_answered(client):
    assert client.head("/api/v1/health").status_code == 200


def test_a_very_long_url_is_a_414_problem(client):
    response = client.get("/api/v1/practitioners", query_string={"q": "a" * (MAX_URL_LENGTH + 10)})
    assert response.status_code == 414 and response.mimetype == "application/problem+json"
    assert response.get_json()["detail"]


def test_a_large_body_is_a_413_problem(client):
    response = client.get("/api/v1/practitioners", data=b"x" * 100_000, content_type="application/octet-stream")
    assert response.status_code == 413 and response.mimetype == "application/problem+json"


def test_q_is_bounded_by_the_max_query_length_setting(make_client):
    client = make_client(max_query_length=10)
    assert client.get("/api/v1/practitioners", query_string={"q": "a" * 10}).status_code == 200
    response = client.get("/api/v1/practitioners", query_string={"q": "a" * 11})
    assert response.status_code == 400 and response.get_json()["errors"]["q"] == ["doit faire au plus 10 caractères"]
    spec = client.get("/api/openapi.json").get_json()
    q = next(p for p in spec["paths"]["/api/v1/practitioners"]["get"]["parameters"] if p["name"] == "q")
    assert q["schema"]["maxLength"] == 10


@pytest.mark.parametrize("path", ["/api/v1/professions", "/api/v1/health", "/api/v1/practitioners/p01-1"])
def test_endpoints_without_parameters_reject_unknown_ones(client, path):
    response = client.get(path, query_string={"foo": "1"})
    assert response.status_code == 400 and response.get_json()["errors"] == {"foo": ["paramètre inconnu"]}


# -- rate limiting ----------------------------------------------------------------------------------

def test_rate_limiting_is_off_by_default(client):
    assert all(client.get("/api/v1/professions").status_code == 200 for _ in range(100))


def test_past_the_limit_a_client_gets_a_429_problem_with_retry_after(make_client):
    client = make_client(rate_limit_per_minute=5)
    statuses = [client.get("/api/v1/professions").status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    response = client.get("/api/v1/practitioners")
    assert response.status_code == 429 and response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1
    assert response.get_json()["title"] == "Trop de requêtes"
    assert client.get("/api/v1/health").status_code == 200  # health checks are never limited
    other = client.get("/api/v1/professions", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 200  # another client has its own bucket


def test_rate_limit_setting_comes_from_the_environment():
    assert load_settings(environ={"ANNUAIRE_RATE_LIMIT_PER_MINUTE": "120"}).rate_limit_per_minute == 120


def test_a_token_bucket_refills_over_time():
    now = [0.0]
    buckets = TokenBuckets(60, clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(60)] == [0.0] * 60
    assert buckets.take("a") == pytest.approx(1.0)
    now[0] += 1.0
    assert buckets.take("a") == 0.0
    assert buckets.take("b") == 0.0


def test_token_buckets_forget_old_clients_past_their_capacity():
    buckets = TokenBuckets(1, max_keys=3)
    for key in "abcde":
        buckets.take(key)
    assert len(buckets._buckets) == 3
