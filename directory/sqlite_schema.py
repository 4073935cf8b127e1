"""The embedded index's schema and its loader (standard library ``sqlite3``: FTS5 + a clustered grid).

An index is one immutable file. A load writes a complete new file beside the live one and
swaps it in with one atomic ``os.replace``: readers keep the previous file until then, and a
load that fails or is killed leaves it untouched.

Layout, designed for the queries: ``practitioner`` holds every filter and sort column and the
point as a unit vector, with rows numbered by profession then grid cell (see
:mod:`directory.sqlite_cells`), so a circle reads, for each profession asked for, a few contiguous
runs of rows and tests the distance inside SQLite; ``cell_range`` gives each (profession, cell)
its run; ``facet_key`` numbers each combination of faceted values so that one small ``GROUP BY``
gives every facet; ``practitioner_body`` keeps the rest of the record;
``practitioner_text`` (FTS5) finds words; ``practitioner_specialty`` indexes specialties;
``cell_facet_count`` pre-counts each block of cells by facet combination (see
:mod:`directory.sqlite_aggregates`).

Building is two halves: preparing rows in Python (:mod:`directory.sqlite_rows`, in a second thread
or, for a file of trusted records, in worker processes: :mod:`directory.sqlite_preparation`) while
SQLite appends them to a staging table; then SQLite alone sorts them into place, fills the text
index, the aggregates and the secondary indexes. Each step is logged (``DEBUG``) with its duration.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from .backend import ProgressCallback
from .model import IndexInfo, Practitioner
from .processes import process_alive
from .sqlite_aggregates import build_aggregates
from .sqlite_preparation import prepared_parts
from .sqlite_rows import BODY_COLUMNS, COLUMNS, StagedRows

SCHEMA_VERSION = "5"

log = logging.getLogger(__name__)

# A build writes new files nobody reads until the final swap: no journal, no syncs but the last one.
# Sorts (the ordered copies, the indexes) may use a second core (``threads``). The cache also bounds
# a sort's memory: with 64 MiB a large sort is cut into runs sorted in parallel then merged, as fast
# as with 256 MiB on 1,000,000 practitioners and 170 MiB lighter.
PRAGMAS = """
PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA staging.journal_mode=OFF; PRAGMA staging.synchronous=OFF;
PRAGMA cache_size=-65536; PRAGMA temp_store=FILE; PRAGMA threads=2;
"""

# The order of ``practitioner.doc``: by profession, then grid cell, then id (ids are unique).
DOC_ORDER = ("profession", "cell", "id")

STAGING = f"""
CREATE TABLE staging.row (facet_alias, {', '.join(COLUMNS + BODY_COLUMNS)});
CREATE TABLE staging.facet_alias (alias INTEGER PRIMARY KEY, facet_key INTEGER NOT NULL);
"""

TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE practitioner (
    doc INTEGER PRIMARY KEY,
    facet_key INTEGER NOT NULL,
    id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    cell INTEGER NOT NULL,
    x REAL NOT NULL, y REAL NOT NULL, z REAL NOT NULL,
    lat REAL NOT NULL, lon REAL NOT NULL,
    profession TEXT NOT NULL,
    specialties TEXT NOT NULL,
    sector TEXT,
    optam INTEGER,
    carte_vitale INTEGER,
    mode TEXT,
    postal_code TEXT,
    commune_code TEXT,
    departement TEXT,
    nom_norm TEXT NOT NULL,
    prenom_norm TEXT NOT NULL,
    labels_norm TEXT NOT NULL
);
CREATE TABLE practitioner_body (doc INTEGER PRIMARY KEY, rpps TEXT, civilite TEXT, nom TEXT NOT NULL, prenom TEXT,
                                site_name TEXT, line TEXT, commune TEXT, phone TEXT, precision TEXT NOT NULL);
CREATE TABLE practitioner_specialty (code TEXT NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (code, doc)) WITHOUT ROWID;
CREATE TABLE cell_range (profession TEXT NOT NULL, cell INTEGER NOT NULL, first_doc INTEGER NOT NULL,
                         last_doc INTEGER NOT NULL, documents INTEGER NOT NULL,
                         PRIMARY KEY (profession, cell)) WITHOUT ROWID;
CREATE TABLE facet_combination (id INTEGER PRIMARY KEY, profession TEXT NOT NULL, sector TEXT NOT NULL,
                                specialties TEXT NOT NULL, mode TEXT NOT NULL, optam INTEGER NOT NULL,
                                carte_vitale INTEGER NOT NULL,
                                UNIQUE (profession, sector, specialties, mode, optam, carte_vitale));
CREATE VIRTUAL TABLE practitioner_text USING fts5(nom, prenom, labels, content='', prefix='2', detail='column',
                                                columnsize=0);
"""

# Both tables are filled in ``doc`` order from one sort each: an empty table numbers the rows it is
# given 1, 2, 3… so the same order gives the same ``doc`` to a practitioner's two halves.
FILL = (
    f"INSERT INTO practitioner (facet_key, {', '.join(COLUMNS)}) "
    f"SELECT a.facet_key, {', '.join('r.' + column for column in COLUMNS)} FROM staging.row r "
    f"JOIN staging.facet_alias a ON a.alias = r.facet_alias ORDER BY {', '.join('r.' + column for column in DOC_ORDER)}",
    f"INSERT INTO practitioner_body ({', '.join(BODY_COLUMNS)}) "
    f"SELECT {', '.join(BODY_COLUMNS)} FROM staging.row ORDER BY {', '.join(DOC_ORDER)}",
)

