"""Elasticsearch request bodies for a parsed :class:`SearchQuery`: small pure functions, no client, no I/O.

Each *view* returns one clause, or ``None`` when the query does not ask for it (pelias-style), and
:func:`search_body` assembles them. User text only ever reaches ``prefix`` queries as normalized
``[a-z0-9]+`` tokens, never a query-string syntax.

Geography is exact: geo_point values are quantized (≈ 1 cm), so a practitioner within a few
centimetres of a circle's or a box's edge could land on the wrong side. The backend first looks at
that thin *band* (:func:`band_body`), decides each of its practitioners with the exact formula from
the stored record, then asks for ``inner shape OR those ids`` (:func:`search_body` with
``inside_ids``). When the band is empty, the plain shapes are already exact.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from .model import SORT_DISTANCE, SORT_RELEVANCE, BBox, Circle, SearchQuery
from .text_matching import FIELD_WEIGHTS, query_tokens

# |Elasticsearch's distance − exact great-circle distance| stays under 1.1 cm (geo_point quantization:
# 4.2e-8° of latitude, 8.4e-8° of longitude); measured 8.3 mm at most. 2.5 cm bounds it with margin.
DISTANCE_ERROR_KM = 2.5e-5
# Distances are sorted in metres: Elasticsearch then hands the sort to Lucene's own distance comparator, which
# skips the results outside the bounding box of the current worst competitor (facets_only: 5.2 → 3.3 ms).
# Its values are as close to the exact distance as with kilometres (0.81 cm at most over 400,000 results).
DISTANCE_SORT_UNITS_PER_KM = 1000
# Half-width of the band checked exactly around a box edge: more than one geo_point quantum.
BBOX_MARGIN_DEG = 1e-6
# Terms aggregations return every code: there are 30 professions, 98 specialties and 4 sectors.
FACET_SIZE = 1000
FACET_FIELDS = {"profession": "profession", "specialty": "specialties", "sector": "sector", "mode": "mode",
                "optam": "optam", "carte_vitale": "carte_vitale"}
# The single-valued facets, combined into the ``facet_key`` keyword of each document.
KEYED_FACETS = ("profession", "sector", "mode", "optam", "carte_vitale")
FACET_KEY_SEPARATOR = "|"
FACET_KEY_AGGREGATION = "facet_key"
FACET_KEY_SIZE = 10000
RECORD_SOURCE = ["record"]
LOCATION_SOURCE = ["record.location"]


# -- filter views: one clause or None --------------------------------------------------------------
def terms_view(field: str, values: Sequence[str]) -> dict | None:
    return {"terms": {field: list(values)}} if values else None


def term_view(field: str, value: str | bool | None) -> dict | None:
    return {"term": {field: value}} if value is not None else None


def circle_view(circle: Circle | None, margin_km: float = 0.0) -> dict | None:
    """Practitioners within ``radius_km + margin_km`` of the centre (``None`` if no circle, or an empty one)."""
    if circle is None:
        return None
    radius_m = round((circle.radius_km + margin_km) * 1000, 3)
    if radius_m <= 0:
        return None
    return {"geo_distance": {"distance": f"{radius_m}m", "distance_type": "arc",
                             "location": {"lat": circle.lat, "lon": circle.lon}}}


def bbox_view(bbox: BBox | None, margin_deg: float = 0.0) -> dict | None:
    """Practitioners in the box grown by ``margin_deg`` on every side (shrunk if negative; ``None`` if empty)."""
    if bbox is None:
        return None
    min_lat, max_lat = max(-90.0, bbox.min_lat - margin_deg), min(90.0, bbox.max_lat + margin_deg)
    min_lon, max_lon = max(-180.0, bbox.min_lon - margin_deg), min(180.0, bbox.max_lon + margin_deg)
    if min_lat > max_lat or min_lon > max_lon:
        return None
    return {"geo_bounding_box": {"location": {"top_left": {"lat": max_lat, "lon": min_lon},
                                              "bottom_right": {"lat": min_lat, "lon": max_lon}}}}


def token_view(token: str) -> dict:
    """One query token: the best of a prefix of a word of nom (3), prenom (2) or labels (1), as an exact score."""
    return {"dis_max": {"tie_breaker": 0.0, "queries": [
        {"constant_score": {"filter": {"prefix": {field: token}}, "boost": weight}} for field, weight in FIELD_WEIGHTS]}}


def text_views(text: str | None) -> list[dict]:
    """One clause per distinct normalized token: every token must match, scores add up."""
    return [token_view(token) for token in query_tokens(text)]


def attribute_filters(query: SearchQuery) -> list[dict]:
    """Every filter of ``query`` except the geographic ones and the text."""
    views = [terms_view("profession", query.professions), terms_view("specialties", query.specialties),
             terms_view("sector", query.sectors), terms_view("mode", query.modes),
             term_view("optam", query.optam), term_view("carte_vitale", query.carte_vitale),
             term_view("postal_code", query.postal_code), term_view("commune_code", query.commune_code),
             term_view("departement", query.departement)]
    return [view for view in views if view is not None]


def shape_filters(query: SearchQuery, *, margin: int = 0) -> list[dict | None]:
    """The circle and the box, exact (``margin=0``), grown (``1``) or shrunk (``-1``) by the error margins.

    A ``None`` in the result is a shape shrunk to nothing.
    """
    shapes = []
    if query.circle is not None:
        shapes.append(circle_view(query.circle, margin * DISTANCE_ERROR_KM))
    if query.bbox is not None:
        shapes.append(bbox_view(query.bbox, margin * BBOX_MARGIN_DEG))
    return shapes


def inner_shape(query: SearchQuery) -> dict | None:
    """Inside every shape shrunk by the error margins, as one clause (``None``: no shape, or one shrunk to nothing)."""
    inner = shape_filters(query, margin=-1)
    if not inner or None in inner:
        return None
    return inner[0] if len(inner) == 1 else {"bool": {"filter": inner}}


def exact_shape_filter(query: SearchQuery, inside_ids: Sequence[str]) -> dict:
    """Inside the shrunk shapes, or one of ``inside_ids`` (band practitioners found inside exactly)."""
    inner = inner_shape(query)
    should = [] if inner is None else [inner]
    if inside_ids:
        should.append({"terms": {"id": sorted(inside_ids)}})
    if not should:
        return {"bool": {"must_not": [{"match_all": {}}]}}
    return should[0] if len(should) == 1 else {"bool": {"should": should, "minimum_should_match": 1}}


def has_shape(query: SearchQuery) -> bool:
    return query.circle is not None or query.bbox is not None


def _bool(filters: list[dict], must: list[dict] | None = None, must_not: list[dict] | None = None) -> dict:
    clauses = {key: value for key, value in (("must", must), ("filter", filters), ("must_not", must_not)) if value}
    return {"bool": clauses} if clauses else {"match_all": {}}


def query_clause(query: SearchQuery, inside_ids: Sequence[str] | None = None, extra: Sequence[dict] = ()) -> dict:
    """The whole ``query`` clause; the text scores only when sorting by relevance.

    ``inside_ids`` is ``None`` for the plain shapes, or the band's inside practitioners for the exact ones;
    ``extra`` filters are added to the query's own.
    """
    filters = attribute_filters(query) + list(extra)
    if inside_ids is None:
        filters += [shape for shape in shape_filters(query) if shape is not None]
    elif has_shape(query):
        filters.append(exact_shape_filter(query, inside_ids))
    text = text_views(query.text)
    if query.effective_sort == SORT_RELEVANCE:
        return _bool(filters, must=text)
    return _bool(filters + text)


# -- sorts, aggregations, bodies -------------------------------------------------------------------
def sorts_distance(query: SearchQuery) -> bool:
    """Sorted by distance: only meaningful with a circle (without one, the name order applies)."""
    return query.effective_sort == SORT_DISTANCE and query.circle is not None


def sort_clause(query: SearchQuery, *, reverse: bool = False) -> list[dict]:
    """The total order of results: the ``id`` keyword breaks every tie."""
    order = "desc" if reverse else "asc"
    if sorts_distance(query):
        point = {"lat": query.circle.lat, "lon": query.circle.lon}
        return [{"_geo_distance": {"location": point, "order": order, "unit": "m", "distance_type": "arc"}},
                {"id": order}]
    name = [{"nom.sort": order}, {"prenom.sort": order}, {"id": order}]
    if query.effective_sort == SORT_RELEVANCE:
        return [{"_score": "asc" if reverse else "desc"}, *name]
    return name


def facet_terms(field: str) -> dict:
    """Counts per value of ``field`` over every match, largest first then by value."""
    return {"terms": {"field": field, "size": FACET_SIZE, "order": [{"_count": "desc"}, {"_key": "asc"}]}}


def facet_key(values: Sequence[str | bool | None]) -> str:
    """The ``facet_key`` of a document: its single-valued facet codes (:data:`KEYED_FACETS` order) in one keyword."""
    return FACET_KEY_SEPARATOR.join("" if value is None else str(value).lower() if isinstance(value, bool) else value
                                    for value in values)


def facet_aggregations() -> dict:
    """The six facets in two aggregations: ``specialties`` (several per practitioner) on its own, the five
    single-valued ones as the counts of their combinations (``facet_key``: about 80 in a million practitioners),
    added up per code by :func:`facet_buckets`. One pass over the matches instead of five."""
    return {FACET_KEY_AGGREGATION: {"terms": {"field": "facet_key", "size": FACET_KEY_SIZE}},
            "specialty": facet_terms(FACET_FIELDS["specialty"])}


def within_view(query: SearchQuery, max_km: float | None) -> list[dict]:
    """Only the results Elasticsearch puts within ``max_km`` of the query's centre (none: no limit)."""
    if max_km is None or query.circle is None:
        return []
    return [circle_view(Circle(query.circle.lat, query.circle.lon, max_km))]


