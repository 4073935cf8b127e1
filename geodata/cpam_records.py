"""Reception offices of the health insurance funds as read from a source, before they are
grouped into caisses (:mod:`geodata.build_cpam`), and the postal :class:`Address` they share
with the runtime model (:mod:`geodata.cpam`).

Each source format has its own reader producing :class:`OfficeRecord` objects:
:mod:`geodata.cpam_dila_2016` (the 2016 DILA extract in the shared data) and
:mod:`geodata.cpam_service_public` (the current "Annuaire de l'administration" export).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_POSTAL_LINE = re.compile(r"^(?P<street>.*?)\s*(?P<postal_code>\d{5})\s+(?P<city>\S.*)$")
_ADDRESSEE = re.compile(r"^(caisse|assurance maladie|cpam|cgss|ccss)\b", re.IGNORECASE)
_POST_BOX = re.compile(r"^(bp|cs|tsa|cedex)\b", re.IGNORECASE)
_STREET = re.compile(r"\d|\b(rue|avenue|boulevard|bd|place|allée|allee|chemin|route|quai|cours|impasse|"
                     r"esplanade|rampe|square|passage|parc|rocade|voie)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Address:
    """A French postal address: lines above the postal code, postal code, city (``Paris Cedex 19``)."""

    lines: tuple[str, ...] = ()
    postal_code: str | None = None
    city: str | None = None

    def to_dict(self) -> dict:
        return {"lines": list(self.lines), "postal_code": self.postal_code, "city": self.city}

    @classmethod
    def from_dict(cls, data: dict | None) -> "Address":
        data = data or {}
        return cls(tuple(data.get("lines") or ()), data.get("postal_code"), data.get("city"))


@dataclass
class OfficeRecord:
    """One reception office of a CPAM, CGSS or CCSS, as published."""

    id: str
    name: str                      # as published: "Caisse primaire d'assurance maladie (CPAM) de l'Ain - accueil de Belley"
    commune_code: str              # INSEE code of the office's commune
    address: Address               # where the office is
    postal_address: Address | None  # where to write to (the caisse's mailing address, usually)
    locations: tuple[tuple[float, float], ...] = ()  # (lat, lon) candidates, most trusted first
    phone: str | None = None
    hours: str | None = None
    updated: str | None = None     # ISO date of the record's last update
    extra: dict = field(default_factory=dict)


def ordered_address_lines(lines) -> tuple[str, ...]:
    """Address lines in postal order: addressee, complement, street, post box (``BP``/``CS``).

    Some sources give the lines of a postal address in no particular order."""
    def rank(line: str) -> int:
        if _ADDRESSEE.match(line):
            return 0
        if _POST_BOX.match(line):
            return 3
        return 2 if _STREET.search(line) else 1

    cleaned = [" ".join(line.split()) for line in lines if line and line.strip()]
    return tuple(sorted(dict.fromkeys(cleaned), key=rank))


def parse_one_line_address(text: str | None) -> Address | None:
    """``"45 avenue Aristide-Briand 01500 Ambérieu-en-Bugey"`` → lines, postal code, city."""
    match = _POSTAL_LINE.match(" ".join((text or "").split()))
    if not match:
        return None
    street = match["street"].strip(" ,")
    return Address((street,) if street else (), match["postal_code"], match["city"])


def city_without_cedex(city: str | None) -> str:
    """``"Tourcoing Cedex"`` → ``"Tourcoing"``, ``"Paris Cedex 19"`` → ``"Paris"``."""
    return re.split(r"\s+cedex\b", city or "", flags=re.IGNORECASE)[0].strip()