# Queries only test words (no ranking function reads column sizes: ``columnsize=0``). While filling,
# segments are not merged as they come (``automerge`` 0): 'optimize' merges them all once at the end.
TEXT = ("INSERT INTO practitioner_text (practitioner_text, rank) VALUES ('automerge', 0)",
        "INSERT INTO practitioner_text (rowid, nom, prenom, labels) "
        "SELECT doc, nom_norm, prenom_norm, labels_norm FROM practitioner")

INDEXES = """
CREATE UNIQUE INDEX practitioner_by_id ON practitioner (id);
CREATE INDEX practitioner_by_person ON practitioner (person_id);
CREATE INDEX practitioner_by_profession_name ON practitioner (profession, nom_norm, prenom_norm, id);
CREATE INDEX practitioner_by_postal_code ON practitioner (postal_code);
CREATE INDEX practitioner_by_commune ON practitioner (commune_code);
CREATE INDEX practitioner_by_departement ON practitioner (departement);
CREATE INDEX practitioner_by_name ON practitioner (nom_norm, prenom_norm, id);
"""

SPECIALTIES = """
INSERT INTO practitioner_specialty
    SELECT DISTINCT s.value, p.doc FROM practitioner p, json_each('["' || replace(p.specialties, ' ', '","') || '"]') s
    WHERE p.specialties != '';
"""


@contextmanager
def _phase(name: str) -> Iterator[None]:
    """Log how long one step of a build took (``DEBUG``): where a build's time goes.

    Wall time and this process's processor time: on a busy machine the second is the steadier one.
    """
    started, processor = time.monotonic(), time.process_time()
    yield
    log.debug("sqlite build phase %s: %.2f s (%.2f s processor)", name, time.monotonic() - started,
              time.process_time() - processor)


def _stage(connection: sqlite3.Connection, practitioners: Iterable[Practitioner],
           on_progress: ProgressCallback | None) -> StagedRows:
    """Append every practitioner (first of each id) to the staging table, in arrival order.

    Rows are prepared elsewhere (a thread or worker processes) while SQLite writes the previous
    batch, so both cores are used.
    """
    insert = f"INSERT INTO staging.row VALUES ({','.join('?' * (1 + len(COLUMNS) + len(BODY_COLUMNS)))})"
    staged = StagedRows()
    for part in prepared_parts(practitioners):
        connection.executemany(insert, staged.keep(part))
        if on_progress is not None:
            on_progress(staged.written)
    return staged


def _fill(connection: sqlite3.Connection, staged: StagedRows) -> None:
    """The tables read by queries, from the staging rows and what was learnt while staging them.

    One transaction (``executescript`` would commit it: statements are run one by one).
    """
    connection.execute("BEGIN")
    with _phase("facet_combination and cell_range"):
        connection.executemany("INSERT INTO facet_combination VALUES (?, ?, ?, ?, ?, ?, ?)",
                               staged.facet_combinations())
        connection.executemany("INSERT INTO cell_range VALUES (?, ?, ?, ?, ?)", staged.cell_ranges())
        connection.executemany("INSERT INTO staging.facet_alias VALUES (?, ?)", staged.aliases)
    with _phase("sorted copy"):
        for statement in FILL:
            connection.execute(statement)
    with _phase("full-text fill"):
        for statement in TEXT:
            connection.execute(statement)
    connection.execute("COMMIT")


def _finish(connection: sqlite3.Connection, meta: dict[str, str]) -> None:
    """Aggregates, secondary indexes, metadata, a merged text index and planner statistics."""
    with _phase("aggregates"):
        build_aggregates(connection)
    with _phase("indexes"):
        connection.executescript(INDEXES)
    with _phase("practitioner_specialty"):
        connection.executescript(SPECIALTIES)
    connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    with _phase("full-text optimize"):
        connection.execute("INSERT INTO practitioner_text(practitioner_text) VALUES ('optimize')")
    with _phase("analyze"):
        connection.execute("ANALYZE")


def _remove_stale_loads(path: Path) -> None:
    """Delete files left by loads whose process is gone."""
    for stale in path.parent.glob(f"{path.name}.loading-*"):
        pid = stale.name.split(".loading-", 1)[1].split(".", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            stale.unlink(missing_ok=True)


def build_index_file(path: Path, practitioners: Iterable[Practitioner], *, data_date: str | None, demo: bool,
                     on_progress: ProgressCallback | None = None) -> IndexInfo:
    """Write a complete index for ``practitioners`` and atomically make it the file at ``path``.

    A practitioner whose id was already written is skipped (the first one wins).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_loads(path)
    loading = path.with_name(f"{path.name}.loading-{os.getpid()}")
    staging = loading.with_name(f"{loading.name}.staging")
    for leftover in (loading, staging):
        leftover.unlink(missing_ok=True)
    connection = sqlite3.connect(loading, isolation_level=None)
    try:
        connection.execute("PRAGMA page_size=8192")
        connection.execute("ATTACH DATABASE ? AS staging", (str(staging),))
        connection.executescript(PRAGMAS)
        connection.executescript(TABLES + STAGING)
        with _phase("staging"):
            connection.execute("BEGIN")
            staged = _stage(connection, practitioners, on_progress)
            connection.execute("COMMIT")
        _fill(connection, staged)
        connection.execute("DETACH DATABASE staging")
        staging.unlink(missing_ok=True)
        written = staged.written
        built_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        _finish(connection, {"schema_version": SCHEMA_VERSION, "documents": str(written),
                             "data_date": data_date or "", "demo": "1" if demo else "0", "built_at": built_at})
    except BaseException:
        connection.close()
        loading.unlink(missing_ok=True)
        staging.unlink(missing_ok=True)
        raise
    connection.close()
    with open(loading, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(loading, path)
    return IndexInfo(documents=written, data_date=data_date, demo=demo)
