"""The départements' outlines as a light GeoJSON, so a map still shows France without its tiles.

Built from :attr:`geodata.reference.Reference.departements` on first request, simplified for a
map at country-to-city scale (about 1 km), coordinates rounded to 3 decimals; the pages
blueprint keeps it per application.
"""
from __future__ import annotations

import json

from shapely.geometry import mapping

from .assets import Body

SIMPLIFY_DEGREES = 0.01
DECIMALS = 3


def _rounded(coordinates, decimals: int):
    if coordinates and isinstance(coordinates[0], (int, float)):
        return [round(value, decimals) for value in coordinates]
    return [_rounded(part, decimals) for part in coordinates]


def outlines_geojson(departements) -> dict:
    """A FeatureCollection with one feature per département: properties ``code`` and ``nom``."""
    features = []
    for departement in sorted(departements.by_code.values(), key=lambda d: d.code):
        geometry = mapping(departement.geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True))
        features.append({"type": "Feature", "properties": {"code": departement.code, "nom": departement.name},
                         "geometry": {"type": geometry["type"],
                                      "coordinates": _rounded(geometry["coordinates"], DECIMALS)}})
    return {"type": "FeatureCollection", "features": features}


def outlines_body(departements) -> Body:
    """The GeoJSON as a ready-to-send, compressed :class:`Body`."""
    text = json.dumps(outlines_geojson(departements), ensure_ascii=False, separators=(",", ":"))
    return Body.of(text.encode("utf-8"), "application/geo+json")
