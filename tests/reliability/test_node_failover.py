"""A node of a two-node cluster dies (SIGKILL) while gunicorn serves searches: the service keeps answering.

The index has one replica, so each node holds a full copy. gunicorn (``gunicorn.conf.py``, as in
production) is pointed at both nodes; client threads send a mix of searches throughout. The node that
is killed is the one that is not master: with two nodes only the first master votes, and losing it
stops the cluster until it comes back (docs/elasticsearch.md, docs/deployment.md).
"""
from __future__ import annotations

import random
import threading
import time
import urllib.parse
from dataclasses import dataclass

import pytest

from directory import es_loading

from .conftest import GunicornServer, http_get, pair_backend, record_figures

pytestmark = pytest.mark.elasticsearch

ALIAS = "rel-failover"
CLIENT_THREADS = 4
WARM_UP_S = 4.0
AFTER_FAILOVER_S = 5.0
SEARCH_TIMEOUT_S = 5.0
"""The application's backend timeout here: generous on a loaded machine (the 2 s default is measured
by test_backend_unreachable); a refused or reset connection is retried on the other node at once anyway."""


@dataclass(frozen=True)
class Sent:
    started: float
    ended: float
    status: int | None
    url: str
    error: str | None = None


def search_mix(population, count: int = 300, seed: int = 5) -> list[str]:
    """Searches a visitor makes: around a point, by name, by profession in a département, a postal code, one card.

    Every one answers 200 with the cluster whole (a postal code unknown to the reference geography is a 404,
    so only known ones are asked)."""
    from geodata.reference import load_reference

    known_postal_codes = load_reference().postal_codes
    rng = random.Random(seed)
    urls = []
    for practitioner in rng.sample(population, count):
        location, address = practitioner.location, practitioner.address
        urls += [f"/api/v1/practitioners?lat={location.lat:.5f}&lon={location.lon:.5f}&radius_km=5",
                 "/api/v1/practitioners?" + urllib.parse.urlencode({"q": practitioner.nom}),
                 f"/api/v1/practitioners?profession={practitioner.profession}&departement={address.departement}&per_page=5",
                 f"/api/v1/practitioners/{urllib.parse.quote(practitioner.id, safe='')}"]
        if address.postal_code in known_postal_codes:
            urls.append(f"/api/v1/practitioners?postal_code={address.postal_code}&sort=name")
    rng.shuffle(urls)
    return urls


class LoadLoop:
    """Client threads sending ``urls`` round and round until stopped; every request is recorded."""

    def __init__(self, base: str, urls: list[str], threads: int):
        self.base, self.urls = base, urls
        self.sent: list[Sent] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(index,), daemon=True) for index in range(threads)]

    def _run(self, index: int) -> None:
        position = index * len(self.urls) // len(self._threads)
        while not self._stop.is_set():
            url = self.urls[position % len(self.urls)]
            position += 1
            started = time.monotonic()
            try:
                status, error = http_get(self.base + url, timeout_s=30)[0], None
            except OSError as exception:
                status, error = None, repr(exception)
            with self._lock:
                self.sent.append(Sent(started, time.monotonic(), status, url, error))

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> list[Sent]:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)
        with self._lock:
            return sorted(self.sent, key=lambda item: item.started)

    def count(self) -> int:
        with self._lock:
            return len(self.sent)


def test_killing_the_non_master_node_under_searches_keeps_the_service_answering(running_pair, population_5000,
                                                                                 tmp_path):
    pair = running_pair
    backend = pair_backend(pair, ALIAS, replicas=1)
    try:
        backend.replace_all(iter(population_5000), data_date="2026-11-28", demo=True)
        live = es_loading.aliased_indices(backend.client, ALIAS)[0]
        pair.wait_for(lambda health: health["status"] == "green", node=pair.nodes[0], timeout_s=120)
        settings = backend.client.indices.get_settings(index=live)[live]["settings"]["index"]
        assert settings["number_of_replicas"] == "1"
        shards = backend.client.cat.shards(index=live, format="json").body
        assert sorted(shard["node"] for shard in shards) == sorted(pair.nodes), "one copy on each node"

        server = GunicornServer({"ANNUAIRE_BACKEND": pair.backend_url, "ANNUAIRE_ES_INDEX": ALIAS,
                                 "ANNUAIRE_TIMEOUT_S": str(SEARCH_TIMEOUT_S)})
        server.start(tmp_path / "gunicorn.log")
        loop = LoadLoop(server.base, search_mix(population_5000), CLIENT_THREADS)
        try:
            loop.start()
            began = time.monotonic()
            while time.monotonic() - began < WARM_UP_S or loop.count() < 40:
                assert time.monotonic() - began < 120, "the load loop does not get answers"
                time.sleep(0.1)

            victim = pair.non_master()
            survivor = next(node for node in pair.nodes if node != victim)
            killed_at = time.monotonic()
            pair.kill9(victim)
            noticed_s = pair.wait_for(lambda health: health["number_of_nodes"] == 1, node=survivor, timeout_s=120)
            failed_over_at = time.monotonic()
            time.sleep(AFTER_FAILOVER_S)
            yellow_at = pair.health(survivor)["status"]

            restarted_at = time.monotonic()
            restart_s = pair.start("green")
            time.sleep(2.0)
        finally:
            sent = loop.stop()
            server.stop()
        back_to_green_s = pair.wait_for(lambda health: health["status"] == "green" and health["number_of_nodes"] == 2,
                                        node=pair.nodes[0], timeout_s=120)
    finally:
        backend.drop()
        backend.close()

    failed = [item for item in sent if item.status != 200]
    during = [item for item in sent if killed_at <= item.ended and item.started <= failed_over_at]
    after = [item for item in sent if item.started >= failed_over_at]
    last_failure_s = max((item.ended - killed_at for item in failed if item.ended >= killed_at), default=0.0)
    figures = {
        "requests_sent": len(sent), "requests_failed": len(failed),
        "failed_percent": round(100 * len(failed) / max(len(sent), 1), 2),
        "status_500": sum(item.status == 500 for item in sent),
        "killed": victim, "node_loss_noticed_s": round(noticed_s, 2),
        "last_failed_request_after_kill_s": round(last_failure_s, 2),
        "slowest_request_while_failing_over_s": round(max((item.ended - item.started for item in during), default=0), 2),
        "requests_while_failing_over": len(during), "requests_after_failover": len(after),
        "health_after_kill": yellow_at, "restart_to_green_s": round(restart_s + back_to_green_s, 1),
        "requests_during_restart": sum(item.started >= restarted_at for item in sent),
    }
    record_figures("two-node failover (SIGKILL of the non-master, gunicorn, 4 client threads)", figures)

    assert not [item for item in sent if item.status is not None and item.status >= 500 and item.status != 503], \
        "no 500, ever"
    assert len(failed) <= 0.01 * len(sent), [(item.status, item.url, item.error) for item in failed[:10]]
    assert after and all(item.status == 200 for item in after), \
        [(item.status, item.url, item.error) for item in after if item.status != 200][:10]
    assert during, "searches were in flight while the node was being lost"
    assert yellow_at in ("yellow", "green")
    assert back_to_green_s < 120  # (wait_for raises past it)
