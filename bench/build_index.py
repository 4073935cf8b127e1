"""Build one backend from a generated dataset, in its own process: wall time, documents/s, peak memory.

    python -m bench.build_index --backend sqlite:///tmp/x.sqlite3 --data bench/work/.../practitioners.jsonl
Prints one JSON object.
"""
from __future__ import annotations

import argparse
import json
import resource
import time

from bench.datasets import read_practitioners
from directory.backend import BackendSettings, open_backend


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--index-name", default="annuaire-bench")
    args = parser.parse_args()
    backend = open_backend(args.backend, BackendSettings(index_name=args.index_name, timeout_s=120))
    started = time.monotonic()
    info = backend.replace_all(read_practitioners(args.data), data_date="bench", demo=True)
    seconds = time.monotonic() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"documents": info.documents, "seconds": round(seconds, 2),
                      "documents_per_s": round(info.documents / seconds), "peak_rss_mib": round(peak_mib)}))


if __name__ == "__main__":
    main()
