"""Fixtures of the geodata tests: the shipped reference geography and a Flask app serving the
CPAM and places endpoints over it. Nothing here reads the shared source data."""
from __future__ import annotations

import types

import pytest
from flask import Flask

from api.problems import Problem
from geodata.reference import load_reference


@pytest.fixture(scope="session")
def reference():
    return load_reference()


@pytest.fixture(scope="session")
def geo_app(reference):
    from api import cpam_views, places_views

    app = Flask("geodata-tests")
    app.json.ensure_ascii = False
    app.register_blueprint(cpam_views.bp)
    app.register_blueprint(places_views.bp)
    app.extensions["annuaire"] = types.SimpleNamespace(reference=reference)
    app.register_error_handler(Problem, lambda error: error.to_response())
    return app


@pytest.fixture
def geo_client(geo_app):
    return geo_app.test_client()
