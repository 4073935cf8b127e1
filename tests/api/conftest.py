from __future__ import annotations

import pytest

from api.app import create_app
from directory.backend import open_backend
from tests.contract.dataset import contract_population


@pytest.fixture(scope="module")
def loaded_sqlite(tmp_path_factory):
    path = tmp_path_factory.mktemp("api") / "index.sqlite3"
    backend = open_backend(f"sqlite://{path}")
    backend.replace_all(iter(contract_population()), data_date="2026-10-08", demo=True)
    return path


@pytest.fixture
def app(loaded_sqlite):
    return create_app({"backend": f"sqlite://{loaded_sqlite}"})


@pytest.fixture
def client(app):
    return app.test_client()
