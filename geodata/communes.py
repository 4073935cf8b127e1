"""Communes and postal codes: the compact files under ``geodata/data`` and their in-memory form.

Files (written by :mod:`geodata.build_reference`, read here):

- ``communes.csv.gz``: one row per current commune and per municipal arrondissement
  (Paris, Lyon, Marseille), with its centre (``lat``/``lon`` empty when unknown).
- ``postal_codes.csv.gz``: one row per (postal code, commune) with La Poste's
  ``libelle_acheminement``; commune codes are current ones.
- ``commune_aliases.csv.gz``: former or delegated commune codes → current commune code.
"""
from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

COMMUNES_FILE = "communes.csv.gz"
POSTAL_CODES_FILE = "postal_codes.csv.gz"
COMMUNE_ALIASES_FILE = "commune_aliases.csv.gz"

COMMUNE_FIELDS = ("code", "name", "type", "departement", "region", "parent", "postal_codes",
                  "population", "lat", "lon", "coord_source")
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


@dataclass(frozen=True, slots=True)
class PostalCodeEntry:
    """One line of the postal code file: this postal code delivers to this commune."""

    postal_code: str
    commune_code: str
    libelle_acheminement: str


def read_gzip_csv(path: Path) -> Iterator[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as stream:
        yield from csv.DictReader(stream)


def write_gzip_csv(path: Path, fields: Iterable[str], rows: Iterable[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps rebuilt files byte-identical when their content does not change
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as zipped:
        with io.TextIOWrapper(zipped, encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=list(fields), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


def _optional_float(text: str) -> float | None:
    return float(text) if text != "" else None


def read_communes(data_dir: Path) -> dict[str, Commune]:
    communes = {}
    for row in read_gzip_csv(data_dir / COMMUNES_FILE):
        communes[row["code"]] = Commune(
            code=row["code"], name=row["name"], type=row["type"], departement=row["departement"],
            region=row["region"], postal_codes=tuple(row["postal_codes"].split()),
            population=int(row["population"] or 0), lat=_optional_float(row["lat"]),
            lon=_optional_float(row["lon"]), parent=row["parent"] or None)
    return communes


def read_coordinate_sources(data_dir: Path) -> dict[str, str]:
    """Where each commune's centre comes from (for the coverage report)."""
    return {row["code"]: row["coord_source"] for row in read_gzip_csv(data_dir / COMMUNES_FILE)}


def read_postal_codes(data_dir: Path) -> dict[str, tuple[PostalCodeEntry, ...]]:
    entries: dict[str, list[PostalCodeEntry]] = {}
    for row in read_gzip_csv(data_dir / POSTAL_CODES_FILE):
        entry = PostalCodeEntry(row["postal_code"], row["commune_code"], row["libelle_acheminement"])
        entries.setdefault(entry.postal_code, []).append(entry)
    return {code: tuple(rows) for code, rows in entries.items()}


def read_commune_aliases(data_dir: Path) -> dict[str, str]:
    return {row["old_code"]: row["code"] for row in read_gzip_csv(data_dir / COMMUNE_ALIASES_FILE)}
