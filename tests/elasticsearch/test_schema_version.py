"""An index loaded by an older version of the loader is refused with a clear message, not read wrongly."""
from __future__ import annotations

import pytest

from directory.backend import BackendSettings, BackendUnavailable, open_backend
from directory.es_loading import SCHEMA_VERSION, schema_problem
from directory.model import Circle, SearchQuery
from tests.conftest import BackendFactory, elasticsearch_url


def test_only_the_current_schema_version_reads_without_a_problem():
    assert schema_problem("annuaire", {"schema_version": SCHEMA_VERSION}) is None
    assert "annuaire index" in schema_problem("annuaire", {"schema_version": "1"})
    assert "(?," in schema_problem("annuaire", {})


@pytest.fixture
def elasticsearch_factory(tmp_path):
    factory = BackendFactory("elasticsearch", tmp_path)
    yield factory
    factory.cleanup()


@pytest.mark.elasticsearch
def test_an_index_of_an_older_schema_is_refused_until_it_is_reloaded(elasticsearch_factory, generated_population):
    backend = elasticsearch_factory()
    backend.replace_all(iter(generated_population[:50]), data_date=None, demo=True)
    backend.client.indices.put_mapping(index=backend.alias, meta={"schema_version": "1"})
    reader = open_backend(elasticsearch_url(), BackendSettings(index_name=backend.alias, timeout_s=30))
    try:
        for read in (reader.info, lambda: reader.search(SearchQuery(circle=Circle(48.85, 2.35, 50))),
                     lambda: reader.get(generated_population[0].id)):
            with pytest.raises(BackendUnavailable, match="autre format.*annuaire index"):
                read()
        backend.replace_all(iter(generated_population[:50]), data_date=None, demo=True)
        assert reader.search(SearchQuery(circle=Circle(48.85, 2.35, 50))).total >= 0
        assert reader.info().documents == 50
    finally:
        reader.close()
