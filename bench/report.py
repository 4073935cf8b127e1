"""``docs/benchmarks.md`` and its plot, from the newest result file of each backend."""
from __future__ import annotations

import json
from pathlib import Path

from bench.query_mix import KINDS

REFERENCE_SIZE = 1_000_000
NOTES_FILE = "benchmarks-notes.md"
TARGETS = {"sqlite": {"build_per_s": 50_000, "p95_ms": 25}, "elasticsearch": {"build_per_s": 10_000, "p95_ms": 50}}


def result_file_name(day: str, backend: str, size: int) -> str:
    """``<date>-<backend>.json`` at the reference size (1,000,000), ``<date>-<backend>-<size>.json`` otherwise."""
    return f"{day}-{backend}.json" if size == REFERENCE_SIZE else f"{day}-{backend}-{size}.json"


def latest_results(results_dir: Path) -> dict[str, dict]:
    """The newest result of each backend at each size, keyed ``backend`` (reference size) or ``backend size``."""
    latest = {}
    for path in sorted(results_dir.glob("*.json")):
        result = json.loads(path.read_text(encoding="utf-8"))
        if "backend" in result:
            key = result["backend"] if result["size"] == REFERENCE_SIZE else f"{result['backend']} {result['size']}"
            latest[key] = result | {"file": path.name}
    return dict(sorted(latest.items()))


def _row(kind: str, result: dict) -> str:
    mine, floor = result["in_process_ms"].get(kind), result["baseline_ms"].get(kind)
    http = result.get("http_ms", {}).get(kind)
    if not mine or not floor:
        return f"| {kind} | – | – | – | – | – | – | – |"
    p50x, p95x = floor["p50"] / max(mine["p50"], 1e-6), floor["p95"] / max(mine["p95"], 1e-6)
    verdict = "oui" if p50x >= 10 and p95x >= 3 else "**non**"
    http_cell = f"{http['p50']:.1f} / {http['p95']:.1f}" if http else "–"
    return (f"| {kind} | {mine['p50']:.2f} / {mine['p95']:.2f} / {mine['p99']:.2f} | {floor['p50']:.1f} / {floor['p95']:.1f} "
            f"| ×{p50x:.0f} | ×{p95x:.1f} | {verdict} | {http_cell} | {mine['count']} |")


def build_line(result: dict) -> str:
    build = result["build"]
    workers = (f" (+ {build['workers_peak_rss_mib']} MiB in its worker processes, together)" if build.get("workers_peak_rss_mib")
               else "")
    line = (f"- Build: {build['documents']:,} documents in {build['seconds']} s → **{build['documents_per_s']:,} docs/s** "
            f"(target {TARGETS.get(result['backend'], {}).get('build_per_s', 0):,}); peak memory {build['peak_rss_mib']} MiB"
            f"{workers}; size on disk {build.get('disk_mib')} MiB.")
    return line.replace(",", " ")


def plot(latest: dict[str, dict], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = []
    for name, result in latest.items():
        label = name if result["size"] == REFERENCE_SIZE else f"{result['backend']} {result['size']:,}".replace(",", " ")
        series.append((f"{label} (p50)", [result["in_process_ms"].get(k, {}).get("p50", 0) for k in KINDS]))
    baselines = {}
    for result in latest.values():  # one baseline per size: the first result measured at that size
        baselines.setdefault(result["size"], result["baseline_ms"])
    for size, baseline in sorted(baselines.items()):
        label = "référence NumPy (p50)" if len(baselines) == 1 else f"référence NumPy {size:,} (p50)".replace(",", " ")
        series.append((label, [baseline.get(k, {}).get("p50", 0) for k in KINDS]))
    figure, axis = plt.subplots(figsize=(11, 6))
    width = 0.8 / max(1, len(series))
    for index, (label, values) in enumerate(series):
        axis.bar([k + index * width for k in range(len(KINDS))], values, width, label=label)
    axis.set_yscale("log")
    axis.set_ylabel("latence médiane (ms, échelle log)")
    axis.set_xticks([k + width * (len(series) - 1) / 2 for k in range(len(KINDS))], KINDS, rotation=25, ha="right")
    axis.set_title("Latence par type de requête, en processus")
    axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=3, frameon=False)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    return path


def write_report(results_dir: Path, docs_dir: Path) -> Path:
    latest = latest_results(results_dir)
    docs_dir.mkdir(parents=True, exist_ok=True)
    lines = ["# Benchmarks", "",
             "Produced by `make bench` (`python -m bench.run`); raw figures in `bench/results/`. Each backend is measured",
             "in the same run as a brute-force baseline (NumPy great-circle distance over every point, then the filters).",
             "Targets (issue 8): build ≥ 50,000 docs/s (SQLite) and ≥ 10,000 docs/s (Elasticsearch); per query kind,",
             "p50 ≥ 10× and p95 ≥ 3× faster than the baseline; p95 ≤ 25 ms (SQLite) / 50 ms (Elasticsearch);",
             "≥ 300 requests/s over HTTP for the typical query on SQLite.", ""]
    for result in latest.values():
        machine = result["machine"]
        lines += [f"## {result['backend']} — {result['size']:,} practitioners ({result['date']}, `{result['file']}`)".replace(",", " "), "",
                  f"Machine: {machine['cpus']} cores ({machine['cpu_model']}), {machine['memory_gib']} GiB, "
                  f"Python {machine['python']}.", "",
                  build_line(result),
                  ]
        throughput = result.get("http_throughput")
        if throughput:
            lines.append(f"- HTTP throughput, typical query (`{throughput['path']}`), {throughput['connections']} connections "
                         f"({throughput['tool']}): **{throughput['requests_per_s']} requests/s**, {throughput['non_2xx']} non-2xx.")
        memory = result.get("serving_memory_mib")
        if memory:
            mapped = (" (resident counts the touched pages of the memory-mapped index, shared)"
                      if result["backend"] == "sqlite" else "")
            private = (f"; private (own) memory: workers {memory['workers_private']} MiB, total {memory['total_private']} MiB"
                       if "workers_private" in memory else "")
            lines.append(f"- Serving memory (gunicorn): resident master {memory['master']} MiB, workers {memory['workers']} MiB, "
                         f"total {memory['total']} MiB{mapped}{private}.")
        lines.append(f"- Answers differing from the baseline (total or ids of the page): {result['baseline_disagreement_count']}.")
        lines += ["", "| kind | in-process p50 / p95 / p99 (ms) | baseline p50 / p95 (ms) | p50 gain | p95 gain | "
                      "targets met | HTTP p50 / p95 (ms) | queries |", "|---|---|---|---|---|---|---|---|"]
        lines += [_row(kind, result) for kind in KINDS]
        lines.append("")
    if latest:
        picture = plot(latest, docs_dir / "benchmarks-latency.png")
        lines += [f"![Latency per query kind]({picture.name})", ""]
    notes = docs_dir / NOTES_FILE
    if notes.exists():  # hand-written: what the profiles showed, what was changed, what is left
        lines += [notes.read_text(encoding="utf-8").rstrip(), ""]
    path = docs_dir / "benchmarks.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
