"""SQL for a parsed query: pure functions; user text only ever passed as parameters."""
from __future__ import annotations

from dataclasses import dataclass, field
from math import cos

from .distance import EARTH_RADIUS_KM, bounding_box
from .model import SORT_DISTANCE, SORT_RELEVANCE, SearchQuery
from .sqlite_cells import unit_vector
from .text_matching import query_tokens

# Rows on the edge of a box are kept by the exact test; the cell runs are found a hair wider.
BOX_MARGIN_DEG = 1e-9


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


def dot_expression(lat: float, lon: float) -> tuple[str, list[float]]:
    """SQL for the cosine of the angle between each row's point and (lat, lon): larger is nearer."""
    return "(p.x * ? + p.y * ? + p.z * ?)", list(unit_vector(lat, lon))


def geographic_box(query: SearchQuery, radius_km: float | None = None) -> tuple[float, float, float, float] | None:
    """(min_lat, max_lat, min_lon, max_lon) that holds every match (within ``radius_km`` of the circle's
    centre when given), or ``None`` when the query has no place."""
    boxes = []
    if query.bbox is not None:
        boxes.append((query.bbox.min_lat, query.bbox.max_lat, query.bbox.min_lon, query.bbox.max_lon))
    if query.circle is not None:
        radius = query.circle.radius_km if radius_km is None else radius_km
        boxes.append(bounding_box(query.circle.lat, query.circle.lon, radius))
    if not boxes:
        return None
    min_lat, max_lat = max(box[0] for box in boxes), min(box[1] for box in boxes)
    min_lon, max_lon = max(box[2] for box in boxes), min(box[3] for box in boxes)
    return (min_lat - BOX_MARGIN_DEG, max_lat + BOX_MARGIN_DEG, min_lon - BOX_MARGIN_DEG, max_lon + BOX_MARGIN_DEG)


def where_clause(query: SearchQuery, *, scanning: bool = False, radius_km: float | None = None) -> Where:
    """Every filter of ``query``, the exact distance test included (within ``radius_km`` when given,
    else the query's radius). ``scanning``: the rows are read in runs, so test specialties and words
    on the row itself rather than through their indexes."""
    where = Where()
    for column, values in (("p.profession", query.professions), ("p.sector", query.sectors), ("p.mode", query.modes)):
        if values:
            where.add(_in(column, values), *values)
    if query.specialties and scanning:
        where.add("(" + " OR ".join("instr(' ' || p.specialties || ' ', ?) > 0" for _ in query.specialties) + ")",
                  *(f" {code} " for code in query.specialties))
    elif query.specialties:
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
    if tokens and scanning:
        for token in tokens:
            where.add("(' ' || p.nom_norm || ' ' || p.prenom_norm || ' ' || p.labels_norm) LIKE ?", f"% {token}%")
    elif tokens:
        where.add("p.doc IN (SELECT rowid FROM practitioner_text WHERE practitioner_text MATCH ?)",
                  fts_match_expression(tokens))
    if query.bbox is not None:
        box = query.bbox
        where.add("p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ?", box.min_lat, box.max_lat, box.min_lon, box.max_lon)
    if query.circle is not None:
        circle = query.circle
        radius = circle.radius_km if radius_km is None else radius_km
        min_lat, max_lat, min_lon, max_lon = bounding_box(circle.lat, circle.lon, radius)
        dot, dot_params = dot_expression(circle.lat, circle.lon)
        where.add(f"p.lat BETWEEN ? AND ? AND p.lon BETWEEN ? AND ? AND {dot} >= ?",
                  min_lat, max_lat, min_lon, max_lon, *dot_params, cos(radius / EARTH_RADIUS_KM))
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


@dataclass(frozen=True)
class Ordering:
    """How a sort is computed (``key`` column, SQL and parameters), ordered, and resumed after a cursor."""

    key_sql: str
    key_params: list
    order_by: str
    keyset: str


def ordering(query: SearchQuery) -> Ordering:
    sort = query.effective_sort
    if sort == SORT_DISTANCE:
        dot, params = dot_expression(query.circle.lat, query.circle.lon)
        return Ordering(f"-{dot}", params, "key, id", "(key, id) > (?, ?)")
    if sort == SORT_RELEVANCE:
        score, params = relevance_expression(query_tokens(query.text))
        return Ordering(f"-({score})", params, "key, nom, prenom, id", "(key, nom, prenom, id) > (?, ?, ?, ?)")
    return Ordering("0", [], "nom, prenom, id", "(nom, prenom, id) > (?, ?, ?)")
