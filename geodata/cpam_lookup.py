"""Answers of the CPAM lookups, in the shape of the contract's ``/api/v1/cpam`` and
``/api/v1/cpam/nearest`` responses."""
from __future__ import annotations

from typing import Sequence

from geodata.communes import Commune
from geodata.cpam import CaisseAssignment, CpamDirectory
from geodata.nearest import distance_km


def cpam_answer(directory: CpamDirectory, communes: Sequence[Commune], postal_code: str | None = None,
                origin: tuple[float, float] | None = None) -> dict:
    """Every caisse serving one of ``communes``, each with its offices nearest first: nearest to
    ``origin`` when given, else to the communes it serves (their centres)."""
    assignments: list[tuple[Commune, CaisseAssignment]] = []
    for commune in communes:
        assignment = directory.caisse_for(commune)
        if assignment is not None:
            assignments.append((commune, assignment))
    caisse_ids = list(dict.fromkeys(assignment.caisse_id for _, assignment in assignments))
    caisses = []
    for caisse_id in caisse_ids:
        served = [commune for commune, assignment in assignments if assignment.caisse_id == caisse_id]
        points = [origin] if origin else [(c.lat, c.lon) for c in served if c.lat is not None and c.lon is not None]
        caisse = directory.caisses[caisse_id]
        caisses.append({**caisse.to_dict(), "accueils": _offices_nearest_first(directory, caisse_id, points)})
    dates = [directory.caisses[caisse_id].data_date for caisse_id in caisse_ids]
    return {
        "postal_code": postal_code,
        "communes": [{"code": commune.code, "name": commune.name} for commune in communes],
        "caisses": caisses,
        "approximate": any(assignment.approximate for _, assignment in assignments),
        "data_date": max((date for date in dates if date), default=directory.data_date),
    }


def _offices_nearest_first(directory: CpamDirectory, caisse_id: str, points: list[tuple[float, float]]) -> list[dict]:
    def distance(office) -> float | None:
        if office.lat is None or office.lon is None or not points:
            return None
        return min(distance_km(lat, lon, office.lat, office.lon) for lat, lon in points)

    measured = [(distance(office), office) for office in directory.offices_by_caisse.get(caisse_id, [])]
    measured.sort(key=lambda item: (item[0] is None, item[0] or 0.0, item[1].id))
    return [office.to_dict(km) for km, office in measured]


def nearest_offices_answer(directory: CpamDirectory, lat: float, lon: float, limit: int = 5) -> list[dict]:
    """The ``limit`` reception offices nearest to the point, each with ``distance_km`` and its caisse."""
    return [{**office.to_dict(km), "caisse": directory.caisses[office.caisse_id].to_dict()}
            for office, km in directory.nearest_offices(lat, lon, limit)]
