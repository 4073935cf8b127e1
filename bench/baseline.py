"""The floor any index must beat: NumPy great-circle distance over every point, then the filters.

Holds the whole population as columns; answers a :class:`SearchQuery` with the exact total,
the three facets and the page, by brute force (no index of any kind).
"""
from __future__ import annotations

import numpy as np

from directory.distance import EARTH_RADIUS_KM
from directory.model import SORT_DISTANCE, SearchQuery
from directory.text_matching import query_tokens, relevance, search_fields


class BruteForce:
    def __init__(self, practitioners):
        self.practitioners = practitioners
        self.ids = np.array([p.id for p in practitioners])
        self.lat_deg = np.array([p.location.lat for p in practitioners])
        self.lon_deg = np.array([p.location.lon for p in practitioners])
        self.lat = np.radians(self.lat_deg)
        self.lon = np.radians(self.lon_deg)
        self.cos_lat = np.cos(self.lat)
        self.codes = {}
        self.columns = {}
        for name, values in (("profession", [p.profession for p in practitioners]),
                             ("sector", [p.sector or "" for p in practitioners]),
                             ("specialty", [p.specialties[0] if p.specialties else "" for p in practitioners]),
                             ("mode", [p.mode or "" for p in practitioners]),
                             ("postal_code", [p.address.postal_code or "" for p in practitioners]),
                             ("commune", [p.address.commune_code or "" for p in practitioners]),
                             ("departement", [p.address.departement or "" for p in practitioners])):
            codes, column = np.unique(np.array(values), return_inverse=True)
            self.codes[name] = codes
            self.columns[name] = column
        self.optam = np.array([-1 if p.optam is None else int(p.optam) for p in practitioners])
        self.carte_vitale = np.array([-1 if p.carte_vitale is None else int(p.carte_vitale) for p in practitioners])
        names = [search_fields(p) for p in practitioners]
        self.sort_names = np.array([f"{f['nom']}\x00{f['prenom']}\x00{p.id}" for f, p in zip(names, practitioners)])
        self.fields = names

    def _in(self, name: str, values) -> np.ndarray:
        wanted = np.searchsorted(self.codes[name], np.array(values))
        wanted = wanted[(wanted < len(self.codes[name])) & (self.codes[name][np.minimum(wanted, len(self.codes[name]) - 1)] == np.array(values))]
        return np.isin(self.columns[name], wanted)

    def search(self, query: SearchQuery):
        mask = np.ones(len(self.ids), dtype=bool)
        distance = None
        if query.circle is not None:
            lat0, lon0 = np.radians(query.circle.lat), np.radians(query.circle.lon)
            h = np.sin((self.lat - lat0) / 2) ** 2 + np.cos(lat0) * self.cos_lat * np.sin((self.lon - lon0) / 2) ** 2
            distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))
            mask &= distance <= query.circle.radius_km
        if query.bbox is not None:
            box = query.bbox
            mask &= (self.lat_deg >= box.min_lat) & (self.lat_deg <= box.max_lat)
            mask &= (self.lon_deg >= box.min_lon) & (self.lon_deg <= box.max_lon)
        for name, values in (("profession", query.professions), ("sector", query.sectors), ("mode", query.modes),
                             ("specialty", query.specialties)):
            if values:
                mask &= self._in(name, values)
        for name, value in (("postal_code", query.postal_code), ("commune", query.commune_code),
                            ("departement", query.departement)):
            if value is not None:
                mask &= self._in(name, [value])
        if query.optam is not None:
            mask &= self.optam == int(query.optam)
        if query.carte_vitale is not None:
            mask &= self.carte_vitale == int(query.carte_vitale)
        matches = np.flatnonzero(mask)
        tokens = query_tokens(query.text)
        if tokens:
            matches = np.array([i for i in matches if relevance(tokens, self.fields[i]) > 0], dtype=np.int64)
        total = len(matches)
        facets = {}
        if query.facets:
            for name in ("profession", "sector", "specialty"):
                counts = np.bincount(self.columns[name][matches], minlength=len(self.codes[name]))
                facets[name] = {str(self.codes[name][i]): int(counts[i]) for i in np.flatnonzero(counts) if self.codes[name][i]}
        wanted = query.page * query.per_page
        if query.effective_sort == SORT_DISTANCE and len(matches):
            keys = distance[matches]
            if len(matches) > wanted:
                kth = np.partition(keys, wanted - 1)[wanted - 1]
                near = keys <= kth  # every tie at the boundary, so that ids decide as in the backends
                matches, keys = matches[near], keys[near]
            order = np.lexsort((self.ids[matches], keys))
        else:
            order = np.argsort(self.sort_names[matches], kind="stable")
        page = matches[order][(query.page - 1) * query.per_page: wanted]
        return total, facets, [str(self.ids[i]) for i in page]

    def detail(self, practitioner_id: str):
        found = np.flatnonzero(self.ids == practitioner_id)
        return self.practitioners[found[0]] if len(found) else None
