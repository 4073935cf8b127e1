"""``annuaire index`` killed with SIGKILL part-way, on both backends, as a real process: the live index keeps
serving the previous complete data with the same count, and running the very same command again completes.

(tests/elasticsearch/test_loading.py also kills an Elasticsearch load and checks its leftovers in detail;
here both backends go through the same steps, and the check is made through the application.)
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from api.app import create_app
from directory import es_loading
from directory.backend import BackendSettings, open_backend
from tests.conftest import BACKEND_KINDS, elasticsearch_url

from .conftest import record_figures

PREVIOUS_SIZE = 2_000
BIG_SIZE = 12_000
KILL_AFTER_ROWS = 3_000
COMMAND_TIMEOUT_S = 300
PROGRESS = re.compile(r"indexation : ([\d  ]+) lignes")


def annuaire_command() -> list[str]:
    annuaire = Path(sys.executable).with_name("annuaire")
    return [str(annuaire)] if annuaire.exists() else [sys.executable, "-m", "indexer.cli"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    """Two files written by the real ``annuaire generate``: a small previous extract and a big new one."""
    out = tmp_path_factory.mktemp("generated")
    files = {}
    for name, size, seed in (("previous", PREVIOUS_SIZE, 21), ("big", BIG_SIZE, 22)):
        result = subprocess.run([*annuaire_command(), "generate", "--size", str(size), "--seed", str(seed),
                                 "--out", str(out / name)], capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S)
        assert result.returncode == 0, result.stderr[-2000:]
        files[name] = out / name / "practitioners.jsonl"
    return files


class Target:
    """One backend as the command line names it, with what a load leaves behind while it runs."""

    def __init__(self, kind: str, directory: Path):
        self.kind = kind
        if kind == "sqlite":
            self.path = directory / "annuaire.sqlite3"
            self.url, self.alias = f"sqlite://{self.path}", None
        else:
            self.url, self.alias = elasticsearch_url(), f"rel-killed-{uuid.uuid4().hex[:8]}"
        self.env = {**os.environ, "ANNUAIRE_TIMEOUT_S": "60"}
        if self.alias:
            self.env["ANNUAIRE_ES_INDEX"] = self.alias

    def backend(self):
        return open_backend(self.url, BackendSettings(index_name=self.alias or "unused", timeout_s=30))

    def leftovers(self) -> list[str]:
        """The half-built index of a load in progress or killed."""
        if self.kind == "sqlite":
            return sorted(path.name for path in self.path.parent.glob(f"{self.path.name}.loading-*"))
        backend = self.backend()
        try:
            live = set(es_loading.aliased_indices(backend.client, self.alias))
            return sorted(set(es_loading.indices_of(backend.client, self.alias)) - live)
        finally:
            backend.close()

    def drop(self) -> None:
        if self.kind == "elasticsearch":
            backend = self.backend()
            backend.drop()
            backend.close()

    def app_client(self):
        config = {"backend": self.url, **({"es_index": self.alias} if self.alias else {})}
        return create_app(config).test_client()


def index_command(target: Target, source: Path) -> list[str]:
    return [*annuaire_command(), "index", str(source), "--backend", target.url, "--data-date", source.parent.name]


def run_to_the_end(target: Target, command: list[str]) -> int:
    result = subprocess.run(command, env=target.env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return int(re.search(r"index en service : (\d+) praticiens", result.stdout).group(1))


def kill_part_way(target: Target, command: list[str]) -> tuple[int, list[str]]:
    """Start the load, SIGKILL it once it has read KILL_AFTER_ROWS rows and its new index exists."""
    process = subprocess.Popen(command, env=target.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    progress = bytearray()
    reader = threading.Thread(target=read_into, args=(process.stderr, progress), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + COMMAND_TIMEOUT_S
        while time.monotonic() < deadline:
            assert process.poll() is None, f"the load ended before it could be killed: {bytes(progress)[-500:]!r}"
            text = bytes(progress).decode("utf-8", "replace")
            counts = [int(re.sub(r"\D", "", found)) for found in PROGRESS.findall(text)]
            rows = max(counts, default=0)
            leftovers = target.leftovers()
            if rows >= KILL_AFTER_ROWS and leftovers:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=30)
                assert process.returncode == -signal.SIGKILL
                return rows, leftovers
            time.sleep(0.1)
        pytest.fail("the load never got part-way")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=10)
        process.stderr.close()


def read_into(stream, buffer: bytearray) -> None:
    """The progress line of ``annuaire index`` (stderr), as it comes."""
    while chunk := stream.read1(4096):
        buffer += chunk


@pytest.mark.parametrize("kind", BACKEND_KINDS)
def test_a_killed_load_leaves_the_previous_index_serving_and_the_same_command_then_completes(kind, generated, tmp_path):
    target = Target(kind, tmp_path)
    try:
        previous = run_to_the_end(target, index_command(target, generated["previous"]))
        client = target.app_client()
        assert client.get("/api/v1/health").get_json()["documents"] == previous > 0

        command = index_command(target, generated["big"])
        rows_read, leftovers = kill_part_way(target, command)

        health = client.get("/api/v1/health").get_json()
        assert health["status"] == "ok" and health["documents"] == previous
        assert health["data_date"] == "previous", "the previous load is still the one served"
        assert client.get("/api/v1/practitioners").get_json()["total"] == previous
        fresh = target.app_client()  # a process started now sees the same
        assert fresh.get("/api/v1/practitioners").get_json()["total"] == previous
        assert target.leftovers() == leftovers, "the killed load's half-built index is left, never served"

        started = time.monotonic()
        completed = run_to_the_end(target, command)
        rerun_s = time.monotonic() - started
        assert completed > previous
        health = client.get("/api/v1/health").get_json()
        assert health["documents"] == completed and health["data_date"] == "big"
        assert client.get("/api/v1/practitioners").get_json()["total"] == completed
        assert target.leftovers() == [], "the next load removed the killed one's leftovers"
    finally:
        target.drop()
    record_figures(f"indexer SIGKILLed part-way ({kind})", {
        "previous_documents": previous, "rows_read_when_killed": rows_read, "documents_after_rerun": completed,
        "rerun_s": round(rerun_s, 1)})
