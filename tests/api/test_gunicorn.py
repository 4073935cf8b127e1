"""The documented production command really serves the API: gunicorn with gunicorn.conf.py, as a process."""
from __future__ import annotations

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
from tests.contract.dataset import contract_population

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
COMMAND = [str(GUNICORN), "-c", "gunicorn.conf.py", "api.app:create_app()"]


def free_port() -> int:
    for port in range(8160, 8200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("aucun port libre entre 8160 et 8199")


def get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    index = tmp_path_factory.mktemp("gunicorn") / "index.sqlite3"
    open_backend(f"sqlite://{index}").replace_all(iter(contract_population()), data_date="2026-10-08", demo=True)
    port = free_port()
    env = {**os.environ, "ANNUAIRE_BACKEND": f"sqlite://{index}", "ANNUAIRE_BIND": f"127.0.0.1:{port}",
           "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "2", "ANNUAIRE_CORS_ORIGINS": "https://portail.example.fr"}
    process = subprocess.Popen(COMMAND, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn s'est arrêté : {process.stdout.read().decode(errors='replace')[-2000:]}")
        try:
            if get(f"{base}/api/v1/health")[0] == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("gunicorn n'a pas répondu en 60 s")
    yield base
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.stdout.close()


def test_the_production_config_is_valid():
    result = subprocess.run([*COMMAND[:-1], "--check-config", COMMAND[-1]], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "ANNUAIRE_BACKEND": "sqlite://instance/none.sqlite3"}, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_gunicorn_serves_searches_with_the_security_and_cors_headers(server):
    status, headers, body = get(f"{server}/api/v1/practitioners?lat=48.8566&lon=2.3522&radius_km=5",
                                {"Origin": "https://portail.example.fr"})
    assert status == 200 and json.loads(body)["total"] > 0
    assert headers["X-Content-Type-Options"] == "nosniff" and "frame-ancestors" in headers["Content-Security-Policy"]
    assert headers["Access-Control-Allow-Origin"] == "https://portail.example.fr"


def test_gunicorn_answers_errors_as_problems(server):
    status, headers, body = get(f"{server}/api/v1/practitioners?radius_km=1000")
    assert status == 400 and headers["Content-Type"].startswith("application/problem+json")
    assert json.loads(body)["errors"]["radius_km"]
    status, headers, _ = get(f"{server}/api/v1/practitioners?q=" + "a" * 5000)
    assert status == 414 and headers["Content-Type"].startswith("application/problem+json")


def test_gunicorn_serves_the_openapi_document_and_its_viewer(server):
    status, _, body = get(f"{server}/api/openapi.json")
    assert status == 200 and "/api/v1/practitioners" in json.loads(body)["paths"]
    assert get(f"{server}/api/docs")[0] == 200


def test_the_makefile_documents_the_command():
    makefile = (ROOT / "Makefile").read_text()
    assert "serve-prod:" in makefile and "gunicorn -c gunicorn.conf.py 'api.app:create_app()'" in makefile
    assert "gunicorn -c gunicorn.conf.py 'api.app:create_app()'" in (ROOT / "README.md").read_text()
