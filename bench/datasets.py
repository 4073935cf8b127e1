"""The benchmark population: generated once per (size, seed), kept under ``bench/work``."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from directory.record_files import RecordFile

WORK = Path(__file__).resolve().parent / "work"


def dataset_path(size: int, seed: int) -> Path:
    return WORK / f"practitioners-{size}-{seed}" / "practitioners.jsonl"


def ensure_dataset(size: int, seed: int) -> tuple[Path, float | None]:
    """The JSON Lines file of ``size`` generated practitioners, generating it if needed (seconds, or None if cached)."""
    path = dataset_path(size, seed)
    if path.exists():
        return path, None
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "indexer.cli", "generate", "--size", str(size), "--seed", str(seed),
                    "--out", str(path.parent)], check=True)
    return path, time.monotonic() - started


def read_practitioners(path: Path) -> RecordFile:
    """The generated (trusted) records, without per-row validation: the build is what is measured.

    An iterable of practitioners that a backend may also read in parallel parts (see
    :class:`directory.record_files.RecordFile`); the file is read when the build iterates it.
    """
    return RecordFile(Path(path))
