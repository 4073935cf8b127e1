"""The rows the embedded index is built from: one flat tuple per practitioner, ready for SQLite.

Preparing rows is the Python half of a build (the other half is SQLite's own work), so it is kept
lean: no intermediate dicts, the normalized names and labels memoized (they repeat a lot), the
grid cell and unit vector computed inline. Parts of the source are prepared independently (maybe in
other processes, see :mod:`directory.sqlite_preparation`); :class:`StagedRows` then keeps the first
practitioner of each id across parts, numbers the facet combinations and adds up rows per
(profession, cell), so that SQLite never has to group the whole table for them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from math import cos, floor, radians, sin
from typing import Iterable, Iterator

from .model import Practitioner
from .sqlite_cells import CELL_DEG, ROW_STRIDE
from .text_matching import _labels_for, _normalize_name

# The searched and filtered columns of ``practitioner`` (its ``doc`` and ``facet_key`` apart).
COLUMNS = ("id", "person_id", "cell", "x", "y", "z", "lat", "lon", "profession", "specialties", "sector", "optam",
           "carte_vitale", "mode", "postal_code", "commune_code", "departement", "nom_norm", "prenom_norm",
           "labels_norm")

# The rest of a practitioner's record, kept beside the searched columns (``practitioner_body``).
BODY_COLUMNS = ("rpps", "civilite", "nom", "prenom", "site_name", "line", "commune", "phone", "precision")

# Where some columns sit in a row of :func:`staged_row` (after its facet alias).
_ID, _CELL, _PROFESSION = (1 + COLUMNS.index(column) for column in ("id", "cell", "profession"))


def staged_row(practitioner: Practitioner, facet_alias: int) -> tuple:
    """``facet_alias`` then the values of :data:`COLUMNS` and :data:`BODY_COLUMNS` for one practitioner.

    Same values as :func:`directory.sqlite_cells.cell_of`, :func:`~directory.sqlite_cells.unit_vector`
    and :func:`directory.text_matching.search_fields` give, computed without their call overhead
    (this runs a million times per build). Booleans are bound by SQLite as 1 and 0.
    """
    location, address = practitioner.location, practitioner.address
    lat, lon = location.lat, location.lon
    phi, lam = radians(lat), radians(lon)
    cos_phi = cos(phi)
    specialties = practitioner.specialties
    return (facet_alias, practitioner.id, practitioner.person_id,
            floor((lat + 90.0) / CELL_DEG) * ROW_STRIDE + floor((lon + 180.0) / CELL_DEG),
            cos_phi * cos(lam), cos_phi * sin(lam), sin(phi), lat, lon,
            practitioner.profession, " ".join(specialties), practitioner.sector,
            _as_int(practitioner.optam), _as_int(practitioner.carte_vitale), practitioner.mode,
            address.postal_code, address.commune_code, address.departement,
            _normalize_name(practitioner.nom), _normalize_name(practitioner.prenom),
            _labels_for(practitioner.profession, specialties),
            practitioner.rpps, practitioner.civilite, practitioner.nom, practitioner.prenom,
            practitioner.site_name, address.line, address.commune, practitioner.phone, location.precision)


def _as_int(value: bool | None) -> int | None:
    return None if value is None else int(value)


@dataclass
class PreparedPart:
    """The rows of one part of the source (a batch, or a chunk of a file), ready to stage.

    ``number`` orders the parts. Each row starts with a facet alias, ``number * ALIAS_STRIDE`` plus
    the index in ``combinations`` of the row's facet combination: a worker cannot know the final
    ``facet_combination`` ids, so they are mapped at the end (:class:`StagedRows`) rather than by
    rewriting a million rows in the main process. ``cell_counts`` is rows per profession then cell.
    Only the first row of each id in the part is kept. Plain values only: it is marshalled.
    """

    number: int
    rows: list[tuple]
    combinations: list[tuple]
    cell_counts: dict[str, dict[int, int]]

    def as_values(self) -> tuple:
        return self.number, self.rows, self.combinations, self.cell_counts


# Facet combinations a part may hold (a part has fewer rows than that).
ALIAS_STRIDE = 1 << 24


def prepared_part(number: int, practitioners: Iterable[Practitioner]) -> PreparedPart:
    """The first practitioner of each id of ``practitioners`` as staged rows (see :class:`PreparedPart`).

    Facet values are told apart as they come (a tuple of the practitioner's own values, cheap to
    hash); each distinct one is written as :func:`facet_combination` once, at the end.
    """
    rows, seen, aliases, cell_counts = [], set(), {}, {}
    base = number * ALIAS_STRIDE
    for practitioner in practitioners:
        if practitioner.id in seen:
            continue
        seen.add(practitioner.id)
        values = (practitioner.profession, practitioner.sector, practitioner.specialties, practitioner.mode,
                  practitioner.optam, practitioner.carte_vitale)
        alias = aliases.get(values)
        if alias is None:
            alias = aliases[values] = base + len(aliases)
        row = staged_row(practitioner, alias)
        counts = cell_counts.get(practitioner.profession)
        if counts is None:
            counts = cell_counts[practitioner.profession] = {}
        counts[row[_CELL]] = counts.get(row[_CELL], 0) + 1
        rows.append(row)
    return PreparedPart(number, rows, [facet_combination(*values) for values in aliases], cell_counts)


def facet_combination(profession: str, sector: str | None, specialties: tuple[str, ...], mode: str | None,
                      optam: bool | None, carte_vitale: bool | None) -> tuple:
    """A row of ``facet_combination`` (its id apart): unknown values as ``''`` or ``-1``."""
    return (profession, sector or "", " ".join(specialties), mode or "", -1 if optam is None else int(optam),
            -1 if carte_vitale is None else int(carte_vitale))


@dataclass
class StagedRows:
    """What the build learns while parts go by: ids kept, facet combinations, rows per (profession, cell).

    ``facet_keys`` numbers each combination (its ``facet_combination.id``) in order of first
    appearance; ``aliases`` maps the parts' facet aliases to those ids.
    """

    seen: set = field(default_factory=set)
    facet_keys: dict = field(default_factory=dict)
    aliases: list = field(default_factory=list)
    cell_counts: dict = field(default_factory=dict)
    written: int = 0

    def keep(self, part: PreparedPart) -> list[tuple]:
        """The part's rows whose id no earlier part had (the first one wins)."""
        ids = [row[_ID] for row in part.rows]
        if self.seen.isdisjoint(ids):
            kept, dropped = part.rows, []
            self._learn_combinations(part, range(len(part.combinations)))
        else:
            kept = [row for row in part.rows if row[_ID] not in self.seen]
            dropped = [row for row in part.rows if row[_ID] in self.seen]
            used = dict.fromkeys(row[0] - part.number * ALIAS_STRIDE for row in kept)
            self._learn_combinations(part, used)
        self.seen.update(ids)
        self._count_cells(part.cell_counts, dropped)
        self.written += len(kept)
        return kept

    def _learn_combinations(self, part: PreparedPart, indexes: Iterable[int]) -> None:
        """Number the combinations the part's kept rows use (only those: facets list no empty value)."""
        base = part.number * ALIAS_STRIDE
        for index in indexes:
            facet_key = self.facet_keys.setdefault(part.combinations[index], len(self.facet_keys) + 1)
            self.aliases.append((base + index, facet_key))

    def _count_cells(self, part_counts: dict[str, dict[int, int]], dropped: list[tuple]) -> None:
        for profession, counts in part_counts.items():
            total = self.cell_counts.setdefault(profession, {})
            for cell, documents in counts.items():
                total[cell] = total.get(cell, 0) + documents
        for row in dropped:
            self.cell_counts[row[_PROFESSION]][row[_CELL]] -= 1

    def facet_combinations(self) -> Iterator[tuple]:
        """Rows of ``facet_combination``: ``(id, profession, sector, specialties, mode, optam, carte_vitale)``."""
        return ((facet_key, *combination) for combination, facet_key in self.facet_keys.items())

    def cell_ranges(self) -> Iterator[tuple]:
        """Rows of ``cell_range`` for practitioners numbered 1, 2, … in (profession, cell, id) order.

        Python orders strings by code point and SQLite (``BINARY``) by UTF-8 bytes: the same order.
        """
        first = 1
        for profession in sorted(self.cell_counts):
            counts = self.cell_counts[profession]
            for cell in sorted(counts):
                if documents := counts[cell]:
                    yield profession, cell, first, first + documents - 1, documents
                    first += documents
