"""Reader for the 2016 DILA extract of CPAM/CGSS/CCSS reception offices
(``cpam/cpam_accueils_dila_2016.ndjson`` in the shared data: service-public.fr "Base de données
locales" converted by C. Quest, one JSON object per line).

The office's own address is only known through the BAN re-geocoding block (``geo.address_searched``),
which also gives a second location when the published one is doubtful;
``writeAddress`` is the mailing address (usually the caisse's). Opening hours, when given, are
free text in ``commentaire``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from geodata.cpam_records import Address, OfficeRecord, ordered_address_lines, parse_one_line_address


def read_dila_2016_offices(path: Path) -> Iterator[OfficeRecord]:
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                yield office_from_dila_2016(json.loads(line))


def office_from_dila_2016(record: dict) -> OfficeRecord:
    geo = record.get("geo") or {}
    published = _point(record.get("latitude"), record.get("longitude"))
    geocoded = _point(geo.get("latitude"), geo.get("longitude"))
    # the BAN re-geocoding is trusted first when it found the street in the office's own commune;
    # the published coordinates are sometimes hundreds of kilometres off
    precise = geo.get("insee_comm") == record["codeinsee"] and geo.get("address_type") in ("housenumber", "street")
    locations = [geocoded, published] if precise else [published, geocoded]
    write = record.get("writeAddress") or {}
    postal_address = None
    if write.get("postalCode") or write.get("streetAddress"):
        postal_address = Address(ordered_address_lines(write.get("streetAddress") or ()),
                                 (write.get("postalCode") or "").strip() or None,
                                 " ".join((write.get("addressLocality") or "").split()) or None)
    return OfficeRecord(
        id=record["id"], name=" ".join(record["nom"].split()), commune_code=record["codeinsee"],
        address=parse_one_line_address(geo.get("address_searched")) or Address(),
        postal_address=postal_address, locations=tuple(p for p in locations if p), phone=record.get("contact_phone") or None,
        hours=" ".join((record.get("commentaire") or "").split()) or None, updated=record.get("update"))


def _point(lat, lon) -> tuple[float, float] | None:
    if lat in (None, "") or lon in (None, ""):
        return None
    return float(lat), float(lon)
