"""Reading and writing the gzip'd CSV and JSON files of ``geodata/data``.

Writers are deterministic (no timestamp in the gzip header), so rebuilding with unchanged
inputs gives byte-identical files.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence


def read_gzip_csv(path: Path) -> Iterator[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as stream:
        yield from csv.DictReader(stream)


def read_gzip_csv_rows(path: Path, fields: Sequence[str]) -> Iterator[list[str]]:
    """The rows of a gzip'd CSV as lists, in the order of ``fields`` (faster than dicts for big files)."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as stream:
        rows = csv.reader(stream)
        header = next(rows)
        positions = [header.index(name) for name in fields]
        if positions == list(range(len(header))):
            yield from rows
        else:
            for row in rows:
                yield [row[i] for i in positions]


def read_gzip_json(path: Path) -> Any:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return json.load(stream)


def _write_gzip_text(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as zipped:
        with io.TextIOWrapper(zipped, encoding="utf-8", newline="") as stream:
            write(stream)


def write_gzip_csv(path: Path, fields: Iterable[str], rows: Iterable[dict]) -> None:
    def write(stream):
        writer = csv.DictWriter(stream, fieldnames=list(fields), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    _write_gzip_text(path, write)


def write_gzip_json(path: Path, value: Any) -> None:
    _write_gzip_text(path, lambda stream: json.dump(value, stream, ensure_ascii=False, separators=(",", ":")))
