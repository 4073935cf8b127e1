"""The embedded backend: one SQLite file (FTS5 for text, a clustered grid for geography).

Everything is computed inside SQLite: a circle or a box reads the contiguous runs of rows of
the grid cells it covers (see :mod:`directory.sqlite_schema`) and tests the exact distance as a
dot product of unit vectors. The exact total and every facet come from one statement (pre-counted
blocks for the cells wholly inside the place, see :mod:`directory.sqlite_aggregates`, and the rows
of the others), the page with its records from a second one, in a total order (ids break every
tie). Distances shown are great-circle distances computed from the stored coordinates.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from math import acos, sqrt
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, OrderedDict
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from .backend import BackendSettings, BackendUnavailable, ProgressCallback
from .cursors import decode_cursor, encode_cursor
from .distance import EARTH_RADIUS_KM, great_circle_km
from .model import (FACET_FIELDS, SORT_DISTANCE, SORT_NAME, SORT_RELEVANCE, FacetCount, Hit, IndexInfo, Practitioner,
                    SearchPage, SearchQuery)
from .records import new_address, new_location, new_practitioner
from .sqlite_aggregates import can_use_aggregates, cover_with_blocks, edge_cell_runs, inside_cells
from .sqlite_cells import ROW_STRIDE, circle_row_spans, row_spans
from .sqlite_queries import fts_match_expression, geographic_box, ordering, where_clause
from .sqlite_schema import SCHEMA_VERSION, build_index_file
from .text_matching import query_tokens


# How many SQLite virtual-machine steps between two looks at the clock (a few milliseconds' work).
PROGRESS_STEPS = 5_000

# Reading a place's rows tests the words on every row; following the full-text index reads only the
# matches, at random. Measured on 1,000,000 practitioners (bench text_place): scan only when the place has
# fewer rows than half the text's matches.
TEXT_LOOKUP_COST = 0.5

# Places of fewer grid cells than this are counted row by row: too few of their cells are wholly inside.
BLOCKS_FROM_CELLS = 32

# Walking the name index costs this many scanned rows per row it visits (a lookup in the table each).
NAME_WALK_COST = 3

# A place of at most this many rows is read whole when words are searched in it (no full-text lookup).
SCAN_SMALL_PLACES = 3000

# Totals and facets kept for the next pages of the same searches.
RECENT_COUNTS = 512

# Readers map the (immutable) file in memory and keep a generous page cache.
MMAP_BYTES = 4 << 30
CACHE_KIB = 65536

RECORD_COLUMNS = (
    "p.doc, p.id, p.person_id, b.rpps, b.civilite, b.nom, b.prenom, p.profession, p.specialties, p.sector, "
    "p.optam, p.carte_vitale, p.mode, b.site_name, b.line, p.postal_code, b.commune, p.commune_code, p.departement, "
    "b.phone, p.lat, p.lon, b.precision")
RECORD_SELECT = f"SELECT {RECORD_COLUMNS} FROM practitioner p JOIN practitioner_body b ON b.doc = p.doc"


def _optional_bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def record_from_row(row: tuple) -> Practitioner:
    """A row of :data:`RECORD_SELECT` → the practitioner exactly as loaded."""
    (_, id_, person_id, rpps, civilite, nom, prenom, profession, specialties, sector, optam, carte_vitale, mode,
     site_name, line, postal_code, commune, commune_code, departement, phone, lat, lon, precision) = row
    return new_practitioner(id_, person_id, rpps, civilite, nom, prenom, profession, tuple(specialties.split()), sector,
                            _optional_bool(optam), _optional_bool(carte_vitale), mode,
                            new_address(line, postal_code, commune, commune_code, departement), phone,
                            new_location(lat, lon, precision), site_name)


def rows_in(ranges: list[int]) -> int:
    """How many rows the flattened first-last doc ``ranges`` hold."""
    return sum(last - first + 1 for first, last in zip(ranges[::2], ranges[1::2]))


def docs_in_runs(docs: Iterable[int], runs: list[tuple[int, int]]) -> Iterator[int]:
    """The ``docs`` (ascending) that fall in one of the ``runs`` (ascending, disjoint first-last pairs)."""
    position, count = 0, len(runs)
    for doc in docs:
        while position < count and runs[position][1] < doc:
            position += 1
        if position == count:
            return
        if doc >= runs[position][0]:
            yield doc


def look_radii(radius_km: float, wanted: int, total: int, after: list | None) -> list[float]:
    """Smaller circles to look for the first ``wanted`` rows in, nearest first: those expected to hold
    4 and 16 times as many matches if the ``total`` matches were spread evenly, then a third of the
    radius. After a cursor the page starts at the cursor's distance: the circles reach beyond it."""
    start = 0.0 if after is None else acos(max(-1.0, min(1.0, -after[0]))) * EARTH_RADIUS_KM
    steps = {sqrt(start ** 2 + share * wanted * radius_km ** 2 / total) for share in (4, 16)} | {start + radius_km / 3}
    return sorted(step for step in steps if step < radius_km)


