"""Group reception offices into caisses and write ``cpam.json.gz``.

Sources name each office after its caisse (``Caisse primaire d'assurance maladie (CPAM) du
Nord - accueil de Roubaix``) and give a mailing address, usually the caisse's. A caisse is
therefore the offices of one département sharing a caisse name and a mailing postal code:

1. offices are grouped by (département, mailing postal code), and each group takes the caisse
   name most of its offices carry (a few offices are misnamed: ``CPAM de Fives``, ``CPAM de
   Villefagnan``; their mailing address still says where they belong);
2. an office alone at its mailing address (some caisses give each office its own) joins the
   group of its département with the same caisse name: the only one with several offices, the
   nearest one when there are several (``du Nord`` is three caisses: Lille, Roubaix-Tourcoing,
   Valenciennes), or, when all are alone, they form one caisse together.

Caisses whose names collide (the three ``CPAM du Nord``) are told apart by their mailing city.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from directory.normalize import normalize_text
from geodata.communes import Commune, read_commune_aliases, read_communes
from geodata.cpam import CPAM_FILE
from geodata.cpam_records import Address, OfficeRecord, city_without_cedex
from geodata.files import write_gzip_json
from geodata.nearest import distance_km

_CAISSE_NAME = re.compile(r"^caisse (primaire d.assurance maladie|g[ée]n[ée]rale de s[ée]curit[ée] sociale|"
                          r"commune de s[ée]curit[ée] sociale|de s[ée]curit[ée] sociale)\s*\((?P<kind>[a-z]+)\)\s*",
                          re.IGNORECASE)
_SHORT_NAME = re.compile(r"^(?P<kind>CPAM|CGSS|CCSS|CSS)\b\s*", re.IGNORECASE)
_ARTICLES = {"de", "du", "des", "la", "le", "les", "l", "d"}
# an office's location farther than this from its commune's centre is a geocoding error
PLAUSIBLE_KM = 15.0


@dataclass
class _Office:
    record: OfficeRecord
    commune: Commune | None
    departement: str
    kind: str           # CPAM, CGSS, CCSS
    caisse_name: str    # "CPAM de l'Ain"
    caisse_key: str     # "ain": the caisse name without kind nor articles, normalized
    office_name: str    # "Accueil d'Ambérieu-en-Bugey"
    head_office: bool   # the caisse's "siège"
    location: tuple[float, float, str] | None  # lat, lon, precision ("address" or "municipality")


@dataclass
class _Group:
    offices: list[_Office] = field(default_factory=list)

    @property
    def key(self) -> str:
        return _most_common(self.offices, lambda office: office.caisse_key)

    @property
    def departement(self) -> str:
        return self.offices[0].departement


def split_published_name(name: str) -> tuple[str, str, str, str, bool]:
    """``"Caisse primaire d'assurance maladie (CPAM) du Nord - accueil de Roubaix"`` →
    (``CPAM``, ``CPAM du Nord``, ``nord``, ``Accueil de Roubaix``, head office?)."""
    parts = re.split(r"\s+[-–]\s+", name, maxsplit=1)
    caisse_part, office_part = parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""
    match = _CAISSE_NAME.match(caisse_part) or _SHORT_NAME.match(caisse_part)
    kind = match["kind"].upper() if match else "CPAM"
    rest = caisse_part[match.end():].strip() if match else caisse_part
    key = " ".join(token for token in normalize_text(rest).split() if token not in _ARTICLES)
    office_name = office_part or f"Accueil {rest}".strip()
    office_name = office_name[:1].upper() + office_name[1:]
    head_office = normalize_text(office_part).startswith("siege")
    return kind, f"{kind} {rest}".strip(), key, office_name, head_office


def build_cpam(records: Iterable[OfficeRecord], data_dir: Path, source: dict) -> list[str]:
    """Group ``records`` into caisses and write ``cpam.json.gz`` into ``data_dir`` (which must
    already hold the communes files). Returns notes on what was merged or approximated."""
    communes, _ = read_communes(data_dir)
    aliases = read_commune_aliases(data_dir)
    notes: list[str] = []
    offices = [_describe(record, communes, aliases) for record in records]
    groups = _group_by_mailing_address(offices)
    caisses = _merge_lone_offices(groups, notes)
    caisse_rows, office_rows = _rows(caisses, notes)
    dates = [row["data_date"] for row in caisse_rows if row["data_date"]]
    write_gzip_json(data_dir / CPAM_FILE, {"source": source, "data_date": max(dates, default=None),
                                           "caisses": caisse_rows, "offices": office_rows})
    notes.append(f"CPAM: {len(office_rows)} offices in {len(caisse_rows)} caisses")
    return notes


def _describe(record: OfficeRecord, communes: dict[str, Commune], aliases: dict[str, str]) -> _Office:
    commune = communes.get(record.commune_code) or communes.get(aliases.get(record.commune_code, ""))
    code = record.commune_code
    departement = commune.departement if commune else (code[:3] if code.startswith("97") else code[:2])
    kind, caisse_name, key, office_name, head_office = split_published_name(record.name)
    return _Office(record, commune, departement, kind, caisse_name, key, office_name, head_office,
                   _plausible_location(record, commune))


def _plausible_location(record: OfficeRecord, commune: Commune | None) -> tuple[float, float, str] | None:
    """The first of the record's locations within :data:`PLAUSIBLE_KM` of its commune's centre,
    else that centre (precision ``municipality``)."""
    if commune is None or commune.lat is None or commune.lon is None:
        return (*record.locations[0], "address") if record.locations else None
    for lat, lon in record.locations:
        if distance_km(lat, lon, commune.lat, commune.lon) <= PLAUSIBLE_KM:
            return lat, lon, "address"
    return commune.lat, commune.lon, "municipality"


def _group_by_mailing_address(offices: list[_Office]) -> list[_Group]:
    groups: dict[tuple, _Group] = {}
    for office in offices:
        postal_code = office.record.postal_address and office.record.postal_address.postal_code
        key = (office.departement, postal_code) if postal_code and postal_code.isdigit() else ("office", office.record.id)
        groups.setdefault(key, _Group()).offices.append(office)
    return list(groups.values())


def _merge_lone_offices(groups: list[_Group], notes: list[str]) -> list[_Group]:
    by_name: dict[tuple[str, str], list[_Group]] = {}
    for group in groups:
        by_name.setdefault((group.departement, group.key), []).append(group)
    caisses = []
    for (departement, key), namesakes in sorted(by_name.items()):
        several = [group for group in namesakes if len(group.offices) > 1]
        alone = [group for group in namesakes if len(group.offices) == 1]
        if not several:
            merged = _Group([group.offices[0] for group in alone])
            caisses.append(merged)
            if len(alone) > 1:
                notes.append(f"{departement} {key!r}: {len(alone)} offices with their own mailing address form one caisse")
            continue
        caisses += several
        for group in alone:
            _nearest_group(group.offices[0], several).offices.append(group.offices[0])
    return caisses


def _nearest_group(office: _Office, groups: list[_Group]) -> _Group:
    if office.location is None:
        return max(groups, key=lambda group: len(group.offices))
    lat, lon, _ = office.location

    def distance(group: _Group) -> float:
        return min((distance_km(lat, lon, o.location[0], o.location[1]) for o in group.offices if o.location),
                   default=float("inf"))

    return min(groups, key=distance)


def _rows(caisses: list[_Group], notes: list[str]) -> tuple[list[dict], list[dict]]:
    shared_keys = Counter(group.key for group in caisses)
    caisse_rows, office_rows, ids = [], [], set()
    for group in sorted(caisses, key=lambda g: (g.departement, g.key, _postal_address(g).postal_code or "")):
        postal_address = _postal_address(group)
        kind = _most_common(group.offices, lambda office: office.kind)
        name = _most_common(group.offices, lambda office: office.caisse_name)
        caisse_id = f"{kind.lower()}-{group.key.replace(' ', '-')}"
        if shared_keys[group.key] > 1:
            city = city_without_cedex(postal_address.city)
            name = f"{name} ({city.title() if city.isupper() else city})"
            caisse_id += "-" + normalize_text(city).replace(" ", "-")
            notes.append(f"caisse name shared by {shared_keys[group.key]} caisses, told apart by mailing city: {name}")
        while caisse_id in ids:
            caisse_id += "-bis"
        ids.add(caisse_id)
        dates = [office.record.updated for office in group.offices if office.record.updated]
        caisse_rows.append({
            "id": caisse_id, "name": name, "kind": kind,
            "departements": sorted({office.departement for office in group.offices}),
            "postal_address": postal_address.to_dict(),
            "phone": _most_common(group.offices, lambda office: office.record.phone),
            "data_date": max(dates, default=None)})
        office_rows += [_office_row(office, caisse_id) for office in sorted(group.offices, key=lambda o: o.record.id)]
    return caisse_rows, office_rows


def _postal_address(group: _Group) -> Address:
    """The head office's mailing address, else the most complete one at the most common postal code."""
    addresses = [o.record.postal_address for o in group.offices if o.head_office and o.record.postal_address]
    if not addresses:
        addresses = [o.record.postal_address for o in group.offices if o.record.postal_address]
        if not addresses:
            return Address()
        common = Counter(address.postal_code for address in addresses).most_common(1)[0][0]
        addresses = sorted((a for a in addresses if a.postal_code == common), key=lambda a: -len(a.lines))
    return addresses[0]


def _office_row(office: _Office, caisse_id: str) -> dict:
    record, commune = office.record, office.commune
    lat, lon, precision = office.location or (None, None, None)
    address = record.address
    if not address.postal_code and commune:
        only_postal_code = commune.postal_codes[0] if len(commune.postal_codes) == 1 else None
        address = Address(address.lines, only_postal_code, commune.name)
    return {"id": record.id, "caisse_id": caisse_id, "name": office.office_name,
            "commune_code": commune.code if commune else record.commune_code, "address": address.to_dict(),
            "lat": lat, "lon": lon, "location_precision": precision, "phone": record.phone,
            "hours": record.hours, "data_date": record.updated}


def _most_common(offices: list[_Office], value) -> str:
    """The most common value among the offices, the head office's value breaking ties."""
    counts = Counter(value(office) for office in offices if value(office))
    if not counts:
        return ""
    best = max(counts.values())
    head = [value(office) for office in offices if office.head_office and counts.get(value(office)) == best]
    return head[0] if head else next(v for v, n in counts.most_common() if n == best)
