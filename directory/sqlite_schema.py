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
"""
from __future__ import annotations

import os
import queue
import sqlite3
import threading
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

from .backend import ProgressCallback
from .model import IndexInfo, Practitioner
from .processes import process_alive
from .sqlite_aggregates import build_aggregates
from .sqlite_cells import cell_of, unit_vector
from .text_matching import search_fields

SCHEMA_VERSION = "4"
BATCH_SIZE = 10_000

COLUMNS = ("id", "person_id", "cell", "x", "y", "z", "lat", "lon", "profession", "specialties", "sector", "optam",
           "carte_vitale", "mode", "postal_code", "commune_code", "departement", "nom_norm", "prenom_norm",
           "labels_norm")

# The rest of a practitioner's record, kept beside the searched columns.
BODY_COLUMNS = ("rpps", "civilite", "nom", "prenom", "site_name", "line", "commune", "phone", "precision")

STAGING = f"""
CREATE TABLE staging.row ({', '.join(COLUMNS + BODY_COLUMNS)});
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
CREATE VIRTUAL TABLE practitioner_text USING fts5(nom, prenom, labels, content='', prefix='2', detail='column');
"""

FILL = f"""
INSERT INTO facet_combination (profession, sector, specialties, mode, optam, carte_vitale)
    SELECT DISTINCT profession, coalesce(sector, ''), specialties, coalesce(mode, ''), coalesce(optam, -1),
                    coalesce(carte_vitale, -1) FROM staging.row;
CREATE TABLE staging.ordered AS
    SELECT r.rowid AS staged, f.id AS facet_key FROM staging.row r
    JOIN facet_combination f ON f.profession = r.profession AND f.sector = coalesce(r.sector, '')
                             AND f.specialties = r.specialties AND f.mode = coalesce(r.mode, '')
                             AND f.optam = coalesce(r.optam, -1) AND f.carte_vitale = coalesce(r.carte_vitale, -1)
    ORDER BY r.profession, r.cell, r.id;
INSERT INTO practitioner (doc, facet_key, {', '.join(COLUMNS)})
    SELECT o.rowid, o.facet_key, {', '.join('r.' + column for column in COLUMNS)}
    FROM staging.ordered o JOIN staging.row r ON r.rowid = o.staged ORDER BY o.rowid;
INSERT INTO practitioner_body (doc, {', '.join(BODY_COLUMNS)})
    SELECT o.rowid, {', '.join('r.' + column for column in BODY_COLUMNS)}
    FROM staging.ordered o JOIN staging.row r ON r.rowid = o.staged ORDER BY o.rowid;
INSERT INTO cell_range SELECT profession, cell, MIN(doc), MAX(doc), COUNT(*) FROM practitioner GROUP BY profession, cell;
INSERT INTO practitioner_text (rowid, nom, prenom, labels) SELECT doc, nom_norm, prenom_norm, labels_norm FROM practitioner;
"""

INDEXES = """
CREATE UNIQUE INDEX practitioner_by_id ON practitioner (id);
CREATE INDEX practitioner_by_person ON practitioner (person_id);
CREATE INDEX practitioner_by_profession_name ON practitioner (profession, nom_norm, prenom_norm, id);
CREATE INDEX practitioner_by_postal_code ON practitioner (postal_code);
CREATE INDEX practitioner_by_commune ON practitioner (commune_code);
CREATE INDEX practitioner_by_departement ON practitioner (departement);
CREATE INDEX practitioner_by_name ON practitioner (nom_norm, prenom_norm, id);
"""


def _bool_column(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _staged_row(practitioner: Practitioner) -> tuple:
    fields = search_fields(practitioner)
    lat, lon = practitioner.location.lat, practitioner.location.lon
    address = practitioner.address
    return (practitioner.id, practitioner.person_id, cell_of(lat, lon), *unit_vector(lat, lon), lat, lon,
            practitioner.profession, " ".join(practitioner.specialties), practitioner.sector,
            _bool_column(practitioner.optam), _bool_column(practitioner.carte_vitale), practitioner.mode,
            address.postal_code, address.commune_code, address.departement, fields["nom"], fields["prenom"],
            fields["labels"], practitioner.rpps, practitioner.civilite, practitioner.nom, practitioner.prenom,
            practitioner.site_name, address.line, address.commune, practitioner.phone, practitioner.location.precision)


def _staged_batches(practitioners: Iterable[Practitioner]) -> Iterator[list[tuple]]:
    """Batches of staging rows, the first practitioner of each id only."""
    seen, iterator = set(), iter(practitioners)
    while batch := list(islice(iterator, BATCH_SIZE)):
        rows = []
        for practitioner in batch:
            if practitioner.id not in seen:
                seen.add(practitioner.id)
                rows.append(_staged_row(practitioner))
        yield rows


def _stage(connection: sqlite3.Connection, practitioners: Iterable[Practitioner],
           on_progress: ProgressCallback | None) -> int:
    """Write every practitioner (first of each id) into the staging table; return how many.

    Rows are prepared in a second thread while SQLite writes the previous batch (it releases the
    GIL while it works), so both cores are used.
    """
    insert = f"INSERT INTO staging.row VALUES ({','.join('?' * (len(COLUMNS) + len(BODY_COLUMNS)))})"
    written = 0
    for rows in prefetched(_staged_batches(practitioners)):
        connection.executemany(insert, rows)
        written += len(rows)
        if on_progress is not None:
            on_progress(written)
    return written


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
    staging = path.with_name(f"{path.name}.loading-{os.getpid()}.staging")
    for leftover in (loading, staging):
        leftover.unlink(missing_ok=True)
    connection = sqlite3.connect(loading, isolation_level=None)
    try:
        connection.execute("PRAGMA page_size=8192")
        connection.execute("ATTACH DATABASE ? AS staging", (str(staging),))
        connection.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA staging.journal_mode=OFF;"
                                 "PRAGMA staging.synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA temp_store=FILE;")
        connection.executescript(TABLES + STAGING)
        connection.execute("BEGIN")
        written = _stage(connection, practitioners, on_progress)
        connection.execute("COMMIT")
        connection.executescript("BEGIN;" + FILL + "COMMIT;")
        connection.execute("DETACH DATABASE staging")
        staging.unlink(missing_ok=True)
        build_aggregates(connection)
        connection.executescript(INDEXES)
        connection.executescript(f"""
            INSERT INTO practitioner_specialty
                SELECT DISTINCT s.value, p.doc FROM practitioner p, json_each('["' || replace(p.specialties, ' ', '","') || '"]') s
                WHERE p.specialties != '';
        """)
        built_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        meta = {"schema_version": SCHEMA_VERSION, "documents": str(written), "data_date": data_date or "",
                "demo": "1" if demo else "0", "built_at": built_at}
        connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        connection.execute("INSERT INTO practitioner_text(practitioner_text) VALUES ('optimize')")
        connection.execute("ANALYZE")
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
