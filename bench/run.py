"""``make bench``: the service at national scale, each backend beside a brute-force baseline.

    python -m bench.run --size 1000000 --backends sqlite,elasticsearch [--queries 1000]

For each backend: build it from the generated dataset (throughput, wall time, size on disk, peak
memory), run the seeded query mix in-process through the backend protocol and the NumPy baseline
in the same run, then over HTTP against the production server (latency per kind, throughput
under 16 connections, memory of the serving processes). Writes ``bench/results/<date>-<backend>.json``
and regenerates ``docs/benchmarks.md`` with its plot.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from bench.baseline import BruteForce
from bench.datasets import WORK, ensure_dataset, read_practitioners
from bench.http_load import http_latencies, serving_memory_mib, start_server, stop_server, throughput
from bench.query_mix import KINDS, build_mix
from bench.report import REFERENCE_SIZE, result_file_name, write_report
from directory.backend import BackendSettings, open_backend

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def percentiles(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)

    def at(fraction: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 3)

    return {"count": len(ordered), "p50": at(0.50), "p95": at(0.95), "p99": at(0.99),
            "mean": round(statistics.fmean(ordered), 3)}


def machine() -> dict:
    with open("/proc/meminfo") as handle:
        memory_kib = int(handle.readline().split()[1])
    with open("/proc/cpuinfo") as handle:
        model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "?")
    return {"cpus": os.cpu_count(), "cpu_model": model, "memory_gib": round(memory_kib / 1024 ** 2, 1),
            "python": platform.python_version(), "platform": platform.platform()}


def disk_size_mib(backend, url: str) -> float | None:
    if url.startswith("sqlite://"):
        return round(os.path.getsize(backend.path) / 2 ** 20, 1)
    stats = backend.client.indices.stats(index=backend.alias, metric="store")
    return round(stats["_all"]["primaries"]["store"]["size_in_bytes"] / 2 ** 20, 1)


def to_queries(app, mix):
    """The mix's HTTP parameters, parsed exactly as the API parses them."""
    from api.practitioners_views import parse_search_args
    from api.search_params import to_query
    from flask import request

    parsed = []
    for item in mix:
        if item.kind == "detail":
            parsed.append(None)
            continue
        with app.test_request_context("/api/v1/practitioners", query_string=item.params):
            params, point = parse_search_args(request.args)
            parsed.append(to_query(params, point))
    return parsed


def in_process(backend, baseline: BruteForce, mix, queries) -> tuple[dict, dict, dict, list]:
    """Latency per kind (ms) of the backend and of the baseline; cursors for the HTTP run; checks.

    The backend answers the whole mix, then the baseline answers it: interleaving them query by
    query made every backend query start with the processor caches emptied by the baseline's sweep
    over a million points (measured on SQLite at 1,000,000: p50 +60–70 %), which no server sees.
    """
    backend_ms = {kind: [] for kind in KINDS}
    baseline_ms = {kind: [] for kind in KINDS}
    cursors, answers = {}, {}
    for number, (item, query) in enumerate(zip(mix, queries)):
        if item.kind == "detail":
            started = time.perf_counter()
            found = backend.get(item.detail_id)
            backend.places_of(found.person_id)
            backend_ms["detail"].append((time.perf_counter() - started) * 1000)
            continue
        if item.kind == "deep_cursor":
            page = backend.search(query)
            for _ in range(item.cursor_pages - 1):
                if page.next_cursor is None:
                    break
                page = backend.search(replace(query, cursor=page.next_cursor))
            if page.next_cursor is None:
                continue
            query = replace(query, cursor=page.next_cursor)
            cursors[number] = page.next_cursor
        started = time.perf_counter()
        page = backend.search(query)
        backend_ms[item.kind].append((time.perf_counter() - started) * 1000)
        answers[number] = (query, page.total, [hit.practitioner.id for hit in page.hits])
    mismatches = []
    for number, item in enumerate(mix):
        if item.kind == "detail":
            started = time.perf_counter()
            baseline.detail(item.detail_id)
            baseline_ms["detail"].append((time.perf_counter() - started) * 1000)
            continue
        if number not in answers:
            continue
        query, backend_total, backend_ids = answers[number]
        reference_query = query if query.cursor is None else replace(query, cursor=None, page=item.cursor_pages + 1)
        started = time.perf_counter()
        total, _, ids = baseline.search(reference_query)
        baseline_ms[item.kind].append((time.perf_counter() - started) * 1000)
        if total != backend_total or ids != backend_ids:
            mismatches.append({"kind": item.kind, "params": item.params, "backend_total": backend_total,
                               "baseline_total": total})
    return backend_ms, baseline_ms, cursors, mismatches