def search_body(query: SearchQuery, *, size: int, start: int = 0, search_after: list | None = None,
                inside_ids: Sequence[str] | None = None, with_totals: bool = True, reverse: bool = False,
                source: list[str] = RECORD_SOURCE, within_km: float | None = None) -> dict[str, Any]:
    """One page of ``query``: from ``start``, or after the sort values ``search_after``.

    ``with_totals`` adds the exact total and (if ``query.facets``) the facet aggregations; ``within_km``
    keeps only the results within that distance of the centre (Elasticsearch then sorts only those).
    """
    body: dict[str, Any] = {"query": query_clause(query, inside_ids, within_view(query, within_km)),
                            "sort": sort_clause(query, reverse=reverse), "size": size, "_source": source,
                            "track_total_hits": with_totals}
    if search_after is not None:
        body["search_after"] = list(search_after)
    elif start:
        body["from"] = start
    if with_totals and query.facets:
        body["aggs"] = facet_aggregations()
    return body


def band_body(query: SearchQuery, *, size: int, after_id: str | None = None) -> dict[str, Any] | None:
    """Practitioners matching everything but lying within the error margins of a shape's edge.

    Their locations are then checked exactly; ``None`` when the query has no shape.
    """
    if not has_shape(query):
        return None
    outer = [shape for shape in shape_filters(query, margin=1) if shape is not None]
    inner = inner_shape(query)
    must_not = [] if inner is None else [inner]
    body = {"query": _bool(attribute_filters(query) + outer + text_views(query.text), must_not=must_not),
            "sort": [{"id": "asc"}], "size": size, "_source": LOCATION_SOURCE, "track_total_hits": False}
    if after_id is not None:
        body["search_after"] = [after_id]
    return body


