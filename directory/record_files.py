"""A file of trusted practitioner records (the project's JSON Lines format, already validated).

:class:`RecordFile` is an iterable of practitioners like any other, and can also be cut into
:class:`RecordFileChunk` parts of whole lines, each readable on its own, in another process: a
loader may then parse the parts in parallel (see :mod:`directory.sqlite_preparation`).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .model import Practitioner
from .records import practitioner_from_dict

# About 17,000 records of the generated data: large enough that a part costs far more to parse
# than to hand to a process, small enough to keep parts in flight cheap.
CHUNK_BYTES = 8 << 20


@dataclass(frozen=True)
class RecordFile:
    """The practitioners of a JSON Lines file, one record per line, in file order."""

    path: Path
    chunk_bytes: int = CHUNK_BYTES

    def __iter__(self) -> Iterator[Practitioner]:
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                yield practitioner_from_dict(json.loads(line))

    def chunks(self) -> list[RecordFileChunk]:
        """Consecutive parts of about ``chunk_bytes`` each, cut after a newline, covering the whole file."""
        size, chunk_bytes = os.path.getsize(self.path), self.chunk_bytes
        starts = [0]
        with open(self.path, "rb") as handle:
            while starts[-1] + chunk_bytes < size:
                handle.seek(starts[-1] + chunk_bytes - 1)
                handle.readline()
                if handle.tell() >= size:
                    break
                starts.append(handle.tell())
        ends = starts[1:] + [size]
        return [RecordFileChunk(self.path, start, end) for start, end in zip(starts, ends) if end > start]


@dataclass(frozen=True)
class RecordFileChunk:
    """The whole lines between two byte offsets of a :class:`RecordFile` (picklable: a path and two numbers)."""

    path: Path
    start: int
    end: int

    def __iter__(self) -> Iterator[Practitioner]:
        with open(self.path, "rb") as handle:
            handle.seek(self.start)
            text = handle.read(self.end - self.start).decode("utf-8")
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        for line in lines:
            yield practitioner_from_dict(json.loads(line))
