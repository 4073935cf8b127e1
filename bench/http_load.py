"""The HTTP side of the benchmark: the production server (gunicorn), latencies, throughput, memory."""
from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from bench.query_mix import KINDS

ROOT = Path(__file__).resolve().parent.parent


def start_server(backend_url: str, port: int) -> subprocess.Popen:
    """gunicorn with the project's production settings, on loopback; waits until it answers."""
    config = ROOT / "gunicorn.conf.py"
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    if config.exists():
        command += ["-c", str(config)]
    else:
        command += ["--workers", "2", "--threads", "4"]
    command.append("api.app:create_app()")
    env = {**os.environ, "ANNUAIRE_BACKEND": backend_url, "ANNUAIRE_ES_INDEX": "annuaire-bench",
           "ANNUAIRE_RATE_LIMIT_PER_MINUTE": "0"}
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/health")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise RuntimeError("le serveur gunicorn n'a pas répondu en 60 s")


def stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def path_of(item, cursors: dict, number: int) -> str:
    if item.kind == "detail":
        return f"/api/v1/practitioners/{urllib.parse.quote(item.detail_id)}"
    params = dict(item.params)
    if number in cursors:
        params["cursor"] = cursors[number]
    return "/api/v1/practitioners?" + urllib.parse.urlencode(params)


def http_latencies(port: int, mix, cursors: dict) -> dict[str, list[float]]:
    """One keep-alive connection, the mix in order: milliseconds per kind (2xx answers only)."""
    samples = {kind: [] for kind in KINDS}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for number, item in enumerate(mix[:100]):  # warm every worker (reference data, caches) first
        connection.request("GET", path_of(item, cursors, number))
        connection.getresponse().read()
    for number, item in enumerate(mix):
        if item.kind == "deep_cursor" and number not in cursors:
            continue
        started = time.perf_counter()
        connection.request("GET", path_of(item, cursors, number))
        response = connection.getresponse()
        response.read()
        if response.status == 200:
            samples[item.kind].append((time.perf_counter() - started) * 1000)
    connection.close()
    return samples


def throughput(port: int, params: dict, connections: int, seconds: int) -> dict:
    """Requests per second for one typical query under ``connections`` concurrent connections."""
    path = "/api/v1/practitioners?" + urllib.parse.urlencode(params)
    if shutil.which("wrk"):
        output = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                                 f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        return {"tool": "wrk", "connections": connections, "seconds": seconds, "requests_per_s": round(rate, 1),
                "non_2xx": int(errors.group(1)) if errors else 0, "path": path}
    return _python_load(port, path, connections, seconds)


def _python_load(port: int, path: str, connections: int, seconds: int) -> dict:
    counts, failures = [0] * connections, [0] * connections
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            counts[index] += 1
            failures[index] += response.status != 200

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"tool": "python threads", "connections": connections, "seconds": seconds,
            "requests_per_s": round(sum(counts) / seconds, 1), "non_2xx": sum(failures), "path": path}


def serving_memory_mib(server: subprocess.Popen) -> dict:
    """Memory of the gunicorn master and each worker: resident (RSS, which counts the pages of the
    memory-mapped SQLite file a worker has touched, shared with the page cache and the other
    workers) and private (memory of its own: RSS less every shared page)."""
    children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()

    def figures(pid: str) -> tuple[float, float]:
        fields = {}
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                name, _, rest = line.partition(":")
                if rest.strip().endswith("kB"):
                    fields[name] = int(rest.split()[0])
        private = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
        return round(fields.get("Rss", 0) / 1024, 1), round(private / 1024, 1)

    master = figures(str(server.pid))
    workers = [figures(pid) for pid in children]
    return {"master": master[0], "workers": [rss for rss, _ in workers],
            "workers_private": [private for _, private in workers],
            "total": round(master[0] + sum(rss for rss, _ in workers), 1),
            "total_private": round(master[1] + sum(private for _, private in workers), 1)}