def ids_body(field: str, value: str, *, size: int) -> dict[str, Any]:
    """The practitioners whose keyword ``field`` is ``value``, in id order."""
    return {"query": {"term": {field: value}}, "sort": [{"id": "asc"}], "size": size, "_source": RECORD_SOURCE,
            "track_total_hits": False}


def records_body(ids: Sequence[str]) -> dict[str, Any]:
    """The stored records of the practitioners ``ids``."""
    return {"query": {"terms": {"id": sorted(ids)}}, "size": len(ids), "_source": RECORD_SOURCE,
            "track_total_hits": False}


def counts_body(facet: str) -> dict[str, Any]:
    """Number of practitioners per code of ``facet`` over the whole index."""
    return {"size": 0, "track_total_hits": False, "aggs": {facet: facet_terms(FACET_FIELDS[facet])}}


def facet_buckets(aggregations: dict, names: Iterable[str] = FACET_FIELDS) -> dict[str, list[tuple[str, int]]]:
    """``{facet: [(code, count), …]}`` from a response's aggregations, largest first then by code."""
    counts: dict[str, dict[str, int]] = {}
    for name in names:
        if name in aggregations:
            counts[name] = {str(bucket.get("key_as_string", bucket["key"])): bucket["doc_count"]
                            for bucket in aggregations[name]["buckets"]}
        else:  # a single-valued facet, from the counts of the combinations
            counts[name] = {}
    keyed = [name for name in KEYED_FACETS if name in counts and name not in aggregations]
    if keyed:
        for bucket in aggregations[FACET_KEY_AGGREGATION]["buckets"]:
            values = dict(zip(KEYED_FACETS, bucket["key"].split(FACET_KEY_SEPARATOR)))
            for name in keyed:
                if values[name]:
                    counts[name][values[name]] = counts[name].get(values[name], 0) + bucket["doc_count"]
    return {name: sorted(counts[name].items(), key=lambda item: (-item[1], item[0])) for name in names}
