"""Reader for the current service-public.fr "Annuaire de l'administration" export, to refresh
the CPAM reception offices from a recent download.

The export (data.gouv.fr, "Base de données locales de Service-public.fr", JSON) is
``{"service": [record, …]}``; the API (api-lannuaire.service-public.gouv.fr) answers
``{"results": [record, …]}`` with the nested fields encoded as JSON strings. Both are read.
A record is a CPAM office when one of its ``pivot[].type_service_local`` is ``cpam``; it has
``adresse[]`` (``type_adresse`` ``Adresse`` for the office, ``Adresse postale`` for mail, with
``numero_voie``, ``complement1``/``2``, ``service_distribution``, ``code_postal``,
``nom_commune``, ``latitude``, ``longitude``), ``telephone[]`` (``valeur``) and
``plage_ouverture[]`` (``nom_jour_debut``/``fin``, ``valeur_heure_debut_1``/``fin_1``, ``_2``,
``commentaire``).

    python -m geodata.cpam_service_public export.json [--out geodata/data]

rewrites ``cpam.json.gz`` from the export (the communes files must already be there).
"""
from __future__ import annotations

import argparse
import json
import re
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

from geodata.build_cpam import build_cpam
from geodata.cpam_records import Address, OfficeRecord, ordered_address_lines
from geodata.reference import DEFAULT_DATA_DIR

CPAM_SERVICE_TYPES = frozenset({"cpam"})
OFFICE_ADDRESS, POSTAL_ADDRESS = "adresse", "adresse postale"


def read_service_public_offices(path: Path, service_types: Iterable[str] = CPAM_SERVICE_TYPES) -> Iterator[OfficeRecord]:
    """The CPAM offices of an export or API answer file; other services are skipped."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    records = data if isinstance(data, list) else data.get("service") or data.get("results") or []
    wanted = frozenset(service_types)
    for record in records:
        office = office_from_service_public(record, wanted)
        if office is not None:
            yield office


def office_from_service_public(record: dict, service_types: frozenset[str] = CPAM_SERVICE_TYPES) -> OfficeRecord | None:
    """The office described by one record, or ``None`` when the record is not of ``service_types``."""
    pivots = _decoded(record.get("pivot"))
    if not any(pivot.get("type_service_local") in service_types for pivot in pivots):
        return None
    addresses = _decoded(record.get("adresse"))
    office_address = _first(addresses, OFFICE_ADDRESS)
    postal_address = _first(addresses, POSTAL_ADDRESS)
    phones = [phone.get("valeur") for phone in _decoded(record.get("telephone")) if phone.get("valeur")]
    location = _location(office_address)
    return OfficeRecord(
        id=str(record["id"]), name=" ".join(str(record.get("nom", "")).split()),
        commune_code=_commune_code(record, pivots), address=_address(office_address),
        postal_address=_address(postal_address) if postal_address else None,
        locations=(location,) if location else (), phone=phones[0] if phones else None,
        hours=format_opening_hours(_decoded(record.get("plage_ouverture"))),
        updated=_iso_date(record.get("date_modification")))


def format_opening_hours(slots: list[dict]) -> str | None:
    """``[{"nom_jour_debut": "Lundi", "nom_jour_fin": "Vendredi", "valeur_heure_debut_1": "08:30:00", …}]``
    → ``"Lundi au vendredi : 8h30-12h00, 13h30-16h30"``; ``None`` without slots."""
    lines = []
    for slot in slots:
        first, last = slot.get("nom_jour_debut") or "", slot.get("nom_jour_fin") or ""
        days = first if not last or last == first else f"{first} au {last.lower()}"
        periods = [f"{_time(slot.get(f'valeur_heure_debut_{n}'))}-{_time(slot.get(f'valeur_heure_fin_{n}'))}"
                   for n in (1, 2) if slot.get(f"valeur_heure_debut_{n}") and slot.get(f"valeur_heure_fin_{n}")]
        line = f"{days} : {', '.join(periods)}" if periods else days
        if slot.get("commentaire"):
            line += f" ({' '.join(slot['commentaire'].split())})"
        if line.strip():
            lines.append(line.strip())
    return " ; ".join(lines) or None


def _decoded(value) -> list[dict]:
    """A nested field, whether a list or (API answers) a JSON string of a list."""
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    if isinstance(value, dict):
        value = [value]
    return [item for item in value or [] if isinstance(item, dict)]


def _first(addresses: list[dict], kind: str) -> dict | None:
    return next((a for a in addresses if (a.get("type_adresse") or "").strip().lower() == kind), None)


def _address(entry: dict | None) -> Address:
    if not entry:
        return Address()
    lines = [entry.get(key) or "" for key in ("complement1", "complement2", "numero_voie", "service_distribution")]
    return Address(ordered_address_lines(lines), (entry.get("code_postal") or "").strip() or None,
                   " ".join((entry.get("nom_commune") or "").split()) or None)


def _location(entry: dict | None) -> tuple[float, float] | None:
    if not entry or entry.get("latitude") in (None, "") or entry.get("longitude") in (None, ""):
        return None
    return float(entry["latitude"]), float(entry["longitude"])


def _commune_code(record: dict, pivots: list[dict]) -> str:
    if record.get("code_insee_commune"):
        return str(record["code_insee_commune"])
    codes = [code for pivot in pivots for code in pivot.get("code_insee_commune") or []]
    return codes[0] if codes else ""


def _time(value: str | None) -> str:
    hours, minutes = (value or "").split(":")[:2]
    return f"{int(hours)}h{minutes}"


def _iso_date(value) -> str | None:
    """``"24/01/2023 10:31:25"`` or ``"2023-01-24T10:31:25"`` → ``"2023-01-24"``."""
    text = str(value or "").strip()
    if match := re.match(r"^(\d{2})/(\d{2})/(\d{4})", text):
        return date(int(match[3]), int(match[2]), int(match[1])).isoformat()
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return text[:10]
    return None


def refresh_offices_from_service_public(export: Path, data_dir: Path | None = None) -> list[str]:
    """Rewrite ``cpam.json.gz`` in ``data_dir`` (default: ``geodata/data``) from an export file."""
    source = {"name": "service-public.fr « Annuaire de l'administration » (DILA), export " + Path(export).name,
              "licence": "Licence Ouverte (mention : Service-Public.fr / DILA)", "outdated": False}
    return build_cpam(read_service_public_offices(export), Path(data_dir or DEFAULT_DATA_DIR), source)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Rebuild the CPAM offices from a service-public.fr export.")
    parser.add_argument("export", type=Path, help="the export (or API answer) JSON file")
    parser.add_argument("--out", type=Path, default=None, help="data directory (default: geodata/data)")
    args = parser.parse_args(argv)
    for note in refresh_offices_from_service_public(args.export, args.out):
        print(note)


if __name__ == "__main__":
    main()
