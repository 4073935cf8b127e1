"""Loads into Elasticsearch: a new versioned index, one atomic alias swap, nothing lost on failure.

A load that fails or is killed part-way (SIGKILL of a real ``annuaire index``) leaves the alias on
the previous complete index, which keeps answering with its full count; the next load cleans up.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from directory import es_loading
from directory.backend import BackendSettings, BackendUnavailable, open_backend
from directory.model import BBox, Circle, SearchQuery
from tests.contract.dataset import contract_population

pytestmark = pytest.mark.elasticsearch

PREVIOUS = contract_population()


@pytest.fixture
def es_factory(tmp_path):
    from tests.conftest import BackendFactory

    factory = BackendFactory("elasticsearch", tmp_path)
    yield factory
    factory.cleanup()


@pytest.fixture(scope="module")
def many():
    """30,000 generated practitioners (10,000 people, each at three made-up places)."""
    from geodata.reference import load_reference
    from indexer.generator import generate_population

    people = list(generate_population(load_reference(), 10_000, seed=3))
    return [replace(p, id=f"{p.id}-{copy}") for copy in range(3) for p in people]


def live_index(backend) -> list[str]:
    return es_loading.aliased_indices(backend.client, backend.alias)


def versioned(backend) -> dict[str, dict]:
    return es_loading.indices_of(backend.client, backend.alias)


def assert_previous_index_answers(backend):
    assert backend.search(SearchQuery()).total == len(PREVIOUS)
    assert backend.info().documents == len(PREVIOUS)
    assert backend.get(PREVIOUS[3].id) == PREVIOUS[3]



def test_a_load_that_fails_part_way_leaves_the_previous_index_live(es_factory, many):
    backend = es_factory()
    backend.replace_all(iter(PREVIOUS), data_date="1", demo=False)
    before = live_index(backend)

    def failing():
        yield from many[:4500]  # two bulk requests are written before the failure
        raise RuntimeError("source illisible")

    with pytest.raises(RuntimeError, match="source illisible"):
        backend.replace_all(failing(), data_date="2", demo=False)
    assert live_index(backend) == before
    assert_previous_index_answers(backend)
    assert list(versioned(backend)) == before, "the half-built index is deleted"
    info = backend.replace_all(iter(many[:5000]), data_date="3", demo=False)
    assert info.documents == backend.search(SearchQuery()).total == 5000
    assert len(versioned(backend)) == 1


def test_a_load_killed_with_sigkill_leaves_the_previous_index_live_and_the_next_load_cleans_up(es_factory, many, tmp_path):
    from indexer.jsonl_format import write_jsonl

    backend = es_factory()
    backend.replace_all(iter(PREVIOUS), data_date="1", demo=False)
    before = live_index(backend)
    source = tmp_path / "many.jsonl"
    write_jsonl(many, source)
    annuaire = Path(sys.executable).with_name("annuaire")
    command = [str(annuaire)] if annuaire.exists() else [sys.executable, "-m", "indexer.cli"]
    env = {**os.environ, "ANNUAIRE_ES_INDEX": backend.alias, "ANNUAIRE_TIMEOUT_S": "30"}
    process = subprocess.Popen([*command, "index", str(source), "--backend", ",".join(backend.urls)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        loading = wait_for_a_loading_index(backend, before, documents=4000, process=process)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    assert live_index(backend) == before
    assert_previous_index_answers(backend)
    meta = versioned(backend)[loading]["mappings"]["_meta"]
    assert meta["state"] == "loading" and meta["loader"]["pid"] == process.pid
    info = backend.replace_all(iter(many[:2000]), data_date="2", demo=False)
    assert info.documents == backend.search(SearchQuery()).total == 2000
    assert loading not in versioned(backend) and len(versioned(backend)) == 1


def wait_for_a_loading_index(backend, before, *, documents, process, timeout_s=120) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert process.poll() is None, "the load ended before it could be killed"
        for name in set(versioned(backend)) - set(before):
            stats = backend.client.indices.stats(index=name, metric="indexing")["indices"].get(name, {})
            if stats.get("primaries", {}).get("indexing", {}).get("index_total", 0) >= documents:
                return name
        time.sleep(0.05)
    pytest.fail("no loading index showed up")


def test_during_a_load_searches_answer_from_the_previous_index_and_refresh_is_off(es_factory, many):
    backend = es_factory()
    backend.replace_all(iter(PREVIOUS), data_date="1", demo=False)
    before = live_index(backend)
    seen = []

    def check(written):
        loading = [name for name in versioned(backend) if name not in before]
        settings = backend.client.indices.get_settings(index=loading[0])[loading[0]]["settings"]["index"]
        seen.append((written, backend.search(SearchQuery()).total, settings["refresh_interval"],
                     settings["number_of_replicas"]))

    backend.replace_all(iter(many[:6000]), data_date="2", demo=False, on_progress=check)
    assert seen and all(entry[1:] == (len(PREVIOUS), "-1", "0") for entry in seen)
    assert backend.search(SearchQuery()).total == 6000
    assert before[0] not in versioned(backend), "the previous index is deleted after the swap"


def test_a_load_whose_index_lost_documents_fails_and_leaves_the_previous_index_live(es_factory, many, monkeypatch):
    """The translog is async during a load: documents acknowledged then lost are found by the count."""
    backend = es_factory()
    backend.replace_all(iter(PREVIOUS), data_date="1", demo=False)
    before = live_index(backend)
    fill = es_loading.fill
    monkeypatch.setattr(es_loading, "fill", lambda *args: fill(*args) + 1)
    with pytest.raises(RuntimeError, match="3000 documents au lieu de 3001"):
        backend.replace_all(iter(many[:3000]), data_date="2", demo=False)
    assert live_index(backend) == before and list(versioned(backend)) == before
    assert_previous_index_answers(backend)


def test_get_finds_a_practitioner_by_its_document_id_and_nothing_for_odd_ids(es_factory):
    backend = es_factory()
    backend.replace_all(iter(PREVIOUS), data_date="1", demo=False)
    assert all(backend.get(p.id) == p for p in PREVIOUS[:20])
    for odd in ("", "p01", "../p01-1", "p01-1?x=1", "p01-1/_source", "%2F", "é ü"):
        assert backend.get(odd) is None


def test_after_a_load_refresh_is_back_and_replicas_are_as_configured(tmp_path):
    url = os.environ.get("ANNUAIRE_TEST_ES_URL") or pytest.fail("ANNUAIRE_TEST_ES_URL requis")
    backend = open_backend(url, BackendSettings(index_name=f"test-replicas-{os.getpid()}", timeout_s=30,
                                                extra={"replicas": 1}))
    try:
        backend.replace_all(iter(PREVIOUS), data_date="1", demo=True)
        name = live_index(backend)[0]
        settings = backend.client.indices.get_settings(index=name)[name]["settings"]["index"]
        assert settings["number_of_replicas"] == "1" and "refresh_interval" not in settings
        assert "durability" not in settings.get("translog", {}), "the translog is synced per request again"
        assert backend.search(SearchQuery()).total == len(PREVIOUS)
    finally:
        backend.drop()
        backend.close()


def test_the_index_follows_the_strict_mapping_file(es_factory):
    from elasticsearch import BadRequestError

    backend = es_factory()
    backend.replace_all(iter(PREVIOUS), data_date="1", demo=True)
    name = live_index(backend)[0]
    mapping = backend.client.indices.get_mapping(index=name)[name]["mappings"]
    definition = es_loading.index_definition()["mappings"]
    assert mapping["dynamic"] == "strict" and mapping["properties"] == definition["properties"]
    assert mapping["_meta"]["state"] == "complete"
    with pytest.raises(BadRequestError, match="strict_dynamic_mapping_exception"):
        backend.client.index(index=name, document={"unexpected": 1})


def test_a_backend_without_an_index_is_unavailable_for_every_read(es_factory):
    backend = es_factory()
    for read in (lambda: backend.search(SearchQuery()), backend.info, lambda: backend.get("p01-1"),
                 lambda: backend.search(SearchQuery(circle=Circle(48.85, 2.35, 5.0))),
                 lambda: backend.places_of("p01"), lambda: backend.counts("profession")):
        with pytest.raises(BackendUnavailable):
            read()


def test_a_node_that_does_not_answer_is_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once closed
    backend = open_backend(f"http://127.0.0.1:{port}", BackendSettings(timeout_s=0.5, retries=1))
    for read in (lambda: backend.search(SearchQuery()), backend.info, lambda: backend.get("x"),
                 lambda: backend.search(SearchQuery(bbox=BBox(2.3, 48.8, 2.4, 48.9)))):
        with pytest.raises(BackendUnavailable):
            read()
    with pytest.raises(BackendUnavailable):
        backend.replace_all(iter(PREVIOUS), data_date=None, demo=True)
    backend.close()


def test_drop_removes_the_alias_and_every_index(es_factory):
    backend = es_factory()
    backend.replace_all(iter(PREVIOUS), data_date="1", demo=True)
    backend.drop()
    assert versioned(backend) == {} and live_index(backend) == []
    with pytest.raises(BackendUnavailable):
        backend.info()


def test_a_document_the_node_refuses_fails_the_load_with_its_id(es_factory):
    backend = es_factory()
    backend.replace_all(iter(PREVIOUS), data_date="1", demo=False)
    name = live_index(backend)[0]
    body = b'{"create":{"_index":"%s","_id":"odd-1"}}\n{"unexpected":1}\n' % name.encode()
    with pytest.raises(RuntimeError, match="odd-1"):
        es_loading.send_bulk(backend.client, body, 1)


def test_bulk_bodies_are_ndjson_create_actions_without_duplicate_ids():
    import json

    practitioners = PREVIOUS + PREVIOUS[:2]
    chunks = list(es_loading.bulk_chunks("idx", iter(practitioners), size=2))
    assert [count for _, count in chunks] == [2] * (len(PREVIOUS) // 2) + [1] * (len(PREVIOUS) % 2)
    lines = [json.loads(line) for body, _ in chunks for line in body.decode().splitlines()]
    assert [line["create"]["_id"] for line in lines[0::2]] == [p.id for p in PREVIOUS]
    assert lines[1::2] == [es_loading.document(p) for p in PREVIOUS]
