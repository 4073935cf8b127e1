"""Derive ``departements.json.gz`` from the shared France GeoJSON (already simplified) and the COG names."""
from __future__ import annotations

import json
from pathlib import Path

from geodata.departements import DEPARTEMENTS_FILE
from geodata.files import write_gzip_json

GEOJSON = "geo/departements-simplifies-avec-outre-mer.geojson"


def build_departements(shared: Path, out: Path) -> list[str]:
    from shapely.geometry import mapping, shape

    cog = {row["code"]: row for row in json.loads((shared / "admin/departements.json").read_text(encoding="utf-8"))}
    features = json.loads((shared / GEOJSON).read_text(encoding="utf-8"))["features"]
    rows = []
    for feature in sorted(features, key=lambda f: f["properties"]["code"]):
        code = feature["properties"]["code"]
        geometry = shape(feature["geometry"])
        centre = geometry.centroid if geometry.contains(geometry.centroid) else geometry.representative_point()
        rows.append({"code": code, "name": cog[code]["nom"], "region": cog[code]["region"],
                     "lat": round(centre.y, 4), "lon": round(centre.x, 4),
                     "geometry": _rounded(mapping(geometry))})
    write_gzip_json(out / DEPARTEMENTS_FILE, rows)
    missing = sorted(code for code, row in cog.items() if code not in {r["code"] for r in rows})
    return [f"départements without polygon (collectivités d'outre-mer, not in the GeoJSON): {' '.join(missing)}"]


def _rounded(geometry: dict) -> dict:
    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], (int, float)):
                return [round(value[0], 4), round(value[1], 4)]
            return [walk(item) for item in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}
