"""Elasticsearch unreachable: searches answer 503 problem+json within the configured timeout, the health
check says ``degraded``, places and CPAM keep answering 200, and the same application recovers by itself
when the cluster comes back.

Three ways to be unreachable: nothing listens (connection refused), a node that accepts connections and
never answers (timeout), and real nodes killed with SIGKILL then restarted. (The SQLite index missing or
locked is tested in tests/api/test_backend_unavailable.py.)
"""
from __future__ import annotations

import socket
import time

import pytest

from api.app import create_app
from tests.contract.dataset import contract_population

from .conftest import pair_backend, record_figures

DEFAULT_TIMEOUT_S = 2.0
MARGIN_S = 1.0
"""Allowed beyond the timeout for the application's own work on a loaded machine."""
BACKEND_ENDPOINTS = ["/api/v1/practitioners?q=martin", "/api/v1/practitioners?lat=48.85&lon=2.35&radius_km=5",
                     "/api/v1/practitioners?postal_code=75011&profession=10", "/api/v1/practitioners/p01-1",
                     "/api/v1/professions", "/api/v1/specialties"]
GEO_ENDPOINTS = ["/api/v1/places?q=lyon", "/api/v1/cpam?postal_code=75011", "/api/v1/cpam/nearest?lat=48.85&lon=2.35"]
ALIAS = "rel-unreachable"


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["title"] == "Service indisponible" and body["status"] == 503 and body["detail"]
    assert int(response.headers["Retry-After"]) > 0
    assert "Traceback" not in response.get_data(as_text=True)


def assert_degraded_but_serving_geography(client, endpoints=BACKEND_ENDPOINTS) -> dict[str, float]:
    """Health 503 degraded, every search 503 in time, places and CPAM 200; the slowest answer per kind."""
    started = time.monotonic()
    health = client.get("/api/v1/health")
    health_s = time.monotonic() - started
    assert health.status_code == 503
    assert health.get_json()["status"] == "degraded" and health.get_json()["backend"] == "elasticsearch"
    slowest = 0.0
    for endpoint in endpoints:
        started = time.monotonic()
        response = client.get(endpoint)
        elapsed = time.monotonic() - started
        assert_unavailable(response)
        assert elapsed < DEFAULT_TIMEOUT_S + MARGIN_S, f"{endpoint} answered 503 after {elapsed:.2f} s"
        slowest = max(slowest, elapsed)
    for endpoint in GEO_ENDPOINTS:
        assert client.get(endpoint).status_code == 200, endpoint
    return {"health_s": round(health_s, 3), "slowest_503_s": round(slowest, 3)}


@pytest.fixture(scope="module")
def reference():
    from geodata.reference import load_reference

    reference = load_reference()
    reference.load_all()
    return reference


def test_with_nothing_listening_searches_are_503_at_once_and_geography_is_200(reference):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once closed
    app = create_app({"backend": f"http://127.0.0.1:{port}"}, reference=reference)
    assert app.config["ANNUAIRE"].timeout_s == DEFAULT_TIMEOUT_S
    figures = assert_degraded_but_serving_geography(app.test_client())
    record_figures("Elasticsearch refused (nothing listening, default 2 s timeout)", figures)


def test_a_node_that_never_answers_is_503_within_the_default_timeout(reference):
    """A hung node (it accepts the connection, then says nothing) costs one timeout, not one per retry."""
    with socket.socket() as black_hole:
        black_hole.bind(("127.0.0.1", 0))
        black_hole.listen(128)  # the kernel completes the connections; nobody ever reads or answers
        app = create_app({"backend": f"http://127.0.0.1:{black_hole.getsockname()[1]}"}, reference=reference)
        # each of these waits for the whole timeout: three kinds of request are enough
        figures = assert_degraded_but_serving_geography(app.test_client(), BACKEND_ENDPOINTS[:2] + BACKEND_ENDPOINTS[3:4])
    assert figures["slowest_503_s"] >= DEFAULT_TIMEOUT_S * 0.9, "it did wait for the timeout"
    record_figures("Elasticsearch hung (accepts, never answers, default 2 s timeout)", figures)


@pytest.mark.elasticsearch
def test_the_same_application_recovers_when_the_killed_cluster_comes_back(running_pair, reference):
    pair = running_pair
    population = contract_population()
    loader = pair_backend(pair, ALIAS, replicas=1)
    try:
        loader.replace_all(iter(population), data_date="2026-11-28", demo=True)
        app = create_app({"backend": pair.backend_url, "es_index": ALIAS}, reference=reference)
        client = app.test_client()
        assert client.get("/api/v1/health").get_json()["documents"] == len(population)
        assert client.get("/api/v1/practitioners?q=martin").status_code == 200

        victim = pair.non_master()
        pair.kill9(victim)
        pair.kill9(next(node for node in pair.nodes if node != victim))
        figures = assert_degraded_but_serving_geography(client)

        restart_s = pair.start("green")
        came_back_at = time.monotonic()
        while client.get("/api/v1/health").status_code != 200:
            assert time.monotonic() - came_back_at < 30, "the application did not recover by itself"
            time.sleep(0.2)
        recovered_s = time.monotonic() - came_back_at
        search = client.get("/api/v1/practitioners", query_string={"q": "martin"})
        assert search.status_code == 200 and search.get_json()["total"] > 0
        assert client.get("/api/v1/health").get_json() == {"status": "ok", "backend": "elasticsearch",
                                                           "documents": len(population),
                                                           "data_date": "2026-11-28", "demo": True}
        assert client.get("/api/v1/practitioners/p01-1").get_json()["nom"] == "MARTIN"
    finally:
        pair.start("green")
        loader.drop()
        loader.close()
    record_figures("both nodes SIGKILLed, then restarted (same app instance)", {
        **figures, "cluster_restart_to_green_s": round(restart_s, 1),
        "app_recovered_after_green_s": round(recovered_s, 2)})
