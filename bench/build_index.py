"""Build one backend from a generated dataset, in its own process: wall time, documents/s, peak memory.

    python -m bench.build_index --backend sqlite:///tmp/x.sqlite3 --data bench/work/.../practitioners.jsonl [--phases]
Prints one JSON object; with ``--phases``, also the seconds (wall, processor) of each step of an
embedded build, from the build's ``DEBUG`` log.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import threading
import time

from bench.datasets import read_practitioners
from directory.backend import BackendSettings, open_backend


def own_peak_rss_mib() -> float:
    """This process's peak resident memory since it started (``VmHWM``).

    Not ``getrusage(RUSAGE_SELF).ru_maxrss``: Linux carries that over a fork and an exec, so a build
    started by ``bench.run``, which holds the whole population for its baseline, reported the
    parent's 2 GB (4 GB at 2,000,000) as its own.
    """
    return _status_kib("self", "VmHWM") / 1024


class DescendantsMemory(threading.Thread):
    """Samples, every ``interval`` seconds, the summed resident memory of this process's descendants
    (the row-preparing workers of an embedded build, children of a fork server): their peak."""

    def __init__(self, interval: float = 0.2) -> None:
        super().__init__(name="memory-sampler", daemon=True)
        self.interval, self.peak_mib, self._stop_event = interval, 0.0, threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            self.peak_mib = max(self.peak_mib, sum(_rss_kib(pid) for pid in _descendants(os.getpid())) / 1024)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _descendants(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _rss_kib(pid: int) -> int:
    try:
        return _status_kib(pid, "VmRSS")
    except OSError:  # the process has ended
        return 0


def _status_kib(pid: int | str, key: str) -> int:
    """One ``kB`` figure of ``/proc/PID/status`` (0 if the process has none, e.g. a zombie)."""
    with open(f"/proc/{pid}/status") as status:
        return next((int(line.split()[1]) for line in status if line.startswith(key)), 0)


class PhaseTimes(logging.Handler):
    """Collects the embedded build's ``sqlite build phase NAME: WALL s (PROCESSOR s processor)`` records."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.phases: dict[str, list[float]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        name, wall, processor = record.args
        self.phases[name] = [round(wall, 2), round(processor, 2)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--index-name", default="annuaire-bench")
    parser.add_argument("--phases", action="store_true", help="also print each build step's wall and processor seconds")
    args = parser.parse_args()
    phases = PhaseTimes()
    if args.phases:
        build_log = logging.getLogger("directory.sqlite_schema")
        build_log.setLevel(logging.DEBUG)
        build_log.addHandler(phases)
    backend = open_backend(args.backend, BackendSettings(index_name=args.index_name, timeout_s=120))
    descendants = DescendantsMemory()
    descendants.start()
    started = time.monotonic()
    info = backend.replace_all(read_practitioners(args.data), data_date="bench", demo=True)
    seconds = time.monotonic() - started
    descendants.stop()
    result = {"documents": info.documents, "seconds": round(seconds, 2),
              "documents_per_s": round(info.documents / seconds), "peak_rss_mib": round(own_peak_rss_mib()),
              "workers_peak_rss_mib": round(descendants.peak_mib)}
    if args.phases:
        result["phases"] = phases.phases
    print(json.dumps(result))


if __name__ == "__main__":
    main()
