"""SQL fragments for a parsed query: pure functions, user text only ever passed as parameters."""
from __future__ import annotations

from dataclasses import dataclass, field

from .distance import bounding_box
from .model import SearchQuery
from .text_matching import query_tokens

# R*Tree coordinates are 32-bit floats rounded outwards: look a little wider, then filter exactly.
RTREE_MARGIN_DEG = 1e-4


@dataclass
class Where:
    """A conjunction of SQL conditions on table ``p`` (practitioner) with their parameters."""

    conditions: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)

    def add(self, condition: str, *params) -> None:
        self.conditions.append(condition)
        self.params.extend(params)

    def sql(self) -> str:
        return " AND ".join(self.conditions) if self.conditions else "1"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({','.join('?' * len(values))})"


def fts_match_expression(tokens: list[str]) -> str:
    """FTS5 query matching every token as a prefix; tokens are ``[a-z0-9]+`` and quoted, never syntax."""
    return " AND ".join(f'"{token}"*' for token in tokens)


def where_clause(query: SearchQuery) -> Where:
    """Every filter of ``query`` except the exact distance test (done on the candidates)."""
    where = Where()
    for column, values in (("p.profession", query.professions), ("p.sector", query.sectors), ("p.mode", query.modes)):
        if values:
            where.add(_in(column, values), *values)
    if query.specialties:
        where.add(f"p.doc IN (SELECT doc FROM practitioner_specialty WHERE {_in('code', query.specialties)})",
                  *query.specialties)
    for column, value in (("p.optam", query.optam), ("p.carte_vitale", query.carte_vitale)):
        if value is not None:
            where.add(f"{column} = ?", int(value))
    for column, value in (("p.postal_code", query.postal_code), ("p.commune_code", query.commune_code),
                          ("p.departement", query.departement)):
        if value is not None:
            where.add(f"{column} = ?", value)
    tokens = query_tokens(query.text)
    if tokens:
        where.add("p.doc IN (SELECT rowid FROM practitioner_text WHERE practitioner_text MATCH ?)",
                  fts_match_expression(tokens))
    boxes = []
    if query.bbox is not None:
        box = query.bbox
        where.add("p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ?", box.min_lat, box.max_lat, box.min_lon, box.max_lon)
        boxes.append((box.min_lat, box.max_lat, box.min_lon, box.max_lon))
    if query.circle is not None:
        boxes.append(bounding_box(query.circle.lat, query.circle.lon, query.circle.radius_km))
    for min_lat, max_lat, min_lon, max_lon in boxes:
        where.add("p.doc IN (SELECT doc FROM practitioner_geo WHERE max_lat >= ? AND min_lat <= ? "
                  "AND max_lon >= ? AND min_lon <= ?)",
                  min_lat - RTREE_MARGIN_DEG, max_lat + RTREE_MARGIN_DEG,
                  min_lon - RTREE_MARGIN_DEG, max_lon + RTREE_MARGIN_DEG)
    return where


def relevance_expression(tokens: list[str]) -> tuple[str, list]:
    """SQL computing :func:`directory.text_matching.relevance` for rows that match every token."""
    if not tokens:
        return "0", []
    parts, params = [], []
    for token in tokens:
        pattern = f"% {token}%"
        parts.append("(CASE WHEN (' ' || p.nom_norm) LIKE ? THEN 3 WHEN (' ' || p.prenom_norm) LIKE ? THEN 2 "
                     "WHEN (' ' || p.labels_norm) LIKE ? THEN 1 ELSE 0 END)")
        params += [pattern, pattern, pattern]
    return " + ".join(parts), params
