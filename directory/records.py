"""Practitioner ⇄ plain dict: the project's JSON Lines format and the stored document body."""
from __future__ import annotations

from typing import Any

from .model import Address, Location, Practitioner


def practitioner_to_dict(practitioner: Practitioner) -> dict[str, Any]:
    address, location = practitioner.address, practitioner.location
    return {
        "id": practitioner.id,
        "person_id": practitioner.person_id,
        "rpps": practitioner.rpps,
        "civilite": practitioner.civilite,
        "nom": practitioner.nom,
        "prenom": practitioner.prenom,
        "profession": practitioner.profession,
        "specialties": list(practitioner.specialties),
        "sector": practitioner.sector,
        "optam": practitioner.optam,
        "carte_vitale": practitioner.carte_vitale,
        "mode": practitioner.mode,
        "site_name": practitioner.site_name,
        "address": {"line": address.line, "postal_code": address.postal_code, "commune": address.commune,
                    "commune_code": address.commune_code, "departement": address.departement},
        "phone": practitioner.phone,
        "location": {"lat": location.lat, "lon": location.lon, "precision": location.precision},
    }


def practitioner_from_dict(data: dict[str, Any]) -> Practitioner:
    """The inverse of :func:`practitioner_to_dict`, for trusted data (already validated)."""
    address, location = data["address"], data["location"]
    return Practitioner(
        id=data["id"],
        person_id=data["person_id"],
        rpps=data.get("rpps"),
        civilite=data.get("civilite"),
        nom=data["nom"],
        prenom=data.get("prenom"),
        profession=data["profession"],
        specialties=tuple(data.get("specialties") or ()),
        sector=data.get("sector"),
        optam=data.get("optam"),
        carte_vitale=data.get("carte_vitale"),
        mode=data.get("mode"),
        site_name=data.get("site_name"),
        address=Address(address.get("line"), address.get("postal_code"), address.get("commune"),
                        address.get("commune_code"), address.get("departement")),
        phone=data.get("phone"),
        location=Location(float(location["lat"]), float(location["lon"]), location.get("precision") or "municipality"),
    )
