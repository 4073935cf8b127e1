"""Load a generated pair of real-format files end to end, and report match rate, rejects and throughput.

    .venv/bin/python -m bench.index_real_formats --size 200000 --work /tmp/annuaire-real-formats

Runs the two commands an operator would run, as subprocesses, and times them:

    annuaire generate --size N --seed S --format rpps,ameli --out WORK
    annuaire index --source rpps=WORK/PS_LibreAcces_Personne_activite_synthetique.txt \\
                   --source ameli=WORK/liste-ps-synthetique.csv --backend sqlite://WORK/index.sqlite3

then prints the index summary with the wall time, the peak memory of the load and the load
average of the machine (the figures mean little on a busy machine). The files are generated
once per size and seed and kept in WORK.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

RPPS_FILE = "PS_LibreAcces_Personne_activite_synthetique.txt"
AMELI_FILE = "liste-ps-synthetique.csv"


def annuaire() -> str:
    return str(Path(sys.executable).with_name("annuaire"))


def run(command: list[str]) -> tuple[str, float]:
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"échec ({result.returncode}) : {' '.join(command)}\n{result.stderr[-2000:]}")
    return result.stdout, elapsed


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--work", type=Path, default=Path("/tmp/annuaire-real-formats"))
    args = parser.parse_args(argv)
    work = args.work / f"{args.size}-{args.seed}"
    if not (work / RPPS_FILE).exists() or not (work / AMELI_FILE).exists():
        shutil.rmtree(work, ignore_errors=True)
        _, generated_s = run([annuaire(), "generate", "--size", str(args.size), "--seed", str(args.seed),
                              "--format", "rpps,ameli", "--out", str(work)])
        print(f"génération : {generated_s:.1f} s")
    index = work / "index.sqlite3"
    for path in work.glob("index.sqlite3*"):
        path.unlink()
    output, elapsed = run([annuaire(), "index", "--source", f"rpps={work / RPPS_FILE}",
                           "--source", f"ameli={work / AMELI_FILE}", "--backend", f"sqlite://{index}"])
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(output)
    figures = {"size": args.size, "seed": args.seed, "wall_s": round(elapsed, 1), "peak_rss_mb": round(peak_mb),
               "load_average": os.getloadavg()[0], "cpus": os.cpu_count()}
    print(json.dumps(figures, ensure_ascii=False))
    return figures


if __name__ == "__main__":
    main()
