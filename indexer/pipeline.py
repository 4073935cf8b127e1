"""The load: parsed records (or rejects) → de-duplicated practitioners → one atomic backend replacement."""
from __future__ import annotations

from typing import Callable, Iterable, Iterator

from directory.backend import DirectoryBackend
from directory.model import IndexInfo, Practitioner

from .rejects import LoadReport, Reject, Warning_

Item = Practitioner | Reject | Warning_


def accepted(items: Iterable[Item], report: LoadReport, on_read: Callable[[int], None] | None = None
             ) -> Iterator[Practitioner]:
    """The practitioners among ``items``, each id once; rejects, duplicates and warnings go to ``report``."""
    seen: set[str] = set()
    for item in items:
        if isinstance(item, Warning_):
            report.warn(item)
            continue
        report.read += 1
        if on_read is not None:
            on_read(report.read)
        if isinstance(item, Reject):
            report.reject(item)
        elif item.id in seen:
            report.duplicates += 1
        else:
            seen.add(item.id)
            report.indexed += 1
            yield item


def load(items: Iterable[Item], backend: DirectoryBackend, *, data_date: str | None, demo: bool,
         on_read: Callable[[int], None] | None = None) -> tuple[IndexInfo, LoadReport]:
    """Replace the backend's index with the accepted practitioners of ``items``."""
    report = LoadReport()
    info = backend.replace_all(accepted(items, report, on_read), data_date=data_date, demo=demo)
    return info, report
