"""Départements (metropolitan and the five DROM) with simplified polygons, and point → département.

File ``departements.json.gz`` (written by :mod:`geodata.build_departements`): a list of
``{"code", "name", "region", "lat", "lon", "geometry"}`` where ``lat``/``lon`` is a point inside
the polygon (its centroid when that falls inside) and ``geometry`` is GeoJSON.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely import Point, STRtree
from shapely.geometry import shape

from geodata.files import read_gzip_json

DEPARTEMENTS_FILE = "departements.json.gz"

# The polygons are simplified (Douglas-Peucker, 0.003°): a point on the coast (the old town of
# Ajaccio, a harbour) can fall just outside. A point within this distance of a polygon, and in
# no polygon, belongs to the nearest one.
COAST_TOLERANCE_DEGREES = 0.03


@dataclass(frozen=True, slots=True)
class Departement:
    code: str
    name: str
    region: str
    lat: float
    lon: float
    geometry: Any = field(compare=False, repr=False)  # a shapely (Multi)Polygon, lon/lat


class Departements:
    """The départements by code, with an STRtree over their polygons for point lookups."""

    def __init__(self, departements: list[Departement]):
        self.by_code = {departement.code: departement for departement in departements}
        self._list = list(departements)
        self._tree = STRtree([departement.geometry for departement in self._list])

    def get(self, code: str | None) -> Departement | None:
        return self.by_code.get(code) if code else None

    def at(self, lat: float, lon: float) -> Departement | None:
        """The département whose polygon contains the point (or, on the coast, lies within
        :data:`COAST_TOLERANCE_DEGREES` of it); ``None`` at sea or abroad."""
        point = Point(lon, lat)
        hits = self._tree.query(point, predicate="intersects")
        if not len(hits):
            hits = self._tree.query_nearest(point, max_distance=COAST_TOLERANCE_DEGREES)
        return self._list[int(min(hits))] if len(hits) else None


def read_departements(data_dir: Path) -> Departements:
    rows = read_gzip_json(data_dir / DEPARTEMENTS_FILE)
    return Departements([Departement(code=row["code"], name=row["name"], region=row["region"], lat=row["lat"],
                                     lon=row["lon"], geometry=shape(row["geometry"])) for row in rows])
