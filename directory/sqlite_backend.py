"""The embedded backend: one SQLite file (FTS5 for text, R*Tree for geography).

Filters, text and the coarse geographic box are answered by SQLite; with a circle, the exact
great-circle distance is computed on the candidates, which then give the total, the facets and
the order. Without a circle, SQLite counts, groups and sorts by itself.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from .backend import BackendSettings, BackendUnavailable, ProgressCallback
from .cursors import decode_cursor, encode_cursor
from .distance import great_circle_km
from .model import (FACET_FIELDS, SORT_DISTANCE, SORT_RELEVANCE, FacetCount, Hit, IndexInfo, Practitioner,
                    SearchPage, SearchQuery)
from .records import practitioner_from_dict
from .sqlite_queries import relevance_expression, where_clause
from .sqlite_schema import build_index_file
from .text_matching import query_tokens

CANDIDATE_COLUMNS = "p.doc, p.id, p.lat, p.lon, p.profession, p.specialties, p.sector, p.nom_norm, p.prenom_norm"


def sort_keys(sort: str, *, distance: float | None, score: int, nom: str, prenom: str, id: str) -> tuple:
    """The full, total order of results for each sort (ids break every tie)."""
    if sort == SORT_DISTANCE:
        return (distance, id)
    if sort == SORT_RELEVANCE:
        return (-score, nom, prenom, id)
    return (nom, prenom, id)


def ordered_facets(counters: dict[str, Counter]) -> dict[str, list[FacetCount]]:
    """Facet counts, largest first then by code: the order both backends give."""
    return {name: [FacetCount(code, count) for code, count in sorted(counter.items(), key=lambda item: (-item[1], item[0]))]
            for name, counter in counters.items()}


class SqliteBackend:
    kind = "sqlite"

    def __init__(self, path: Path, settings: BackendSettings | None = None):
        self.path = Path(path)
        self.settings = settings or BackendSettings()
        self._local = threading.local()

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
            connection.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        except sqlite3.Error as error:
            raise BackendUnavailable(f"index SQLite illisible : {error}") from error
        self._local.current = (inode, connection)
        return connection

    def _read(self, sql: str, params=()) -> list[tuple]:
        try:
            return self._connection().execute(sql, params).fetchall()
        except sqlite3.OperationalError as error:
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
        rows = self._read("SELECT body FROM practitioner WHERE id = ?", (practitioner_id,))
        return practitioner_from_dict(json.loads(rows[0][0])) if rows else None

    def places_of(self, person_id: str) -> list[Practitioner]:
        rows = self._read("SELECT body FROM practitioner WHERE person_id = ? ORDER BY id", (person_id,))
        return [practitioner_from_dict(json.loads(body)) for (body,) in rows]

    def counts(self, facet: str) -> dict[str, int]:
        return dict(self._cached_counts(os.stat(self.path).st_ino if self.path.exists() else 0, facet))

    @lru_cache(maxsize=16)
    def _cached_counts(self, inode: int, facet: str) -> tuple[tuple[str, int], ...]:
        sql = {"profession": "SELECT profession, COUNT(*) FROM practitioner GROUP BY profession",
               "sector": "SELECT sector, COUNT(*) FROM practitioner WHERE sector IS NOT NULL GROUP BY sector",
               "specialty": "SELECT code, COUNT(*) FROM practitioner_specialty GROUP BY code"}[facet]
        return tuple(self._read(sql))

    def search(self, query: SearchQuery) -> SearchPage:
        if query.circle is not None:
            return self._search_candidates(query)
        return self._search_in_sql(query)

    def _bodies(self, docs: list[int]) -> dict[int, Practitioner]:
        rows = self._read(f"SELECT doc, body FROM practitioner WHERE doc IN ({','.join('?' * len(docs))})", docs)
        return {doc: practitioner_from_dict(json.loads(body)) for doc, body in rows}

    def _search_candidates(self, query: SearchQuery) -> SearchPage:
        """Circle searches: exact distances on the R*Tree's candidates, then everything in Python."""
        circle, sort = query.circle, query.effective_sort
        where = where_clause(query)
        score_sql, score_params = relevance_expression(query_tokens(query.text) if sort == SORT_RELEVANCE else [])
        rows = self._read(f"SELECT {CANDIDATE_COLUMNS}, {score_sql} FROM practitioner p WHERE {where.sql()}",
                          [*score_params, *where.params])
        matches = []
        facets = {name: Counter() for name in FACET_FIELDS}
        for doc, id_, lat, lon, profession, specialties, sector, nom, prenom, score in rows:
            distance = great_circle_km(circle.lat, circle.lon, lat, lon)
            if distance > circle.radius_km:
                continue
            matches.append((sort_keys(sort, distance=distance, score=score, nom=nom, prenom=prenom, id=id_), doc, distance))
            if query.facets:
                facets["profession"][profession] += 1
                if sector is not None:
                    facets["sector"][sector] += 1
                facets["specialty"].update(specialties.split())
        matches.sort()
        if query.cursor is not None:
            after, page = decode_cursor(query)
            after = tuple(after)
            start = next((index for index, match in enumerate(matches) if match[0] > after), len(matches))
        else:
            page = query.page
            start = (page - 1) * query.per_page
        selected = matches[start:start + query.per_page]
        bodies = self._bodies([doc for _, doc, _ in selected]) if selected else {}
        hits = [Hit(bodies[doc], distance) for _, doc, distance in selected]
        has_more = start + query.per_page < len(matches)
        next_cursor = encode_cursor(query, list(selected[-1][0]), page + 1) if selected and has_more else None
        return SearchPage(total=len(matches), hits=hits, facets=ordered_facets(facets) if query.facets else {},
                          next_cursor=next_cursor)

    def _search_in_sql(self, query: SearchQuery) -> SearchPage:
        """Searches without a circle: SQLite counts, groups, sorts and pages."""
        sort = query.effective_sort
        where = where_clause(query)
        total = self._read(f"SELECT COUNT(*) FROM practitioner p WHERE {where.sql()}", where.params)[0][0]
        facets = self._facets_in_sql(where) if query.facets else {}
        score_sql, score_params = relevance_expression(query_tokens(query.text) if sort == SORT_RELEVANCE else [])
        inner = (f"SELECT p.doc AS doc, p.id AS id, p.nom_norm AS nom, p.prenom_norm AS prenom, {score_sql} AS score "
                 f"FROM practitioner p WHERE {where.sql()}")
        params = [*score_params, *where.params]
        order = "score DESC, nom, prenom, id" if sort == SORT_RELEVANCE else "nom, prenom, id"
        if query.cursor is not None:
            after, page = decode_cursor(query)
            if sort == SORT_RELEVANCE:
                keyset, keyset_params = "(-score, nom, prenom, id) > (?, ?, ?, ?)", after
            else:
                keyset, keyset_params = "(nom, prenom, id) > (?, ?, ?)", after
            sql = f"SELECT doc, score, nom, prenom, id FROM ({inner}) WHERE {keyset} ORDER BY {order} LIMIT ?"
            rows = self._read(sql, [*params, *keyset_params, query.per_page + 1])
        else:
            page = query.page
            sql = f"SELECT doc, score, nom, prenom, id FROM ({inner}) ORDER BY {order} LIMIT ? OFFSET ?"
            rows = self._read(sql, [*params, query.per_page + 1, (page - 1) * query.per_page])
        has_more = len(rows) > query.per_page
        rows = rows[:query.per_page]
        bodies = self._bodies([row[0] for row in rows]) if rows else {}
        hits = [Hit(bodies[row[0]], None) for row in rows]
        next_cursor = None
        if rows and has_more:
            doc, score, nom, prenom, id_ = rows[-1]
            next_cursor = encode_cursor(query, list(sort_keys(sort, distance=None, score=score, nom=nom, prenom=prenom,
                                                              id=id_)), page + 1)
        return SearchPage(total=total, hits=hits, facets=facets, next_cursor=next_cursor)

    def _facets_in_sql(self, where) -> dict[str, list[FacetCount]]:
        counters = {}
        for name, sql in (
            ("profession", f"SELECT p.profession, COUNT(*) FROM practitioner p WHERE {where.sql()} GROUP BY 1"),
            ("specialty", f"SELECT s.code, COUNT(*) FROM practitioner_specialty s JOIN practitioner p ON p.doc = s.doc "
                          f"WHERE {where.sql()} GROUP BY 1"),
            ("sector", f"SELECT p.sector, COUNT(*) FROM practitioner p WHERE {where.sql()} AND p.sector IS NOT NULL "
                       "GROUP BY 1"),
        ):
            counters[name] = Counter(dict(self._read(sql, where.params)))
        return ordered_facets(counters)
