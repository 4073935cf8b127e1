"""The ameli export ``liste-ps-*.csv`` (annuaire santé ameli): its columns, a streaming reader and a writer.

``;``-separated, UTF-8 with BOM, one row per practitioner and cabinet, libéral practice only.
It carries what the RPPS does not (convention sector, OPTAM, carte Vitale, the cabinet's
phone) but no RPPS number, so it is joined to the RPPS by name, profession and postal code
(:mod:`indexer.merge`).

Columns read (by name, in any order; :data:`REQUIRED` must be there, the others may be missing):

=============================  =====================================================================
``type_ps_code``               1 médecins, 2 autres professions de santé, 5 dentistes (ameli)
``ps_civilite``                ``M`` / ``MME``
``ps_activite_nom``            nom d'exercice
``ps_activite_prenom``         prénom d'exercice
``specialite_code``            TRE_G100 « Spécialité Assurance Maladie » (``01`` médecine générale,
                               ``24`` infirmier…): gives the profession and the specialty
``specialite_libelle``         its label
``coordonnees_raison_sociale`` name of the cabinet or centre (may be empty)
``coordonnees_adresse``        street line (``12 RUE DE LA PAIX``)
``coordonnees_complement``     address complement
``coordonnees_code_postal``    postal code
``coordonnees_commune``        commune label (libellé d'acheminement)
``coordonnees_code_insee``     INSEE commune code (may be empty: found from the postal code)
``coordonnees_telephone``      cabinet phone
``secteur_conventionnel_code`` TRE_R282: ``0`` non conventionné, ``1`` secteur 1, ``2`` secteur 1
                               avec dépassement permanent, ``3`` secteur 2 (old ``nc``/``c1``…``c3`` too)
``secteur_conventionnel_libelle``
``option_tarifaire_code``      ``OPTAM``, ``OPTAM-CO`` or empty
``option_tarifaire_libelle``
``carte_vitale_code``          ``O`` accepts the carte Vitale, ``N`` does not, empty: unknown
``carte_vitale_libelle``
=============================  =====================================================================
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Callable, Iterator, Mapping

from .rejects import Reject
from .source_writer import SourceFileWriter
from .sources import TextLines

SOURCE = "ameli"

COLUMNS = (
    "type_ps_code", "ps_civilite", "ps_activite_nom", "ps_activite_prenom", "specialite_code", "specialite_libelle",
    "coordonnees_raison_sociale", "coordonnees_adresse", "coordonnees_complement", "coordonnees_code_postal",
    "coordonnees_commune", "coordonnees_code_insee", "coordonnees_telephone", "secteur_conventionnel_code",
    "secteur_conventionnel_libelle", "option_tarifaire_code", "option_tarifaire_libelle", "carte_vitale_code",
    "carte_vitale_libelle",
)
REQUIRED = ("ps_activite_nom", "ps_activite_prenom", "specialite_code", "coordonnees_code_postal",
            "secteur_conventionnel_code")

_AT = {name: index for index, name in enumerate(COLUMNS)}
TYPE_PS = _AT["type_ps_code"]
CIVILITE = _AT["ps_civilite"]
NOM = _AT["ps_activite_nom"]
PRENOM = _AT["ps_activite_prenom"]
SPECIALTY = _AT["specialite_code"]
SITE_NAME = _AT["coordonnees_raison_sociale"]
ADDRESS = _AT["coordonnees_adresse"]
POSTAL_CODE = _AT["coordonnees_code_postal"]
COMMUNE_LABEL = _AT["coordonnees_commune"]
COMMUNE_CODE = _AT["coordonnees_code_insee"]
PHONE = _AT["coordonnees_telephone"]
SECTOR = _AT["secteur_conventionnel_code"]
TARIFF_OPTION = _AT["option_tarifaire_code"]
CARTE_VITALE = _AT["carte_vitale_code"]

OPTAM_CODES = {"OPTAM": "Option pratique tarifaire maîtrisée",
               "OPTAM-CO": "Option pratique tarifaire maîtrisée chirurgie et obstétrique"}
CARTE_VITALE_CODES = {"O": True, "N": False}
CARTE_VITALE_LABELS = {"O": "Accepte la carte Vitale", "N": "N'accepte pas la carte Vitale"}
SECTOR_CODES_WRITTEN = {"nc": "0", "1": "1", "1-dp": "2", "2": "3"}
SECTOR_LABELS_WRITTEN = {"0": "Non conventionné", "1": "Conventionné", "2": "Conventionné avec dépassement",
                         "3": "Conventionné avec honoraires libres"}


def _split(text: str) -> list[str]:
    if '"' in text:
        return next(csv.reader([text], delimiter=";"), [])
    return text.split(";")


def header_problem(header: str) -> str | None:
    """Why ``header`` is not the header of an ameli export, or ``None`` when it is."""
    names = [name.strip() for name in _split(header.lstrip("\ufeff"))]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        return f"colonnes manquantes dans l'en-tête : {', '.join(missing)}"
    return None


class AmeliReader:
    """Streams the rows of an ameli export: ``(line, fields, text)`` for each well-shaped row, else a :class:`Reject`.

    ``fields`` is in the order of :data:`COLUMNS` whatever the file's order (missing columns empty).
    """

    def __init__(self, path: Path, source: str = SOURCE):
        self.path = Path(path)
        self.lines = TextLines(path)
        self.source = source

    @property
    def position(self) -> int:
        return self.lines.position

    @property
    def size(self) -> int:
        return self.lines.size

    def rows(self, wanted: Callable[[int], bool] | None = None) -> Iterator[tuple[int, list[str], str] | Reject]:
        """The rows; with ``wanted``, only the data lines whose number it accepts (others are not even split)."""
        positions: list[int | None] | None = None
        identity = False
        width = 0
        for number, text, complete, decoded in self.lines:
            if positions is None:
                names = [name.strip() for name in _split(text)]
                width = len(names)
                positions = [names.index(name) if name in names else None for name in COLUMNS]
                identity = positions == list(range(len(COLUMNS))) and width == len(COLUMNS)
                continue
            if wanted is not None and not wanted(number):
                continue
            if not decoded:
                yield Reject.of(self.source, number, "octets non décodables (UTF-8 attendu)", text)
                continue
            if not text.strip():
                continue
            fields = _split(text)
            if len(fields) != width:
                if not complete:
                    yield Reject.of(self.source, number, "dernière ligne tronquée (fichier incomplet)", text)
                else:
                    yield Reject.of(self.source, number,
                                    f"nombre de colonnes incorrect : {len(fields)} au lieu de {width}", text)
                continue
            if not identity:
                fields = [fields[position] if position is not None else "" for position in positions]
            yield number, fields, text


class AmeliWriter(SourceFileWriter):
    """Writes an export as published: UTF-8 with BOM, ``;``-separated, CRLF line ends."""

    def __init__(self, path: Path):
        super().__init__(path, newline="")
        self._writer = csv.writer(self._handle, delimiter=";", lineterminator="\r\n")
        self._writer.writerow(COLUMNS)

    def write(self, values: Mapping[str, str]) -> None:
        self._writer.writerow([values.get(name, "") or "" for name in COLUMNS])
        self.count += 1