class FacetValues(NamedTuple):
    """One row of ``facet_combination``, as facet codes (empty when the value is unknown)."""

    profession: str
    sector: str
    specialties: str
    mode: str
    optam: str
    carte_vitale: str

    @classmethod
    def from_row(cls, profession, sector, specialties, mode, optam, carte_vitale) -> "FacetValues":
        def flag(value: int) -> str:
            return {1: "true", 0: "false"}.get(value, "")
        return cls(profession, sector, specialties, mode, flag(optam), flag(carte_vitale))


def ordered_facets(counters: dict[str, Counter]) -> dict[str, list[FacetCount]]:
    """Facet counts, largest first then by code: the order both backends give."""
    return {name: [FacetCount(code, count) for code, count in sorted(counter.items(), key=lambda item: (-item[1], item[0]))]
            for name, counter in counters.items()}


def cursor_keys(sort: str, row: tuple) -> list:
    """The sort keys of a page row ``(doc, key, nom, prenom, id)`` that a cursor resumes after."""
    _, key, nom, prenom, id_ = row
    if sort == SORT_DISTANCE:
        return [key, id_]
    if sort == SORT_RELEVANCE:
        return [key, nom, prenom, id_]
    return [nom, prenom, id_]


class SqliteBackend:
    kind = "sqlite"

    def __init__(self, path: Path, settings: BackendSettings | None = None):
        self.path = Path(path)
        self.settings = settings or BackendSettings()
        self._local = threading.local()
        self._catalogues: dict[int, dict] = {}
        self._catalogue_lock = threading.Lock()
        self._recent_counts: OrderedDict = OrderedDict()
        self._counts_lock = threading.Lock()

    # -- connections -------------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        """A read-only connection to the live file, reopened when a load has swapped it."""
        try:
            inode = os.stat(self.path).st_ino
        except FileNotFoundError as error:
            raise BackendUnavailable(f"index SQLite absent : {self.path}") from error
        current = getattr(self._local, "current", None)
        if current is not None and current[0] == inode:
            return current[1]
        if current is not None:
            current[1].close()
        try:
            connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=self.settings.timeout_s,
                                         check_same_thread=False)
            connection.execute("PRAGMA query_only=1")
            connection.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
            connection.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            version = connection.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.Error as error:
            raise BackendUnavailable(f"index SQLite illisible : {error}") from error
        if version is None or version[0] != SCHEMA_VERSION:
            connection.close()
            raise BackendUnavailable(f"index SQLite d'un autre format ({version[0] if version else '?'}, attendu "
                                     f"{SCHEMA_VERSION}) : reconstruisez-le avec « annuaire index »")
        # one handler per connection, reading this thread's deadline (set by each statement)
        connection.set_progress_handler(lambda: time.monotonic() > self._local.deadline, PROGRESS_STEPS)
        self._local.current = (inode, connection)
        return connection

    def _read(self, sql: str, params=()) -> list[tuple]:
        """Rows of one statement, given up (:class:`BackendUnavailable`) past the configured timeout."""
        connection = self._connection()
        self._local.deadline = time.monotonic() + self.settings.timeout_s
        try:
            return connection.execute(sql, params).fetchall()
        except sqlite3.OperationalError as error:
            if "interrupted" in str(error):
                raise BackendUnavailable(f"requête SQLite interrompue après {self.settings.timeout_s} s") from error
            raise BackendUnavailable(f"index SQLite indisponible : {error}") from error

    def close(self) -> None:
        current = getattr(self._local, "current", None)
        if current is not None:
            current[1].close()
            self._local.current = None

    # -- writing -----------------------------------------------------------------------------
    def replace_all(self, practitioners: Iterable[Practitioner], *, data_date: str | None, demo: bool,
                    on_progress: ProgressCallback | None = None) -> IndexInfo:
        return build_index_file(self.path, practitioners, data_date=data_date, demo=demo, on_progress=on_progress)

    # -- reading -----------------------------------------------------------------------------
    def info(self) -> IndexInfo:
        meta = dict(self._read("SELECT key, value FROM meta"))
        return IndexInfo(documents=int(meta.get("documents", 0)), data_date=meta.get("data_date") or None,
                         demo=meta.get("demo") == "1")

    def get(self, practitioner_id: str) -> Practitioner | None:
        rows = self._read(f"{RECORD_SELECT} WHERE p.id = ?", (practitioner_id,))
        return record_from_row(rows[0]) if rows else None

    def places_of(self, person_id: str) -> list[Practitioner]:
        rows = self._read(f"{RECORD_SELECT} WHERE p.person_id = ? ORDER BY p.id", (person_id,))
        return [record_from_row(row) for row in rows]

    def counts(self, facet: str) -> dict[str, int]:
        return dict(self._cached_counts(os.stat(self.path).st_ino if self.path.exists() else 0, facet))

    @lru_cache(maxsize=16)
    def _cached_counts(self, inode: int, facet: str) -> tuple[tuple[str, int], ...]:
        sql = {"profession": "SELECT profession, COUNT(*) FROM practitioner GROUP BY profession",
               "sector": "SELECT sector, COUNT(*) FROM practitioner WHERE sector IS NOT NULL GROUP BY sector",
               "specialty": "SELECT code, COUNT(*) FROM practitioner_specialty GROUP BY code"}[facet]
        return tuple(self._read(sql))

    def search(self, query: SearchQuery) -> SearchPage:
        after, page = decode_cursor(query) if query.cursor is not None else (None, query.page)
        if query_tokens(query.text):
            source, source_params = self._text_and_place_source(query)
            if source is None:
                return SearchPage(total=0, hits=[], facets=self._facets_of({}) if query.facets else {})
            where = where_clause(query, scanning=bool(source_params))
            total, facets, rows = self._search_in_one_pass(query, source, source_params, where, after, page)
            bodies = self._bodies([row[0] for row in rows]) if rows else {}
            entries = [(row, bodies[row[0]]) for row in rows]
        else:
            total, facets = self._counted(query, lambda: self._total_and_facets(query))
            entries = self._page_rows(query, after, page, total) if total else []
        has_more, entries = len(entries) > query.per_page, entries[:query.per_page]
        hits = [Hit(practitioner, self._distance(query, practitioner)) for _, practitioner in entries]
        next_cursor = (encode_cursor(query, cursor_keys(query.effective_sort, entries[-1][0]), page + 1)
                       if entries and has_more else None)
        return SearchPage(total=total, hits=hits, facets=facets, next_cursor=next_cursor)

    def _counted(self, query: SearchQuery, count):
        """The total and facets of ``query``, computed by ``count()`` once per index file and query: the file
        never changes, so the next pages of the same search (cursor or page) reuse them."""
        key = (self._file_identity(), replace(query, page=1, cursor=None, per_page=1, sort=query.effective_sort))
        with self._counts_lock:
            if key in self._recent_counts:
                self._recent_counts.move_to_end(key)
                return self._recent_counts[key]
        counted = count()
        with self._counts_lock:
            self._recent_counts[key] = counted
            while len(self._recent_counts) > RECENT_COUNTS:
                self._recent_counts.popitem(last=False)
        return counted

    def _file_identity(self) -> tuple[int, int, int]:
        """Tells one index file from any other, even one that reuses a freed inode number."""
        try:
            status = os.stat(self.path)
        except FileNotFoundError as error:
            raise BackendUnavailable(f"index SQLite absent : {self.path}") from error
        return status.st_ino, status.st_mtime_ns, status.st_size

    def _search_in_one_pass(self, query: SearchQuery, source: str, source_params: list, where, after: list | None,
                            page: int):
        """Text searches match few rows: read them once, count and sort them here."""
        order = ordering(query)
        rows = self._read(f"SELECT p.doc, {order.key_sql}, p.nom_norm, p.prenom_norm, p.id, p.facet_key "
                          f"FROM {source} WHERE {where.sql()}", [*order.key_params, *source_params, *where.params])
        total, facets = len(rows), self._facets_of(Counter(row[5] for row in rows)) if query.facets else {}
        sort = query.effective_sort
        keyed = sorted(((tuple(cursor_keys(sort, row[:5])), row[:5]) for row in rows), key=lambda item: item[0])
        if after is not None:
            after = tuple(after)
            keyed = [item for item in keyed if item[0] > after]
            start = 0
        else:
            start = (page - 1) * query.per_page
        return total, facets, [row for _, row in keyed[start:start + query.per_page + 1]]

    def _page_rows(self, query: SearchQuery, after: list | None, page: int, total: int) -> list[tuple[tuple, Practitioner]]:
        """The page's rows (sort keys and record, see :meth:`_ordered_rows`), one more than asked to tell
        if more follow.

        Sorted by distance, the nearest rows are looked for first in smaller circles, sized from the
        number of matches so that they probably hold enough: when a smaller circle already holds
        enough rows, they are exactly the first ones of the whole circle. Sorted by name over a place
        that holds many of the matches, the name index is walked in order instead of reading the place.
        """
        wanted = query.per_page + 1 + (0 if after is not None else (page - 1) * query.per_page)
        if query.effective_sort == SORT_NAME:
            source, source_params = self._source(query)
            if source is None:
                return []
            name_index = self._name_index_to_walk(query, wanted, total, source_params)
            if name_index is not None:
                source, source_params = f"practitioner p INDEXED BY {name_index}", []
            return self._ordered_rows(query, after, page, source, source_params,
                                      where_clause(query, scanning=bool(source_params)))
        radii = [None]
        if query.effective_sort == SORT_DISTANCE and query.circle.radius_km >= 1 and wanted <= 200:
            radii = look_radii(query.circle.radius_km, wanted, total, after) + [None]
        for radius in radii:
            source, source_params = self._source(query, radius)
            if source is None:
                if radius is None:
                    return []
                continue
            rows = self._ordered_rows(query, after, page, source, source_params,
                                      where_clause(query, scanning=bool(source_params), radius_km=radius))
            if radius is None or len(rows) == query.per_page + 1:
                return rows
        return rows

    def _ordered_rows(self, query: SearchQuery, after: list | None, page: int, source: str, source_params: list,
                      where) -> list[tuple[tuple, Practitioner]]:
        """The page's rows in order, each as its sort keys ``(doc, key, nom, prenom, id)`` and its record,
        read in one statement (the records are joined to the page once it is cut)."""
        order = ordering(query)
        inner = (f"SELECT p.doc AS doc, {order.key_sql} AS key, p.nom_norm AS nom, p.prenom_norm AS prenom, "
                 f"p.id AS id FROM {source} WHERE {where.sql()}")
        params = [*order.key_params, *source_params, *where.params]
        if after is not None:
            page_sql = (f"SELECT doc, key, nom, prenom, id FROM ({inner}) WHERE {order.keyset} "
                        f"ORDER BY {order.order_by} LIMIT ?")
            params += [*after, query.per_page + 1]
        else:
            page_sql = f"SELECT doc, key, nom, prenom, id FROM ({inner}) ORDER BY {order.order_by} LIMIT ? OFFSET ?"
            params += [query.per_page + 1, (page - 1) * query.per_page]
        rows = self._read(f"SELECT o.doc, o.key, o.nom, o.prenom, o.id, {RECORD_COLUMNS} FROM ({page_sql}) AS o "
                          "JOIN practitioner p ON p.doc = o.doc JOIN practitioner_body b ON b.doc = o.doc", params)
        sort = query.effective_sort
        rows.sort(key=lambda row: cursor_keys(sort, row[:5]))  # the join does not keep the page's order
        return [(row[:5], record_from_row(row[5:])) for row in rows]

    def _name_index_to_walk(self, query: SearchQuery, wanted: int, total: int, place_ranges: list[int]) -> str | None:
        """Sorted by name over a place (its runs of rows ``place_ranges``): the name index to walk in
        order (by profession then name when one profession is asked for), when visiting about
        ``wanted × rows indexed / total`` of its rows, each a lookup, costs less than reading the
        place's rows; else ``None``."""
        if not place_ranges or len(query.professions) > 1:
            return None
        catalogue = self._catalogue()
        if query.professions:
            index, indexed = "practitioner_by_profession_name", catalogue["profession_documents"].get(query.professions[0], 0)
        else:
            index, indexed = "practitioner_by_name", catalogue["documents"]
        return index if NAME_WALK_COST * wanted * indexed / total < rows_in(place_ranges) else None

    @staticmethod
    def _distance(query: SearchQuery, practitioner: Practitioner) -> float | None:
        if query.circle is None:
            return None
        return great_circle_km(query.circle.lat, query.circle.lon, practitioner.location.lat, practitioner.location.lon)

    def _text_and_place_source(self, query: SearchQuery) -> tuple[str | None, list]:
        """What to read for ``query`` (see :meth:`_source`). With words and a place: the place's rows
        when there are few of them, or fewer than the rows the full-text index matches (each one a
        random read, a few times dearer than a scanned row); else the full-text matches that lie in
        the place's runs of rows, found from their numbers alone so that only those rows are read."""
        tokens = query_tokens(query.text)
        if not tokens or geographic_box(query) is None:
            return self._source(query)
        source, ranges = self._source(query, scan_text=True)
        if source is None:
            return None, []
        place_rows = rows_in(ranges)
        if place_rows <= SCAN_SMALL_PLACES:
            return source, ranges
        runs = sorted(zip(ranges[::2], ranges[1::2]))  # disjoint
        matches = self._read("SELECT rowid FROM practitioner_text WHERE practitioner_text MATCH ? "
                             "AND rowid BETWEEN ? AND ?", (fts_match_expression(tokens), runs[0][0], runs[-1][1]))
        if place_rows < TEXT_LOOKUP_COST * len(matches):
            return source, ranges
        docs = list(docs_in_runs((doc for (doc,) in matches), runs))
        if not docs:
            return None, []
        return "json_each(?) AS c JOIN practitioner p ON p.doc = c.value", [json.dumps(docs)]

    def _source(self, query: SearchQuery, radius_km: float | None = None, *, scan_text: bool = False
                ) -> tuple[str | None, list]:
        """What to read: the runs of rows of the grid cells under the query's box, or the whole table
        (when there is no box, or words that the full-text index finds more cheaply). ``None`` when
        nothing can match."""
        box = geographic_box(query, radius_km)
        if box is None or (query_tokens(query.text) and not scan_text):
            return "practitioner p", []
        spans = self._cell_spans(box, query, radius_km)
        if not spans:
            return None, []
        ranges = self._doc_ranges(query, spans)
        if not ranges:
            return None, []
        return self._ranges_source(ranges), ranges

    @staticmethod
    def _cell_spans(box: tuple[float, float, float, float], query: SearchQuery, radius_km: float | None = None
                    ) -> list[tuple[int, int]] | None:
        """Per grid row, the first and last cell the box touches, cut to the circle's width in that row
        when there is a circle (``None`` for an empty box)."""
        min_lat, max_lat, min_lon, max_lon = box
        if min_lat > max_lat or min_lon > max_lon:
            return None
        spans = row_spans(max(min_lat, -90.0), min(max_lat, 89.999999), max(min_lon, -180.0), min(max_lon, 179.999999))
        if query.circle is not None:
            circle = query.circle
            spans = circle_row_spans(spans, circle.lat, circle.lon, circle.radius_km if radius_km is None else radius_km)
        return spans

    @staticmethod
    def _ranges_source(ranges: list[int]) -> str:
        values = ",".join("(?,?)" for _ in range(len(ranges) // 2))
        return f"(VALUES {values}) AS r JOIN practitioner p ON p.doc BETWEEN r.column1 AND r.column2"

    def _doc_ranges(self, query: SearchQuery, cell_runs: list[tuple[int, int]]) -> list[int]:
        """First and last doc (flattened) of the rows of each run of cells (runs lie within one grid
        row), for each profession to read."""
        ranges = []
        catalogue = self._catalogue()
        for profession in self._professions_to_read(query, catalogue):
            cells, first_docs, last_docs, grid_rows = catalogue["cells"][profession]
            for first_cell, last_cell in cell_runs:
                in_row = grid_rows.get(first_cell // ROW_STRIDE)
                if in_row is None:
                    continue
                start = bisect_left(cells, first_cell, in_row[0], in_row[1])
                end = bisect_right(cells, last_cell, start, in_row[1])
                if start < end:
                    ranges += [first_docs[start], last_docs[end - 1]]
        return ranges

    @staticmethod
    def _professions_to_read(query: SearchQuery, catalogue: dict) -> list[str]:
        """The professions whose rows can match: those asked for, or those that have the specialties asked for."""
        professions = list(dict.fromkeys(query.professions)) or catalogue["professions"]
        if query.specialties:
            having = {profession for code in query.specialties for profession in catalogue["specialty_professions"].get(code, ())}
            professions = [profession for profession in professions if profession in having]
        return [profession for profession in professions if profession in catalogue["cells"]]

    def _total_and_facets(self, query: SearchQuery) -> tuple[int, dict]:
        """The total and facets of a search without words."""
        spans = self._cell_spans(geographic_box(query), query) if can_use_aggregates(query) else None
        if spans and sum(last - first + 1 for first, last in spans) >= BLOCKS_FROM_CELLS:
            counts = self._counts_by_key_from_blocks(query, spans)
        else:
            source, source_params = self._source(query)
            if source is None:
                counts = {}
            else:
                where = where_clause(query, scanning=bool(source_params))
                counts = dict(self._read(f"SELECT p.facet_key, COUNT(*) FROM {source} WHERE {where.sql()} GROUP BY 1",
                                         [*source_params, *where.params]))
        return sum(counts.values()), self._facets_of(counts) if query.facets else {}

    def _counts_by_key_from_blocks(self, query: SearchQuery, spans: list[tuple[int, int]]) -> Counter:
        """Matches per facet combination over the cells ``spans``: cells wholly inside the place are
        counted from ``cell_facet_count``, rows of the cells its boundary crosses are tested one by one."""
        counts: Counter = Counter()
        cover = cover_with_blocks(inside_cells(query, range(spans[0][0] // ROW_STRIDE, spans[-1][0] // ROW_STRIDE + 1)))
        keys = self._facet_keys_matching(query)
        parts, params = [], []  # one statement: the blocks' sums, then the edge rows' counts
        if cover.blocks and keys != []:
            values = ",".join("(?,?,?)" for _ in cover.blocks)
            key_filter = "" if keys is None else f" WHERE a.facet_key IN ({','.join('?' * len(keys))})"
            parts.append(f"SELECT a.facet_key, SUM(a.documents) FROM (VALUES {values}) AS v JOIN cell_facet_count a "
                         f"ON a.level = v.column1 AND a.block BETWEEN v.column2 AND v.column3{key_filter} GROUP BY 1")
            params += [number for block in cover.blocks for number in block] + (keys or [])
        ranges = self._doc_ranges(query, edge_cell_runs(spans, cover.covered))
        if ranges:
            where = where_clause(query, scanning=True)
            parts.append(f"SELECT p.facet_key, COUNT(*) FROM {self._ranges_source(ranges)} WHERE {where.sql()} GROUP BY 1")
            params += [*ranges, *where.params]
        for facet_key, count in self._read(" UNION ALL ".join(parts), params) if parts else ():
            counts[facet_key] += count
        return counts

    def _facet_keys_matching(self, query: SearchQuery) -> list[int] | None:
        """The facet combinations the query's filters accept (``None``: every one), worked out once per
        index file and set of filters."""
        filters = (query.professions, query.sectors, query.modes, query.optam, query.carte_vitale, query.specialties)
        if filters == ((), (), (), None, None, ()):
            return None
        known = self._catalogue()["keys_by_filters"]
        if filters not in known:
            wanted = [(field, set(values)) for field, values in (
                ("profession", query.professions), ("sector", query.sectors), ("mode", query.modes)) if values]
            wanted += [(field, {"true" if value else "false"}) for field, value in (
                ("optam", query.optam), ("carte_vitale", query.carte_vitale)) if value is not None]
            specialties = set(query.specialties)
            known[filters] = [key for key, values in self._catalogue()["facet_combinations"].items()
                              if all(getattr(values, field) in accepted for field, accepted in wanted)
                              and (not specialties or specialties.intersection(values.specialties.split()))]
        return known[filters]

    def _facets_of(self, counts_by_key: dict[int, int]) -> dict[str, list[FacetCount]]:
        """Every facet from the number of matches of each facet combination."""
        slots_of, names = self._catalogue()["facet_slots"]
        sums = [0] * len(names)
        for facet_key, count in counts_by_key.items():
            for slot in slots_of[facet_key]:
                sums[slot] += count
        counters = {name: Counter() for name in FACET_FIELDS}
        for (name, code), count in zip(names, sums):
            if count:
                counters[name][code] = count
        return ordered_facets(counters)

    @staticmethod
    def _facet_slots(combinations: dict[int, "FacetValues"]) -> tuple[dict[int, tuple[int, ...]], list[tuple[str, str]]]:
        """Numbers every (facet, code) pair, and gives each combination the numbers it counts for."""
        names: dict[tuple[str, str], int] = {}
        slots_of = {}
        for key, values in combinations.items():
            pairs = [("profession", values.profession)] + [("specialty", code) for code in values.specialties.split()]
            pairs += [(name, code) for name, code in (("sector", values.sector), ("mode", values.mode),
                                                      ("optam", values.optam), ("carte_vitale", values.carte_vitale)) if code]
            slots_of[key] = tuple(names.setdefault(pair, len(names)) for pair in pairs)
        return slots_of, list(names)

    def _catalogue(self) -> dict:
        """What every query of this index file needs to know, read once per file."""
        try:
            inode = os.stat(self.path).st_ino
        except FileNotFoundError as error:
            raise BackendUnavailable(f"index SQLite absent : {self.path}") from error
        cached = self._catalogues.get(inode)
        if cached is None:
            with self._catalogue_lock:  # one thread reads it, the others wait for it
                cached = self._catalogues.get(inode)
                if cached is None:
                    cached = self._read_catalogue()
                    self._catalogues = {inode: cached}
        return cached

    def _read_catalogue(self) -> dict:
        combinations = {row[0]: FacetValues.from_row(*row[1:]) for row in self._read(
            "SELECT id, profession, sector, specialties, mode, optam, carte_vitale FROM facet_combination")}
        cells: dict[str, tuple[array, array, array, dict]] = {}
        profession_documents: Counter = Counter()
        ranges = self._read("SELECT profession, cell, first_doc, last_doc FROM cell_range ORDER BY profession, cell")
        position = 0
        for profession, grid_row, count, documents in self._read(
                f"SELECT profession, cell / {ROW_STRIDE} AS grid_row, COUNT(*), SUM(documents) FROM cell_range "
                "GROUP BY profession, grid_row ORDER BY profession, grid_row"):
            if profession not in cells:
                cells[profession] = (array("q"), array("q"), array("q"), {})
            columns = cells[profession]
            start = len(columns[0])
            chunk = ranges[position:position + count]
            columns[0].extend(row[1] for row in chunk)
            columns[1].extend(row[2] for row in chunk)
            columns[2].extend(row[3] for row in chunk)
            columns[3][grid_row] = (start, start + count)
            profession_documents[profession] += documents
            position += count
        specialty_professions: dict[str, set[str]] = {}
        for values in combinations.values():
            for code in values.specialties.split():
                specialty_professions.setdefault(code, set()).add(values.profession)
        return {"facet_combinations": combinations, "professions": sorted(cells), "cells": cells,
                "documents": sum(profession_documents.values()), "profession_documents": profession_documents,
                "keys_by_filters": {}, "facet_slots": self._facet_slots(combinations),
                "specialty_professions": specialty_professions}

    def _bodies(self, docs: list[int]) -> dict[int, Practitioner]:
        rows = self._read(f"{RECORD_SELECT} WHERE p.doc IN ({','.join('?' * len(docs))})", docs)
        return {row[0]: record_from_row(row) for row in rows}
