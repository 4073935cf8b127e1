"""The code lists: professions (TRE_G15), specialties (TRE_R38), sectors, modes, and the ameli mappings.

Read from ``directory/nomenclature_data`` on first use (never at import) and kept for the process.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    label: str


class CodeList:
    """An ordered list of codes with their French labels."""

    __slots__ = ("name", "codes", "_labels")

    def __init__(self, name: str, codes: tuple[Code, ...]):
        self.name = name
        self.codes = codes
        self._labels = {entry.code: entry.label for entry in codes}

    def label(self, code: str | None) -> str | None:
        return self._labels.get(code) if code is not None else None

    def __contains__(self, code: object) -> bool:
        return code in self._labels

    def allowed(self) -> list[str]:
        return [entry.code for entry in self.codes]


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("directory").joinpath("nomenclature_data", filename).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _code_list(name: str, filename: str) -> CodeList:
    return CodeList(name, tuple(Code(row["code"], row["label"]) for row in _rows(filename)))


@cache
def professions() -> CodeList:
    return _code_list("profession", "professions.csv")


@cache
def specialties() -> CodeList:
    return _code_list("specialty", "specialties.csv")


@cache
def sectors() -> CodeList:
    return _code_list("sector", "sectors.csv")


@cache
def modes() -> CodeList:
    return _code_list("mode", "modes.csv")


@cache
def ameli_sector_codes() -> dict[str, str]:
    """ameli ``secteur_conventionnel_code`` (TRE_R282) → the service's sector code."""
    return {row["ameli_code"]: row["sector"] for row in _rows("ameli_sectors.csv")}


@cache
def ameli_specialty_codes() -> dict[str, tuple[str, str | None]]:
    """ameli ``specialite_code`` (TRE_G100) → (profession code, specialty code or None)."""
    return {row["code"]: (row["profession"], row["specialty"] or None)
            for row in _rows("ameli_specialties.csv") if row["profession"]}


@cache
def optam_values() -> CodeList:
    return CodeList("optam", (Code("true", "OPTAM"), Code("false", "Sans OPTAM")))


@cache
def carte_vitale_values() -> CodeList:
    return CodeList("carte_vitale", (Code("true", "Carte Vitale acceptée"), Code("false", "Carte Vitale non acceptée")))


_FACET_CODE_LISTS = {"profession": professions, "specialty": specialties, "sector": sectors, "mode": modes,
                     "optam": optam_values, "carte_vitale": carte_vitale_values}


def facet_code_list(facet: str) -> CodeList:
    """The code list that labels a facet (see ``directory.model.FACET_FIELDS``)."""
    return _FACET_CODE_LISTS[facet]()
