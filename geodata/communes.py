"""Communes and postal codes: the compact files under ``geodata/data`` and their in-memory form.

Files (written by :mod:`geodata.build_reference`, read here):

- ``communes.csv.gz``: one row per current commune and per municipal arrondissement
  (Paris, Lyon, Marseille), with its centre (``lat``/``lon`` empty when unknown) and its name
  through :func:`directory.normalize.normalize_text` (``search_name``, precomputed: it is the
  costliest part of building the place index).
- ``postal_codes.csv.gz``: one row per (postal code, commune) with La Poste's
  ``libelle_acheminement``; commune codes are current ones.
- ``commune_aliases.csv.gz``: former or delegated commune codes → current commune code.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from geodata.files import read_gzip_csv, read_gzip_csv_rows

COMMUNES_FILE = "communes.csv.gz"
POSTAL_CODES_FILE = "postal_codes.csv.gz"
COMMUNE_ALIASES_FILE = "commune_aliases.csv.gz"

COMMUNE_FIELDS = ("code", "name", "type", "departement", "region", "parent", "postal_codes",
                  "population", "lat", "lon", "coord_source", "search_name")
POSTAL_CODE_FIELDS = ("postal_code", "commune_code", "libelle_acheminement")
COMMUNE_ALIAS_FIELDS = ("old_code", "code", "reason")

COMMUNE_ACTUELLE = "commune-actuelle"
ARRONDISSEMENT_MUNICIPAL = "arrondissement-municipal"


@dataclass(frozen=True, slots=True)
class Commune:
    """A current commune (``commune-actuelle``) or a municipal arrondissement (``arrondissement-municipal``)."""

    code: str
    name: str
    type: str
    departement: str
    region: str
    postal_codes: tuple[str, ...]
    population: int
    lat: float | None
    lon: float | None
    parent: str | None = None  # the commune of a municipal arrondissement (75056, 69123, 13055)

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lon is not None


class PostalCodeEntry(NamedTuple):
    """One line of the postal code file: this postal code delivers to this commune."""

    postal_code: str
    commune_code: str
    libelle_acheminement: str


def _optional_float(text: str) -> float | None:
    return float(text) if text != "" else None


def read_communes(data_dir: Path) -> tuple[dict[str, Commune], dict[str, str]]:
    """The communes by code, and their normalized names (``search_name``) by code."""
    communes, search_names = {}, {}
    # the columns in file order: rows are unpacked as they come, without reordering
    for (code, name, type_, departement, region, parent, postal_codes, population, lat, lon, _coord_source,
         search_name) in read_gzip_csv_rows(data_dir / COMMUNES_FILE, COMMUNE_FIELDS):
        communes[code] = Commune(code, name, type_, departement, region, tuple(postal_codes.split()),
                                 int(population or 0), _optional_float(lat), _optional_float(lon), parent or None)
        search_names[code] = search_name
    return communes, search_names


def read_coordinate_sources(data_dir: Path) -> dict[str, str]:
    """Where each commune's centre comes from (for the coverage report)."""
    return {row["code"]: row["coord_source"] for row in read_gzip_csv(data_dir / COMMUNES_FILE)}


def read_postal_codes(data_dir: Path) -> dict[str, tuple[PostalCodeEntry, ...]]:
    entries: dict[str, list[PostalCodeEntry]] = {}
    for row in read_gzip_csv_rows(data_dir / POSTAL_CODES_FILE, POSTAL_CODE_FIELDS):
        entry = PostalCodeEntry(*row)
        entries.setdefault(entry.postal_code, []).append(entry)
    return {code: tuple(rows) for code, rows in entries.items()}


def read_commune_aliases(data_dir: Path) -> dict[str, str]:
    return {row["old_code"]: row["code"] for row in read_gzip_csv(data_dir / COMMUNE_ALIASES_FILE)}
