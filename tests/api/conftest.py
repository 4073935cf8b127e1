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


def overseas_and_corsica() -> list:
    """Practitioners of the Antilles, Guyane, La Réunion, Mayotte and Haute-Corse (Bastia)."""
    from tests.contract.dataset import practitioner

    def place(id, nom, lat, lon, postal_code, commune_code, departement, commune):
        return practitioner(id, nom, "Claire", "60", lat, lon, sector="1", optam=False, carte_vitale=True,
                            postal_code=postal_code, commune_code=commune_code, departement=departement,
                            commune=commune)

    return [
        place("d01-1", "BASSE-TERRE", 16.0005, -61.7281, "97100", "97105", "971", "Basse-Terre"),
        place("d02-1", "FOYAL", 14.6411, -61.0692, "97200", "97209", "972", "Fort-de-France"),
        place("d03-1", "CAYENNE", 5.0217, -52.5013, "97300", "97302", "973", "Cayenne"),
        place("d04-1", "DIONYSIEN", -20.9330, 55.4469, "97400", "97411", "974", "Saint-Denis"),
        place("d05-1", "MAMOUDZOU", -12.7900, 45.1933, "97600", "97611", "976", "Mamoudzou"),
        place("c01-1", "BASTIAIS", 42.6865, 9.4250, "20200", "2B033", "2B", "Bastia"),
    ]


def api_population() -> list:
    return contract_population() + overseas_and_corsica()


@pytest.fixture(scope="module")
def any_backend_app(module_backend_factory):
    """The app over a backend of each kind (SQLite, Elasticsearch) holding :func:`api_population`."""
    from geodata.reference import load_reference

    backend = module_backend_factory()
    backend.replace_all(iter(api_population()), data_date="2026-10-08", demo=True)
    return create_app({"backend": "sqlite://unused"}, backend=backend, reference=load_reference())


@pytest.fixture
def any_client(any_backend_app):
    return any_backend_app.test_client()
