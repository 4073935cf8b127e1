"""Benchmark: load all the reference geography in a fresh process.

    python bench/geodata_load.py [--runs 5] [--out bench/results/geodata-load.json]

Each run starts a new Python process that imports ``geodata``, calls
``load_reference().load_all()`` (communes, postal codes, aliases, départements and their
STRtree, nearest-commune index, place index, CPAM caisses and offices) and reports its wall
time and CPU time from just before the import, the time of each part, and its peak resident set size
(``ru_maxrss``, which includes the interpreter itself). The figures are the median over runs,
with the min and max; the baseline RSS of an interpreter that imports nothing is given too.
The machine's load average is recorded: on a shared machine, wall times grow with it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("communes", "postal_codes", "commune_aliases", "departements", "_commune_points", "places", "cpam")

CHILD = """
import json, resource, sys, time
start, cpu_start = time.perf_counter(), time.process_time()
from geodata.reference import load_reference
imported = time.perf_counter()
reference = load_reference()
parts = {}
for name in %r:
    t = time.perf_counter()
    getattr(reference, name)
    parts[name] = time.perf_counter() - t
reference.load_all()
total = time.perf_counter() - start
json.dump({"wall_s": total, "cpu_s": time.process_time() - cpu_start, "import_s": imported - start, "parts_s": parts,
           "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}, sys.stdout)
""" % (PARTS,)

BASELINE = ("import json, resource, sys; "
            "json.dump({'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}, sys.stdout)")


def run_child(code: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                            capture_output=True, text=True).stdout
    return json.loads(output)


def summary(values: list[float], digits: int = 3) -> dict:
    return {"median": round(statistics.median(values), digits), "min": round(min(values), digits),
            "max": round(max(values), digits)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "geodata-load.json")
    args = parser.parse_args(argv)
    runs = [run_child(CHILD) for _ in range(args.runs)]
    data_dir = ROOT / "geodata" / "data"
    result = {
        "benchmark": "geodata-load",
        "what": "fresh process: import geodata + load_reference().load_all()",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
        "load_average": list(os.getloadavg()),
        "runs": args.runs,
        "wall_s": summary([run["wall_s"] for run in runs]),
        "cpu_s": summary([run["cpu_s"] for run in runs]),
        "import_s": summary([run["import_s"] for run in runs]),
        "parts_s": {part: summary([run["parts_s"][part] for run in runs]) for part in PARTS},
        "peak_rss_mb": summary([run["peak_rss_mb"] for run in runs], 1),
        "interpreter_baseline_rss_mb": round(run_child(BASELINE)["peak_rss_mb"], 1),
        "data_files_bytes": {path.name: path.stat().st_size for path in sorted(data_dir.iterdir())},
        "targets": {"wall_s": "well under 1", "peak_rss_mb": "under 150"},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({key: result[key] for key in ("wall_s", "cpu_s", "peak_rss_mb", "load_average")}))
    return result


if __name__ == "__main__":
    main()
