"""Derive the compact communes, postal codes and commune aliases files from the shared open data.

Inputs (under the ``--shared`` directory, see ``geodata/NOTICE``):
``postal/communes_coordonnees_merged.csv``, ``admin/communes.json``,
``postal/codes-postaux-4.1.2.json``, ``postal/laposte_hexasmal_2020.csv`` and
``geo/communes_centroides_2018_france-geojson.csv`` (the last two only to place the few
communes the merged file has no centre for, and to re-attach absorbed communes).
"""
from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from directory.normalize import normalize_text
from geodata.communes import (COMMUNE_ALIAS_FIELDS, COMMUNE_ALIASES_FILE, COMMUNE_FIELDS, COMMUNES_FILE,
                              POSTAL_CODE_FIELDS, POSTAL_CODES_FILE)
from geodata.files import write_gzip_csv

COORD_SOURCES = {
    "laposte_hexasmal_2020": "laposte-2020",
    "france-geojson_2018_centroid": "ign-2018",
}


@dataclass
class CommunesBuild:
    communes: dict[str, dict] = field(default_factory=dict)
    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)
    postal_rows: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def build_communes(shared: Path, out: Path) -> CommunesBuild:
    build = CommunesBuild()
    admin = json.loads((shared / "admin/communes.json").read_text(encoding="utf-8"))
    laposte = _read_laposte(shared / "postal/laposte_hexasmal_2020.csv")
    _read_current_communes(shared / "postal/communes_coordonnees_merged.csv", admin, build)
    _place_communes_without_centre(laposte, build)
    _read_delegated_aliases(admin, build)
    _read_postal_codes(shared, laposte, build)
    write_gzip_csv(out / COMMUNES_FILE, COMMUNE_FIELDS, build.communes.values())
    write_gzip_csv(out / POSTAL_CODES_FILE, POSTAL_CODE_FIELDS, build.postal_rows)
    write_gzip_csv(out / COMMUNE_ALIASES_FILE, COMMUNE_ALIAS_FIELDS,
                   ({"old_code": old, "code": new, "reason": reason}
                    for old, (new, reason) in sorted(build.aliases.items())))
    return build


def _read_current_communes(path: Path, admin: list[dict], build: CommunesBuild) -> None:
    parents = {entry["code"]: entry.get("commune", "") for entry in admin
               if entry["type"] == "arrondissement-municipal"}
    with open(path, encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            source = row["source_coord"]
            coord_source = COORD_SOURCES.get(source, "laposte-2020-old-code" if source.startswith("laposte") else "")
            build.communes[row["code_insee"]] = {
                "code": row["code_insee"], "name": row["nom"], "type": row["type"],
                "departement": row["departement"], "region": row["region"],
                "parent": parents.get(row["code_insee"], ""),
                "postal_codes": set(row["codes_postaux"].split(";")) - {""},
                "population": row["population"] or "0",
                "lat": row["latitude"], "lon": row["longitude"], "coord_source": coord_source,
                "search_name": normalize_text(row["nom"]),
            }


def _read_laposte(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream, delimiter=";"))


def _laposte_point(row: dict) -> tuple[str, str] | None:
    if not row["coordonnees_gps"]:
        return None
    lat, lon = (part.strip() for part in row["coordonnees_gps"].split(","))
    return f"{float(lat):.5f}", f"{float(lon):.5f}"


def _place_communes_without_centre(laposte: list[dict], build: CommunesBuild) -> None:
    """A commune restored after 2020 (e.g. Sannerville, split from Saline) takes the centre of the
    commune La Poste 2020 delivered it through (``Ligne_5`` = its name, same postal code): an
    approximation within a few kilometres, marked ``coord_source = laposte-2020-ligne5``."""
    by_line5 = {(normalize_text(row["Ligne_5"]), row["Code_postal"]): row for row in laposte if row["Ligne_5"]}
    for commune in build.communes.values():
        if commune["lat"]:
            continue
        for postal_code in sorted(commune["postal_codes"]):
            row = by_line5.get((normalize_text(commune["name"]), postal_code))
            point = row and _laposte_point(row)
            if point:
                commune["lat"], commune["lon"] = point
                commune["coord_source"] = "laposte-2020-ligne5"
                build.notes.append(f"{commune['code']} {commune['name']}: centre of {row['Code_commune_INSEE']} "
                                   f"(La Poste 2020 Ligne_5)")
                break


def _read_delegated_aliases(admin: list[dict], build: CommunesBuild) -> None:
    for entry in admin:
        if entry["type"] in ("commune-deleguee", "commune-associee") and entry["code"] not in build.communes:
            if entry.get("chefLieu") in build.communes:
                build.aliases[entry["code"]] = (entry["chefLieu"], entry["type"])


def _read_postal_codes(shared: Path, laposte: list[dict], build: CommunesBuild) -> None:
    rows = json.loads((shared / "postal/codes-postaux-4.1.2.json").read_text(encoding="utf-8"))
    seen = set()
    for row in rows:
        code = _current_code(row, laposte, shared, build)
        if code is None:
            build.notes.append(f"postal row {row['codePostal']} {row['codeCommune']} {row['nomCommune']}: "
                               "commune not found, dropped")
            continue
        key = (row["codePostal"], code)
        build.communes[code]["postal_codes"].add(row["codePostal"])
        if key not in seen:
            seen.add(key)
            build.postal_rows.append({"postal_code": row["codePostal"], "commune_code": code,
                                      "libelle_acheminement": row["libelleAcheminement"]})
    build.postal_rows.sort(key=lambda r: (r["postal_code"], r["commune_code"]))
    for commune in build.communes.values():
        commune["postal_codes"] = " ".join(sorted(commune["postal_codes"]))


def _current_code(row: dict, laposte: list[dict], shared: Path, build: CommunesBuild) -> str | None:
    code = row["codeCommune"]
    if code in build.communes:
        return code
    if code in build.aliases:
        return build.aliases[code][0]
    absorbed_into = _absorbing_commune(row, laposte, shared, build)
    if absorbed_into:
        build.aliases[code] = (absorbed_into, "absorbed-nearest-same-postal-code")
        build.notes.append(f"{code} {row['nomCommune']} ({row['codePostal']}): absent from the COG, attached to "
                           f"the nearest current commune with the same postal code, {absorbed_into}")
    return absorbed_into


def _absorbing_commune(row: dict, laposte: list[dict], shared: Path, build: CommunesBuild) -> str | None:
    """A commune absent from the current COG (merged into another since): the nearest current
    commune that has the same postal code, measured from its 2020 La Poste or 2018 IGN centre."""
    point = next((_laposte_point(r) for r in laposte if r["Code_commune_INSEE"] == row["codeCommune"]), None)
    point = point or _centroid_2018(shared, row["codeCommune"])
    if point is None:
        return None
    lat, lon = map(float, point)
    candidates = [c for c in build.communes.values() if row["codePostal"] in c["postal_codes"] and c["lat"]]
    if not candidates:
        return None

    def squared_distance(commune: dict) -> float:
        return (float(commune["lat"]) - lat) ** 2 + ((float(commune["lon"]) - lon) * math.cos(math.radians(lat))) ** 2

    return min(candidates, key=squared_distance)["code"]


def _centroid_2018(shared: Path, code: str) -> tuple[str, str] | None:
    with open(shared / "geo/communes_centroides_2018_france-geojson.csv", encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            if row["code_insee"] == code:
                return row["latitude"], row["longitude"]
    return None