def run_backend(name: str, url: str, data: Path, baseline: BruteForce, mix, args) -> dict:
    print(f"[{name}] construction de l'index…", flush=True)
    build = json.loads(subprocess.run([sys.executable, "-m", "bench.build_index", "--backend", url, "--data", str(data)],
                                      check=True, capture_output=True, text=True, cwd=ROOT).stdout)
    backend = open_backend(url, BackendSettings(index_name="annuaire-bench", timeout_s=60))
    build["disk_mib"] = disk_size_mib(backend, url)
    print(f"[{name}] {build}", flush=True)
    from api.app import create_app

    app = create_app({"backend": url, "es_index": "annuaire-bench"}, backend=backend)
    queries = to_queries(app, mix)
    for query in queries[:50]:  # warm caches as a running server would be
        if query is not None:
            backend.search(query)
    print(f"[{name}] {len(mix)} requêtes en processus, avec la référence NumPy…", flush=True)
    backend_ms, baseline_ms, cursors, mismatches = in_process(backend, baseline, mix, queries)
    result = {"backend": name, "url": url if url.startswith("http") else "sqlite", "size": args.size,
              "date": date.today().isoformat(), "machine": machine(), "build": build,
              "in_process_ms": {kind: percentiles(values) for kind, values in backend_ms.items() if values},
              "baseline_ms": {kind: percentiles(values) for kind, values in baseline_ms.items() if values},
              "baseline_disagreements": mismatches[:20], "baseline_disagreement_count": len(mismatches)}
    print(f"[{name}] HTTP (gunicorn)…", flush=True)
    server = start_server(url, args.port)
    try:
        result["http_ms"] = {kind: percentiles(values) for kind, values in
                             http_latencies(args.port, mix, cursors).items() if values}
        typical = next(item for item in mix if item.kind == "circle_profession")
        result["http_throughput"] = throughput(args.port, typical.params, connections=16, seconds=args.load_seconds)
        result["serving_memory_mib"] = serving_memory_mib(server)
    finally:
        stop_server(server)
    backend.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=REFERENCE_SIZE)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--backends", default="sqlite,elasticsearch")
    parser.add_argument("--es-url", default=os.environ.get("ANNUAIRE_BENCH_ES_URL", "http://127.0.0.1:9270"))
    parser.add_argument("--port", type=int, default=8300)
    parser.add_argument("--load-seconds", type=int, default=15)
    args = parser.parse_args()
    data, generated_s = ensure_dataset(args.size, args.seed)
    print(f"jeu de données : {data}" + (f" (généré en {generated_s:.0f} s)" if generated_s else " (en cache)"), flush=True)
    population = list(read_practitioners(data))
    rng = random.Random(args.seed)
    sample = rng.sample(population, 2000)
    from geodata.reference import load_reference

    mix = build_mix(load_reference(), [p.id for p in sample], [p.nom for p in sample], args.queries, args.seed)
    baseline = BruteForce(population)
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in args.backends.split(","):
        url = f"sqlite://{WORK / f'bench-{args.size}.sqlite3'}" if name == "sqlite" else args.es_url
        result = run_backend(name, url, data, baseline, mix, args)
        if generated_s:
            result["generation_s"] = round(generated_s, 1)
        path = RESULTS / result_file_name(result["date"], name, args.size)
        path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"résultats : {path}", flush=True)
    print(f"rapport : {write_report(RESULTS, ROOT / 'docs')}")


if __name__ == "__main__":
    main()
