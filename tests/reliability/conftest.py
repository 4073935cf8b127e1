"""Fixtures of the reliability suite: a real two-node cluster, a generated population, a gunicorn process.

The cluster is started (and, at the end, stopped by name) through ``scripts/elasticsearch.sh``; if it
cannot start, the tests that need it fail, they never skip.
"""
from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from directory.backend import open_backend
from directory.settings import load_settings

from .cluster import ROOT, RUN_DIR, ClusterError, NodePair

ARTIFACTS = ROOT / "test-artifacts"
CLUSTER_LOCK_WAIT_S = 600
"""Another test session (another developer of the shared tree) may be using the pair: wait for it."""
FIGURES: list[tuple[str, dict]] = []


@pytest.fixture(scope="session")
def cluster_lock():
    """One test session at a time drives the pair (its tests kill nodes)."""
    Path(RUN_DIR).mkdir(parents=True, exist_ok=True)
    with open(f"{RUN_DIR}.lock", "w") as handle:
        started = time.monotonic()
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() - started > CLUSTER_LOCK_WAIT_S:
                    pytest.fail(f"le cluster de test est pris par une autre session depuis {CLUSTER_LOCK_WAIT_S} s "
                                f"({RUN_DIR}.lock)")
                time.sleep(1)
        waited = time.monotonic() - started
        if waited > 1:
            print(f"\n[reliability] waited {waited:.0f} s for another session to release the cluster")
        yield
        fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def es_pair(cluster_lock):
    """Nodes rel-1 and rel-2 of cluster annuaire-rel, green; stopped by name at the end of the session."""
    pair = NodePair()
    try:
        try:
            seconds = pair.start("green")
        except (ClusterError, subprocess.TimeoutExpired) as error:
            pytest.fail(f"le cluster de deux nœuds n'a pas démarré : {error}")
        print(f"\n[reliability] cluster {pair.cluster} ({', '.join(pair.urls)}) green in {seconds:.1f} s")
        yield pair
    finally:
        for node in reversed(pair.nodes):
            pair.stop(node)


@pytest.fixture
def running_pair(es_pair):
    """The pair, both nodes up and green (a previous test may have killed one)."""
    try:
        es_pair.start("green")
    except (ClusterError, subprocess.TimeoutExpired) as error:
        pytest.fail(f"le cluster de deux nœuds n'a pas redémarré : {error}")
    return es_pair


@pytest.fixture(scope="session")
def population_5000():
    """5,000 generated practitioners over real communes (fixed seed)."""
    from geodata.reference import load_reference
    from indexer.generator import generate_population

    return list(generate_population(load_reference(), 5000, seed=909))


def pair_backend(pair: NodePair, alias: str, *, replicas: int, timeout_s: float = 30):
    """The Elasticsearch backend over both nodes, from the same settings the application reads."""
    settings = load_settings({"backend": pair.backend_url, "es_index": alias, "es_replicas": replicas,
                              "timeout_s": timeout_s})
    return open_backend(settings.backend, settings.backend_settings())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_get(url: str, timeout_s: float = 15.0) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class GunicornServer:
    """``gunicorn -c gunicorn.conf.py 'api.app:create_app()'`` as a real process, as in production."""

    def __init__(self, env: dict[str, str], *, workers: int = 2, threads: int = 4):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env, "ANNUAIRE_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(workers),
                    "GUNICORN_THREADS": str(threads), "GUNICORN_LOGLEVEL": "warning"}
        self.log = None
        self.process = None

    def start(self, log_path: Path, timeout_s: float = 120) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.log = log_path.open("wb")
        self.process = subprocess.Popen([str(gunicorn), "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null",
                                         "api.app:create_app()"], cwd=ROOT, env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn s'est arrêté : {log_path.read_text(errors='replace')[-2000:]}")
            try:
                # places need the reference geography: once it answers, a worker is fully up
                if http_get(f"{self.base}/api/v1/health", 10)[0] == 200 and \
                        http_get(f"{self.base}/api/v1/places?q=lyon", 30)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        pytest.fail(f"gunicorn n'a pas répondu en {timeout_s} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not None:
            self.log.close()


def record_figures(name: str, figures: dict) -> None:
    """Print the measured figures and keep them in test-artifacts/reliability.json."""
    FIGURES.append((name, figures))
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "reliability.json"
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = {}
    recorded[name] = {**figures, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    path.write_text(json.dumps(recorded, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def pytest_terminal_summary(terminalreporter) -> None:
    if FIGURES:
        terminalreporter.section("reliability figures (also in test-artifacts/reliability.json)")
        for name, figures in FIGURES:
            terminalreporter.write_line(f"{name}: " + ", ".join(f"{key}={value}" for key, value in figures.items()))
