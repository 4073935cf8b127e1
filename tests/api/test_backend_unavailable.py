"""The SQLite index missing or locked: searches answer 503 problem+json within the configured timeout,
the reference-geography endpoints keep answering 200, and the service recovers by itself.

(Elasticsearch down is tested with real nodes by the reliability suite.)
"""
from __future__ import annotations

import sqlite3
import time

import pytest

from api.app import create_app
from directory.backend import open_backend
from tests.contract.dataset import contract_population

BACKEND_ENDPOINTS = ["/api/v1/practitioners", "/api/v1/practitioners?lat=48.85&lon=2.35",
                     "/api/v1/practitioners/p01-1", "/api/v1/professions", "/api/v1/specialties"]
GEO_ENDPOINTS = ["/api/v1/places?q=lyon", "/api/v1/cpam?postal_code=75011", "/api/v1/cpam/nearest?lat=48.85&lon=2.35"]


def build_index(path) -> None:
    open_backend(f"sqlite://{path}").replace_all(iter(contract_population()), data_date="2026-10-08", demo=True)


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["title"] == "Service indisponible" and body["status"] == 503 and body["detail"]
    assert int(response.headers["Retry-After"]) > 0
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.fixture
def exclusive_lock():
    """Another connection holding an exclusive lock on a SQLite file (as a writer would)."""
    holders = []

    def lock(path):
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holders.append(holder)
        return holder

    yield lock
    for holder in holders:
        holder.close()


def test_with_the_index_missing_searches_are_503_and_geography_is_200(tmp_path):
    client = create_app({"backend": f"sqlite://{tmp_path / 'absent.sqlite3'}"}).test_client()
    for path in BACKEND_ENDPOINTS:
        assert_unavailable(client.get(path))
    health = client.get("/api/v1/health")
    assert health.status_code == 503 and health.get_json()["status"] == "degraded"
    for path in GEO_ENDPOINTS:
        assert client.get(path).status_code == 200, path


def test_the_service_recovers_when_the_missing_index_appears(tmp_path):
    path = tmp_path / "later.sqlite3"
    client = create_app({"backend": f"sqlite://{path}"}).test_client()
    assert_unavailable(client.get("/api/v1/practitioners"))
    build_index(path)
    assert client.get("/api/v1/practitioners").status_code == 200
    assert client.get("/api/v1/health").get_json()["status"] == "ok"


def test_with_the_index_locked_searches_are_503_within_the_timeout(tmp_path, exclusive_lock):
    path = tmp_path / "locked.sqlite3"
    build_index(path)
    client = create_app({"backend": f"sqlite://{path}", "timeout_s": 0.5}).test_client()
    holder = exclusive_lock(path)
    for endpoint in BACKEND_ENDPOINTS:
        started = time.monotonic()
        response = client.get(endpoint)
        elapsed = time.monotonic() - started
        assert_unavailable(response)
        assert elapsed < 0.5 + 1.0, f"{endpoint} answered after {elapsed:.2f} s"
    for endpoint in GEO_ENDPOINTS:
        assert client.get(endpoint).status_code == 200, endpoint
    holder.rollback()
    holder.close()
    assert client.get("/api/v1/practitioners").status_code == 200
    assert client.get("/api/v1/health").status_code == 200


def test_the_default_timeout_answers_503_in_about_two_seconds(tmp_path, exclusive_lock):
    path = tmp_path / "locked.sqlite3"
    build_index(path)
    client = create_app({"backend": f"sqlite://{path}"}).test_client()
    assert client.application.config["ANNUAIRE"].timeout_s == 2.0
    exclusive_lock(path)
    started = time.monotonic()
    assert_unavailable(client.get("/api/v1/practitioners", query_string={"q": "martin"}))
    assert time.monotonic() - started < 3.0


def test_a_locked_index_that_was_already_open_is_503_too(tmp_path, exclusive_lock):
    path = tmp_path / "open-then-locked.sqlite3"
    build_index(path)
    client = create_app({"backend": f"sqlite://{path}", "timeout_s": 0.3}).test_client()
    assert client.get("/api/v1/practitioners").status_code == 200
    exclusive_lock(path)
    assert_unavailable(client.get("/api/v1/practitioners", query_string={"profession": "10"}))
    assert_unavailable(client.get("/api/v1/practitioners/p02-1"))
