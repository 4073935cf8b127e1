"""The embedded index's schema and its loader (standard library ``sqlite3``: FTS5 + R*Tree).

An index is one immutable file. A load writes a complete new file beside the live one and
swaps it in with one atomic ``os.replace``: readers keep the previous file until then, and a
load that fails or is killed leaves it untouched.
"""
from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path
from typing import Iterable

from .backend import ProgressCallback
from .model import IndexInfo, Practitioner
from .records import practitioner_to_dict
from .text_matching import search_fields

SCHEMA_VERSION = "1"
BATCH_SIZE = 5000

TABLES = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE practitioner (
    doc INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    person_id TEXT NOT NULL,
    profession TEXT NOT NULL,
    specialties TEXT NOT NULL,
    sector TEXT,
    optam INTEGER,
    carte_vitale INTEGER,
    mode TEXT,
    postal_code TEXT,
    commune_code TEXT,
    departement TEXT,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    nom_norm TEXT NOT NULL,
    prenom_norm TEXT NOT NULL,
    labels_norm TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE practitioner_specialty (code TEXT NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (code, doc)) WITHOUT ROWID;
CREATE VIRTUAL TABLE practitioner_geo USING rtree(doc, min_lat, max_lat, min_lon, max_lon);
CREATE VIRTUAL TABLE practitioner_text USING fts5(nom, prenom, labels, content='', prefix='2 3 4', detail='column');
"""

INDEXES = """
CREATE INDEX practitioner_by_person ON practitioner (person_id);
CREATE INDEX practitioner_by_profession ON practitioner (profession);
CREATE INDEX practitioner_by_postal_code ON practitioner (postal_code);
CREATE INDEX practitioner_by_commune ON practitioner (commune_code);
CREATE INDEX practitioner_by_departement ON practitioner (departement);
CREATE INDEX practitioner_by_name ON practitioner (nom_norm, prenom_norm, id);
"""


def _bool_column(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _rows(doc: int, practitioner: Practitioner):
    fields = search_fields(practitioner)
    location = practitioner.location
    main = (doc, practitioner.id, practitioner.person_id, practitioner.profession, " ".join(practitioner.specialties),
            practitioner.sector, _bool_column(practitioner.optam), _bool_column(practitioner.carte_vitale),
            practitioner.mode, practitioner.address.postal_code, practitioner.address.commune_code,
            practitioner.address.departement, location.lat, location.lon, fields["nom"], fields["prenom"],
            fields["labels"], json.dumps(practitioner_to_dict(practitioner), ensure_ascii=False, separators=(",", ":")))
    geo = (doc, location.lat, location.lat, location.lon, location.lon)
    text = (doc, fields["nom"], fields["prenom"], fields["labels"])
    specialties = [(code, doc) for code in dict.fromkeys(practitioner.specialties)]
    return main, geo, text, specialties


def _insert_batch(connection: sqlite3.Connection, first_doc: int, batch: list[Practitioner], seen: set[str]) -> int:
    mains, geos, texts, specialties = [], [], [], []
    doc = first_doc
    for practitioner in batch:
        if practitioner.id in seen:
            continue
        seen.add(practitioner.id)
        main, geo, text, specialty_rows = _rows(doc, practitioner)
        mains.append(main)
        geos.append(geo)
        texts.append(text)
        specialties.extend(specialty_rows)
        doc += 1
    connection.executemany(f"INSERT INTO practitioner VALUES ({','.join('?' * 18)})", mains)
    connection.executemany("INSERT INTO practitioner_geo VALUES (?,?,?,?,?)", geos)
    connection.executemany("INSERT INTO practitioner_text (rowid, nom, prenom, labels) VALUES (?,?,?,?)", texts)
    connection.executemany("INSERT INTO practitioner_specialty VALUES (?,?)", specialties)
    return doc - first_doc


def _remove_stale_loads(path: Path) -> None:
    """Delete files left by loads whose process is gone."""
    for stale in path.parent.glob(f"{path.name}.loading-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _process_alive(int(pid)):
            stale.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def build_index_file(path: Path, practitioners: Iterable[Practitioner], *, data_date: str | None, demo: bool,
                     on_progress: ProgressCallback | None = None) -> IndexInfo:
    """Write a complete index for ``practitioners`` and atomically make it the file at ``path``.

    A practitioner whose id was already written is skipped (the first one wins).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_loads(path)
    loading = path.with_name(f"{path.name}.loading-{os.getpid()}")
    loading.unlink(missing_ok=True)
    connection = sqlite3.connect(loading, isolation_level=None)
    try:
        connection.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=8192;"
                                 "PRAGMA cache_size=-200000; PRAGMA temp_store=MEMORY;")
        connection.executescript(TABLES)
        connection.execute("BEGIN")
        written, seen, iterator = 0, set(), iter(practitioners)
        while batch := list(islice(iterator, BATCH_SIZE)):
            written += _insert_batch(connection, written + 1, batch, seen)
            if on_progress is not None:
                on_progress(written)
        connection.execute("COMMIT")
        connection.executescript(INDEXES)
        built_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        meta = {"schema_version": SCHEMA_VERSION, "documents": str(written), "data_date": data_date or "",
                "demo": "1" if demo else "0", "built_at": built_at}
        connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        connection.execute("INSERT INTO practitioner_text(practitioner_text) VALUES ('optimize')")
        connection.execute("ANALYZE")
    except BaseException:
        connection.close()
        loading.unlink(missing_ok=True)
        raise
    connection.close()
    with open(loading, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(loading, path)
    return IndexInfo(documents=written, data_date=data_date, demo=demo)
