"""Preparing the embedded index's rows beside SQLite's work, on the machine's other cores.

Any iterable of practitioners is read in a second thread, ``BATCH_SIZE`` at a time: it overlaps
with SQLite's writing (which releases the GIL), not with other Python work. A source that can be
split into picklable parts (a ``chunks()`` method, e.g. :class:`directory.record_files.RecordFile`)
is instead read in worker processes, one part each at a time, so that parsing and row preparation
run in parallel with everything else. Either way batches come out in the source's order, so the
first practitioner of each id still wins, and an error in the source is raised to the caller.

Workers are started from a fork server which, as for any ``multiprocessing`` program, imports the
main script again: a script that builds from a splittable source needs the usual
``if __name__ == "__main__":`` guard.
"""
from __future__ import annotations

import marshal
import multiprocessing
import os
import queue
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import count, islice
from typing import Iterable, Iterator

from .model import Practitioner
from .sqlite_rows import PreparedPart, prepared_part

BATCH_SIZE = 10_000

# Parts being prepared (or prepared and not yet consumed) per worker: enough to keep the workers
# busy, few enough to bound memory.
PARTS_IN_FLIGHT_PER_WORKER = 2


def prepared_parts(practitioners: Iterable[Practitioner]) -> Iterator[PreparedPart]:
    """The rows of ``practitioners`` part by part, in order (see :class:`directory.sqlite_rows.PreparedPart`)."""
    workers = worker_count()
    parts = practitioners.chunks() if workers > 1 and hasattr(practitioners, "chunks") else []
    if len(parts) > 1:
        return _prepared_in_processes(parts, workers)
    return prefetched(_prepared_here(practitioners))


def worker_count() -> int:
    """Processes to prepare rows in: one per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _prepared_here(practitioners: Iterable[Practitioner]) -> Iterator[PreparedPart]:
    iterator = iter(practitioners)
    for number in count():
        batch = list(islice(iterator, BATCH_SIZE))
        if not batch:
            return
        yield prepared_part(number, batch)


def prepare_part(number: int, part: Iterable[Practitioner]) -> bytes:
    """In a worker: one part prepared, marshalled (far cheaper to send back than pickled)."""
    return marshal.dumps(prepared_part(number, part).as_values())


def _prepared_in_processes(parts: list, workers: int) -> Iterator[PreparedPart]:
    """Rows of each part, prepared by ``workers`` processes, yielded in the parts' order.

    Workers come from a fork server (forking this process itself is unsafe when it runs threads).
    Closing the iterator early (an error while writing) cancels what is left and stops them.
    """
    context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    pending: deque[Future] = deque()
    try:
        remaining = enumerate(parts)
        for number, part in islice(remaining, workers * PARTS_IN_FLIGHT_PER_WORKER):
            pending.append(executor.submit(prepare_part, number, part))
        while pending:
            prepared = PreparedPart(*marshal.loads(pending.popleft().result()))
            for number, part in islice(remaining, 1):
                pending.append(executor.submit(prepare_part, number, part))
            yield prepared
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


_DONE = object()


def prefetched(iterable: Iterable, depth: int = 2) -> Iterator:
    """Iterate ``iterable`` in a background thread, ``depth`` items ahead; its errors are raised here."""
    items: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in iterable:
                if stop.is_set():
                    return
                items.put(item)
            items.put(_DONE)
        except BaseException as error:  # handed to the consumer
            items.put(error)

    worker = threading.Thread(target=produce, name="index-rows", daemon=True)
    worker.start()
    try:
        while (item := items.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():
            try:
                items.get_nowait()
            except queue.Empty:
                worker.join(0.05)
