"""A real two-node Elasticsearch cluster on loopback, driven through ``scripts/elasticsearch.sh``.

Nodes ``rel-1`` (9281/9381) and ``rel-2`` (9282/9382) of cluster ``annuaire-rel``, under their own
``ANNUAIRE_ES_RUN`` directory so that no other job's nodes are touched; nodes are stopped by name.
"""
from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "elasticsearch.sh"
RUN_DIR = os.environ.get("ANNUAIRE_RELIABILITY_ES_RUN", "/tmp/annuaire-es-reliability")
START_TIMEOUT_S = 240
"""Bounded but generous: two new nodes take 20–40 s on an idle 2-core machine, 100 s on a loaded one."""


class ClusterError(RuntimeError):
    pass


def get_json(url: str, timeout_s: float = 5.0) -> dict | list:
    with urllib.request.urlopen(url, timeout=timeout_s) as response:
        return json.loads(response.read())


@dataclass(frozen=True)
class NodePair:
    name: str = "rel"
    cluster: str = "annuaire-rel"
    http_port: int = 9281
    transport_port: int = 9381

    @property
    def nodes(self) -> list[str]:
        return [f"{self.name}-1", f"{self.name}-2"]

    def url(self, node: str) -> str:
        return f"http://127.0.0.1:{self.http_port + self.nodes.index(node)}"

    @property
    def urls(self) -> list[str]:
        return [self.url(node) for node in self.nodes]

    @property
    def backend_url(self) -> str:
        """``http://127.0.0.1:9281,http://127.0.0.1:9282``: what ``ANNUAIRE_BACKEND`` names."""
        return ",".join(self.urls)

    def _script(self, *args: str, timeout_s: float) -> subprocess.CompletedProcess:
        env = {**os.environ, "ANNUAIRE_ES_RUN": RUN_DIR, "ANNUAIRE_ES_START_TIMEOUT": str(START_TIMEOUT_S - 20)}
        return subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True,
                              timeout=timeout_s)

    def start(self, wait: str = "green") -> float:
        """Start whichever node is down (both, or the one that was killed) and wait for ``wait``; seconds taken."""
        started = time.monotonic()
        result = self._script("start", "--nodes", "2", "--name", self.name, "--cluster", self.cluster,
                              "--http-port", str(self.http_port), "--transport-port", str(self.transport_port),
                              "--wait", wait, timeout_s=START_TIMEOUT_S)
        if result.returncode != 0:
            raise ClusterError(f"scripts/elasticsearch.sh start a échoué ({result.returncode}) :\n{result.stderr[-3000:]}")
        return time.monotonic() - started

    def kill9(self, node: str) -> None:
        result = self._script("kill9", "--name", node, timeout_s=60)
        if result.returncode != 0:
            raise ClusterError(f"kill9 {node} a échoué : {result.stderr[-2000:]}")

    def stop(self, node: str) -> None:
        self._script("stop", "--name", node, timeout_s=90)

    def health(self, node: str | None = None, timeout_s: float = 5.0) -> dict:
        """``_cluster/health`` as one node sees it (the first that answers when ``node`` is None)."""
        errors = []
        for name in [node] if node else self.nodes:
            try:
                return get_json(f"{self.url(name)}/_cluster/health", timeout_s)
            except (OSError, urllib.error.HTTPError, ValueError) as error:
                errors.append(f"{name}: {error}")
        raise ClusterError("; ".join(errors))

    def master(self) -> str:
        rows = get_json(f"{self.urls[0]}/_cat/nodes?h=name,master&format=json")
        return next(row["name"] for row in rows if row["master"] == "*")

    def non_master(self) -> str:
        """The node that may be killed: with two nodes only the first master votes, so losing it stops the cluster."""
        master = self.master()
        return next(node for node in self.nodes if node != master)

    def wait_for(self, predicate, *, node: str, timeout_s: float, poll_s: float = 0.1) -> float:
        """Seconds until ``predicate(health seen by node)`` holds; :class:`ClusterError` past ``timeout_s``."""
        started = time.monotonic()
        last = None
        while time.monotonic() - started < timeout_s:
            try:
                last = self.health(node, timeout_s=2.0)
                if predicate(last):
                    return time.monotonic() - started
            except ClusterError as error:
                last = str(error)
            time.sleep(poll_s)
        raise ClusterError(f"état attendu non atteint en {timeout_s} s (dernier : {last})")
