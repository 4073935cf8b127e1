"""Shared fixtures: backends of every kind, a Flask app on a temporary index.

Elasticsearch tests use the node named by ``ANNUAIRE_TEST_ES_URL`` (``make test`` starts one).
They never skip: without a node they fail, saying how to get one. Deselect them on purpose
with ``-m "not elasticsearch"``.
"""
from __future__ import annotations

import os
import uuid

import pytest

from directory.backend import BackendSettings, open_backend

BACKEND_KINDS = ["sqlite", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)]


def elasticsearch_url() -> str:
    url = os.environ.get("ANNUAIRE_TEST_ES_URL")
    if not url:
        pytest.fail("Elasticsearch requis : lancez `make test` (qui démarre un nœud) ou définissez "
                    "ANNUAIRE_TEST_ES_URL=http://127.0.0.1:9200 ; pour l'exclure : -m 'not elasticsearch'")
    return url


class BackendFactory:
    """Makes fresh, empty backends of one kind, and removes what they created."""

    def __init__(self, kind: str, directory):
        self.kind = kind
        self.directory = directory
        self.created = []

    def __call__(self, name: str | None = None):
        name = name or f"test-{uuid.uuid4().hex[:10]}"
        if self.kind == "sqlite":
            backend = open_backend(f"sqlite://{self.directory / (name + '.sqlite3')}")
        else:
            backend = open_backend(elasticsearch_url(), BackendSettings(index_name=name, timeout_s=30))
        self.created.append(backend)
        return backend

    def cleanup(self) -> None:
        for backend in self.created:
            drop = getattr(backend, "drop", None)
            if drop is not None:
                drop()
            backend.close()


@pytest.fixture(params=BACKEND_KINDS)
def backend_kind(request) -> str:
    return request.param


@pytest.fixture
def backend_factory(backend_kind, tmp_path):
    factory = BackendFactory(backend_kind, tmp_path)
    yield factory
    factory.cleanup()


@pytest.fixture(scope="module", params=BACKEND_KINDS)
def module_backend_factory(request, tmp_path_factory):
    factory = BackendFactory(request.param, tmp_path_factory.mktemp(request.param))
    yield factory
    factory.cleanup()


@pytest.fixture(scope="session")
def generated_population():
    """3,000 synthetic practitioners over real communes (fixed seed)."""
    from geodata.reference import load_reference
    from indexer.generator import generate_population

    return list(generate_population(load_reference(), 3000, seed=11))
