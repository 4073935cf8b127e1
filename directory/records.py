"""Practitioner ⇄ plain dict: the project's JSON Lines format and the stored document body."""
from __future__ import annotations

from dataclasses import fields
from typing import Any, Callable

from .model import Address, Location, Practitioner


def _slot_constructor(cls: type) -> Callable[..., Any]:
    """A constructor of the frozen, slotted dataclass ``cls`` taking every field in order (no defaults),
    that sets the slots directly.

    A frozen dataclass's ``__init__`` goes through ``object.__setattr__`` for each field to get past
    ``frozen``: half of the time of :func:`practitioner_from_dict`, run a million times when an index
    is built. Writing through the slot descriptors gives the same object twice as fast. Generated
    code, as :mod:`dataclasses` does for ``__init__`` itself. Refused for a class that checks or
    computes something when built (``__post_init__``).
    """
    if hasattr(cls, "__post_init__") or not hasattr(cls, "__slots__"):
        raise TypeError(f"{cls.__name__} is not a plain slotted dataclass")
    names = [field.name for field in fields(cls)]
    setters = "".join(f"    set_{name}(instance, {name})\n" for name in names)
    source = f"def build({', '.join(names)}):\n    instance = new(cls)\n{setters}    return instance\n"
    namespace = {"new": object.__new__, "cls": cls, **{f"set_{name}": getattr(cls, name).__set__ for name in names}}
    exec(source, namespace)  # noqa: S102 - source built above from the class's own field names
    return namespace["build"]


# Positional constructors (every field, in the model's order) for the paths that build a million of them.
new_practitioner = _slot_constructor(Practitioner)
new_address = _slot_constructor(Address)
new_location = _slot_constructor(Location)


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
    """The inverse of :func:`practitioner_to_dict`, for trusted data (already validated).

    Fields are passed by position, in the model's field order (keywords cost a fifth of the time).
    """
    address, location = data["address"], data["location"]
    get = data.get
    return new_practitioner(
        data["id"], data["person_id"], get("rpps"), get("civilite"), data["nom"], get("prenom"), data["profession"],
        tuple(get("specialties") or ()), get("sector"), get("optam"), get("carte_vitale"), get("mode"),
        new_address(address.get("line"), address.get("postal_code"), address.get("commune"),
                     address.get("commune_code"), address.get("departement")),
        get("phone"),
        new_location(float(location["lat"]), float(location["lon"]), location.get("precision") or "municipality"),
        get("site_name"),
    )
