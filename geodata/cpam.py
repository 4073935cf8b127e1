"""CPAM, CGSS and CCSS caisses and their reception offices; which caisse serves a commune.

Files: ``cpam.json.gz`` (written by :mod:`geodata.build_cpam`) and ``cpam_overrides.csv``
(kept by hand: ``commune_code,caisse_id,reason``).

Which caisse serves a commune (:meth:`CpamDirectory.caisse_for`):

1. the override file, when it names the commune (``approximate`` false);
2. the caisse of the commune's département, when the data has only one there;
3. where the département has several caisses (Nord, Pas-de-Calais, Seine-Maritime,
   Pyrénées-Atlantiques…), the caisse of the reception office nearest to the commune's
   centre, flagged ``approximate``: caisse boundaries follow no data we have.

Municipal arrondissements belong to their département like any commune (Paris → CPAM de
Paris); Corse-du-Sud and Haute-Corse each have their caisse; the DROM have a CGSS. Mayotte
(CSSM) and the collectivités d'outre-mer are not in the data, except where an override says so.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from geodata.communes import Commune
from geodata.cpam_records import Address
from geodata.files import read_gzip_json
from geodata.nearest import NearestIndex

CPAM_FILE = "cpam.json.gz"
OVERRIDES_FILE = "cpam_overrides.csv"

BY_DEPARTEMENT, BY_NEAREST_OFFICE, BY_OVERRIDE = "departement", "nearest-office", "override"


@dataclass(frozen=True, slots=True)
class Caisse:
    id: str
    name: str
    kind: str                        # CPAM, CGSS, CCSS
    departements: tuple[str, ...]    # where its offices are
    postal_address: Address
    phone: str | None
    data_date: str | None

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "postal_address": self.postal_address.to_dict(), "phone": self.phone}


@dataclass(frozen=True, slots=True)
class Office:
    id: str
    caisse_id: str
    name: str
    commune_code: str
    address: Address
    lat: float | None
    lon: float | None
    location_precision: str | None   # "address", or "municipality" when only the commune is known
    phone: str | None
    hours: str | None
    data_date: str | None

    def to_dict(self, distance: float | None = None) -> dict:
        location = None if self.lat is None or self.lon is None else {"lat": self.lat, "lon": self.lon}
        return {"id": self.id, "name": self.name, "address": self.address.to_dict(), "location": location,
                "distance_km": None if distance is None else round(distance, 2), "hours": self.hours}


@dataclass(frozen=True, slots=True)
class CaisseAssignment:
    caisse_id: str
    approximate: bool
    basis: str   # BY_DEPARTEMENT, BY_NEAREST_OFFICE or BY_OVERRIDE


class CpamDirectory:
    """Caisses and offices in memory, with the commune → caisse rule."""

    def __init__(self, caisses: Iterable[Caisse], offices: Iterable[Office], overrides: Mapping[str, str],
                 data_date: str | None = None, source: dict | None = None):
        self.caisses = {caisse.id: caisse for caisse in caisses}
        self.offices = list(offices)
        self.data_date = data_date
        self.source = source or {}
        self.offices_by_caisse: dict[str, list[Office]] = {}
        for office in self.offices:
            self.offices_by_caisse.setdefault(office.caisse_id, []).append(office)
        self.caisses_by_departement: dict[str, list[str]] = {}
        for caisse in self.caisses.values():
            for departement in caisse.departements:
                self.caisses_by_departement.setdefault(departement, []).append(caisse.id)
        self.overrides = {code: caisse_id for code, caisse_id in overrides.items() if caisse_id in self.caisses}
        self.unknown_overrides = {code: caisse_id for code, caisse_id in overrides.items() if caisse_id not in self.caisses}
        self._all_offices = NearestIndex(self.offices)
        self._offices_by_departement: dict[str, NearestIndex[Office]] = {}

    @property
    def covered_departements(self) -> set[str]:
        return set(self.caisses_by_departement)

    def caisse_for(self, commune: Commune) -> CaisseAssignment | None:
        """The caisse serving this commune (see the module documentation), ``None`` when the data has none."""
        if commune.code in self.overrides:
            return CaisseAssignment(self.overrides[commune.code], False, BY_OVERRIDE)
        candidates = self.caisses_by_departement.get(commune.departement, [])
        if len(candidates) == 1:
            return CaisseAssignment(candidates[0], False, BY_DEPARTEMENT)
        if not candidates or commune.lat is None or commune.lon is None:
            return None
        nearest = self._departement_offices(commune.departement).nearest(commune.lat, commune.lon, 1)
        return CaisseAssignment(nearest[0][0].caisse_id, True, BY_NEAREST_OFFICE) if nearest else None

    def _departement_offices(self, departement: str) -> NearestIndex[Office]:
        if departement not in self._offices_by_departement:
            caisse_ids = set(self.caisses_by_departement.get(departement, ()))
            self._offices_by_departement[departement] = NearestIndex(
                office for office in self.offices if office.caisse_id in caisse_ids)
        return self._offices_by_departement[departement]

    def nearest_offices(self, lat: float, lon: float, limit: int = 5) -> list[tuple[Office, float]]:
        """The ``limit`` offices nearest to the point, with their distance in km."""
        return self._all_offices.nearest(lat, lon, limit)


def read_cpam(data_dir: Path) -> CpamDirectory:
    data = read_gzip_json(data_dir / CPAM_FILE)
    caisses = [Caisse(row["id"], row["name"], row["kind"], tuple(row["departements"]),
                      Address.from_dict(row["postal_address"]), row.get("phone"), row.get("data_date"))
               for row in data["caisses"]]
    offices = [Office(row["id"], row["caisse_id"], row["name"], row["commune_code"], Address.from_dict(row["address"]),
                      row.get("lat"), row.get("lon"), row.get("location_precision"), row.get("phone"),
                      row.get("hours"), row.get("data_date"))
               for row in data["offices"]]
    return CpamDirectory(caisses, offices, read_overrides(data_dir / OVERRIDES_FILE),
                         data.get("data_date"), data.get("source"))


def read_overrides(path: Path) -> dict[str, str]:
    """``commune_code → caisse_id`` from the hand-kept override file (lines starting with ``#`` are comments)."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as stream:
        rows = csv.DictReader(line for line in stream if line.strip() and not line.startswith("#"))
        return {row["commune_code"].strip(): row["caisse_id"].strip() for row in rows}
