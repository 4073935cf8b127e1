"""The RPPS extract ``PS_LibreAcces_Personne_activite_*.txt``: its columns, a streaming reader and a writer.

One row per person and activity place, ``|``-separated, UTF-8 (with or without BOM). Two
layouts are read: the 56-column one published since 2025 (``COLUMNS``) and the older
52-column one (its first 52 columns); rows of the older layout end with a trailing ``|``
(an empty extra field), which the reader accepts in both layouts.

The reader checks only the shape of a row (decodable, right number of columns); what the
fields mean is checked by :mod:`indexer.transform`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Mapping

from directory.normalize import normalize_text

from .rejects import Reject
from .source_writer import SourceFileWriter
from .sources import TextLines

SOURCE = "rpps"

COLUMNS = (
    "Type d'identifiant PP", "Identifiant PP", "Identification nationale PP", "Code civilité d'exercice",
    "Libellé civilité d'exercice", "Code civilité", "Libellé civilité", "Nom d'exercice", "Prénom d'exercice",
    "Code profession", "Libellé profession", "Code catégorie professionnelle", "Libellé catégorie professionnelle",
    "Code type savoir-faire", "Libellé type savoir-faire", "Code savoir-faire", "Libellé savoir-faire",
    "Code mode exercice", "Libellé mode exercice", "Numéro SIRET site", "Numéro SIREN site", "Numéro FINESS site",
    "Numéro FINESS établissement juridique", "Identifiant technique de la structure", "Raison sociale site",
    "Enseigne commerciale site", "Complément destinataire (coord. structure)",
    "Complément point géographique (coord. structure)", "Numéro Voie (coord. structure)",
    "Indice répétition voie (coord. structure)", "Code type de voie (coord. structure)",
    "Libellé type de voie (coord. structure)", "Libellé Voie (coord. structure)",
    "Mention distribution (coord. structure)", "Bureau cedex (coord. structure)", "Code postal (coord. structure)",
    "Code commune (coord. structure)", "Libellé commune (coord. structure)", "Code pays (coord. structure)",
    "Libellé pays (coord. structure)", "Téléphone (coord. structure)", "Téléphone 2 (coord. structure)",
    "Télécopie (coord. structure)", "Adresse e-mail (coord. structure)", "Code Département (structure)",
    "Libellé Département (structure)", "Ancien identifiant de la structure", "Autorité d'enregistrement",
    "Code secteur d'activité", "Libellé secteur d'activité", "Code section tableau pharmaciens",
    "Libellé section tableau pharmaciens", "Code rôle", "Libellé rôle", "Code genre activité",
    "Libellé genre activité",
)
"""The 56 columns of the layout published since 2025; the older layout has the first 52."""
OLD_COLUMN_COUNT = 52
LAYOUTS = (len(COLUMNS), OLD_COLUMN_COUNT)

_AT = {name: index for index, name in enumerate(COLUMNS)}
ID_TYPE = _AT["Type d'identifiant PP"]
PP_ID = _AT["Identifiant PP"]
NATIONAL_ID = _AT["Identification nationale PP"]
TITLE_CODE = _AT["Code civilité d'exercice"]
CIVILITY_CODE = _AT["Code civilité"]
NOM = _AT["Nom d'exercice"]
PRENOM = _AT["Prénom d'exercice"]
PROFESSION = _AT["Code profession"]
SKILL_TYPE = _AT["Code type savoir-faire"]
SKILL = _AT["Code savoir-faire"]
MODE = _AT["Code mode exercice"]
SIRET = _AT["Numéro SIRET site"]
FINESS = _AT["Numéro FINESS site"]
STRUCTURE_ID = _AT["Identifiant technique de la structure"]
SITE_NAME = _AT["Raison sociale site"]
SIGN = _AT["Enseigne commerciale site"]
STREET_NUMBER = _AT["Numéro Voie (coord. structure)"]
STREET_REPEAT = _AT["Indice répétition voie (coord. structure)"]
STREET_TYPE = _AT["Libellé type de voie (coord. structure)"]
STREET_NAME = _AT["Libellé Voie (coord. structure)"]
CEDEX_OFFICE = _AT["Bureau cedex (coord. structure)"]
POSTAL_CODE = _AT["Code postal (coord. structure)"]
COMMUNE_CODE = _AT["Code commune (coord. structure)"]
COMMUNE_LABEL = _AT["Libellé commune (coord. structure)"]
PHONE = _AT["Téléphone (coord. structure)"]
PHARMACIST_SECTION = _AT["Code section tableau pharmaciens"]

SKILL_TYPE_SPECIALTY = "S"
"""``Code type savoir-faire`` of an ordinal specialty (TRE_R38 codes); other types (capacités,
qualifications, DESC…) are not specialties of the directory."""
ID_TYPE_RPPS = "8"
ID_TYPE_ADELI = "0"


def header_problem(header: str) -> str | None:
    """Why ``header`` is not the header of a Personne_activite extract, or ``None`` when it is."""
    names = header.lstrip("\ufeff").split("|")
    if names and names[-1] == "":
        names.pop()
    if len(names) not in LAYOUTS:
        return (f"{len(names)} colonnes dans l'en-tête au lieu de {len(COLUMNS)} ou {OLD_COLUMN_COUNT} : "
                "ce n'est pas un extrait PS_LibreAcces_Personne_activite")
    for index, (name, expected) in enumerate(zip(names, COLUMNS), start=1):
        if normalize_text(name) != normalize_text(expected):
            return f"colonne {index} « {name} » au lieu de « {expected} »"
    return None


class RppsReader:
    """Streams the rows of an RPPS extract: ``(line, fields, text)`` for each well-shaped row, else a :class:`Reject`.

    ``fields`` always has the 56 columns of :data:`COLUMNS` (the four last ones empty for the
    older layout). The header line is checked by :func:`header_problem` when the file is opened.
    """

    def __init__(self, path: Path, source: str = SOURCE):
        self.lines = TextLines(path)
        self.source = source
        self.columns: int | None = None

    @property
    def position(self) -> int:
        return self.lines.position

    @property
    def size(self) -> int:
        return self.lines.size

    def rows(self) -> Iterator[tuple[int, list[str], str] | Reject]:
        columns = None
        padding: list[str] = []
        for number, text, complete, decoded in self.lines:
            if columns is None:
                names = text.split("|")
                columns = len(names) - 1 if names[-1] == "" else len(names)
                self.columns = columns
                padding = [""] * (len(COLUMNS) - columns)
                continue
            if not decoded:
                yield Reject.of(self.source, number, "octets non décodables (UTF-8 attendu)", text)
                continue
            if not text.strip():
                continue
            fields = text.split("|")
            count = len(fields)
            if count == columns + 1 and fields[-1] == "":
                fields.pop()
            elif count != columns:
                if not complete:
                    yield Reject.of(self.source, number, "dernière ligne tronquée (fichier incomplet)", text)
                else:
                    yield Reject.of(self.source, number,
                                    f"nombre de colonnes incorrect : {count} au lieu de {columns}", text)
                continue
            if padding:
                fields.extend(padding)
            yield number, fields, text


def format_row(values: Mapping[str, str], columns: int = len(COLUMNS), trailing_separator: bool = True) -> str:
    """One line of the extract from ``values`` by column name (missing columns are empty)."""
    fields = [values.get(name, "") or "" for name in COLUMNS[:columns]]
    return "|".join(fields) + ("|" if trailing_separator else "")


def header_line(columns: int = len(COLUMNS), trailing_separator: bool = True) -> str:
    return "|".join(COLUMNS[:columns]) + ("|" if trailing_separator else "")


class RppsWriter(SourceFileWriter):
    """Writes an extract as published: UTF-8 with BOM, ``|``-separated, each line ending with ``|``."""

    def __init__(self, path: Path, columns: int = len(COLUMNS)):
        if columns not in LAYOUTS:
            raise ValueError(f"mise en page RPPS inconnue : {columns} colonnes")
        super().__init__(path, newline="\n")
        self.columns = columns
        self._handle.write(header_line(columns) + "\n")

    def write(self, values: Mapping[str, str]) -> None:
        self._handle.write(format_row(values, self.columns) + "\n")
        self.count += 1
