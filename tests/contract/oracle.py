"""A brute-force reference answer for any query: every practitioner checked one by one.

Independent of both backends: its own great-circle formula, plain Python filters. Text follows
the documented rule (every query token prefixes a word of the name, first name or labels).
"""
from __future__ import annotations

import math
from collections import Counter

from directory.model import SORT_DISTANCE, SORT_RELEVANCE, Practitioner, SearchQuery
from directory.text_matching import query_tokens, relevance, search_fields

EARTH_MEAN_RADIUS_KM = 6371.0087714


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_MEAN_RADIUS_KM * math.asin(math.sqrt(a))


def _matches(p: Practitioner, q: SearchQuery, tokens) -> bool:
    if q.professions and p.profession not in q.professions:
        return False
    if q.specialties and not set(p.specialties) & set(q.specialties):
        return False
    if q.sectors and p.sector not in q.sectors:
        return False
    if q.modes and p.mode not in q.modes:
        return False
    if q.optam is not None and p.optam is not q.optam:
        return False
    if q.carte_vitale is not None and p.carte_vitale is not q.carte_vitale:
        return False
    if q.postal_code is not None and p.address.postal_code != q.postal_code:
        return False
    if q.commune_code is not None and p.address.commune_code != q.commune_code:
        return False
    if q.departement is not None and p.address.departement != q.departement:
        return False
    if q.bbox is not None and not (q.bbox.min_lat <= p.location.lat <= q.bbox.max_lat
                                   and q.bbox.min_lon <= p.location.lon <= q.bbox.max_lon):
        return False
    if tokens and relevance(tokens, search_fields(p)) == 0:
        return False
    if q.circle is not None and haversine_km(q.circle.lat, q.circle.lon, p.location.lat, p.location.lon) > q.circle.radius_km:
        return False
    return True


def expected(population: list[Practitioner], q: SearchQuery):
    """(total, facets as {name: {code: count}}, ids in order, {id: distance})."""
    tokens = query_tokens(q.text)
    matches = [p for p in population if _matches(p, q, tokens)]
    distances = {p.id: haversine_km(q.circle.lat, q.circle.lon, p.location.lat, p.location.lon)
                 for p in matches} if q.circle is not None else {}
    sort = q.effective_sort

    def key(p: Practitioner):
        fields = search_fields(p)
        if sort == SORT_DISTANCE:
            return (distances[p.id], p.id)
        if sort == SORT_RELEVANCE:
            return (-relevance(tokens, fields), fields["nom"], fields["prenom"], p.id)
        return (fields["nom"], fields["prenom"], p.id)

    ordered = sorted(matches, key=key)
    facets = {"profession": Counter(p.profession for p in matches),
              "sector": Counter(p.sector for p in matches if p.sector is not None),
              "specialty": Counter(code for p in matches for code in p.specialties),
              "mode": Counter(p.mode for p in matches if p.mode is not None),
              "optam": Counter(str(p.optam).lower() for p in matches if p.optam is not None),
              "carte_vitale": Counter(str(p.carte_vitale).lower() for p in matches if p.carte_vitale is not None)}
    return len(matches), facets, [p.id for p in ordered], distances
