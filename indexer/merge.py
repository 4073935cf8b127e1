"""The load of real sources: RPPS activity rows enriched with the ameli rows that match them.

A practitioner at a place comes from an RPPS activity row (identity, profession, specialty,
mode, site and address). When an ameli row names the same person (normalized name, first
name, profession) at the same postal code, its convention fields (sector, OPTAM, carte Vitale)
and its phone are added. ameli rows that match no RPPS row are indexed too, with
``rpps: null`` and a stable id derived from the row.

Memory stays bounded whatever the size of the RPPS file: the ameli file is read first into an
index of compact tuples keyed by a hash of the match key; the RPPS file is then streamed; the
ameli file is read a second time to emit the rows that matched nothing.

Match keys, tried in order (each ameli row is used once; names and first names through
:func:`directory.normalize.normalize_text`, so accents, case, hyphens and apostrophes do not count):
1. name, first name, profession, postal code;
2. name, first word of the first name, profession, postal code (``Marie`` / ``Marie Claire``);
3. name, first name, profession, commune (a CEDEX postal code on one side).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from directory.model import Practitioner

from .ameli_format import AmeliReader
from .jsonl_format import JsonlReader, parse_jsonl_rows
from .rejects import Reject, Warning_
from .rpps_format import RppsReader
from .sources import AMELI, JSONL, RPPS, SourceFile
from .transform import AmeliRow, Transform, normalized

Item = Practitioner | Reject | Warning_

UNUSED, INDEXED, MATCHED = 0, 1, 2


@dataclass
class SourceStats:
    """What was read from one file."""

    kind: str
    name: str
    rows: int = 0
    rejected: int = 0
    duplicates: int = 0
    warnings: int = 0


@dataclass
class MergeStats:
    """How the RPPS and ameli rows were joined."""

    sources: list[SourceStats] = field(default_factory=list)
    rpps_valid: int = 0
    ameli_valid: int = 0
    merged: int = 0
    merged_by_key: dict[str, int] = field(default_factory=lambda: {"exact": 0, "prenom": 0, "commune": 0})
    ameli_only: int = 0
    specialty_rows_grouped: int = 0
    """RPPS rows that added a specialty to the previous row's practitioner (same person, same place)."""

    @property
    def match_rate(self) -> float | None:
        """Share of the valid ameli rows joined to an RPPS row."""
        return self.merged / self.ameli_valid if self.ameli_valid else None

    @property
    def rows(self) -> int:
        return sum(source.rows for source in self.sources)

    @property
    def source_duplicates(self) -> int:
        """Duplicates found before the pipeline sees them (repeated ameli rows)."""
        return sum(source.duplicates for source in self.sources)


def _parts(nom: str, prenom: str | None) -> tuple[str, str, str]:
    nom_n, prenom_n = normalized(nom), normalized(prenom or "")
    return nom_n, prenom_n, prenom_n.split(" ", 1)[0]


class AmeliIndex:
    """The valid ameli rows by match key, as ``(line, sector, optam, carte_vitale, phone)`` tuples.

    Keys are hashes of ``(kind, name, first name, profession, postal code or commune)``: equal for
    equal keys within a process, 64 bits, stored once per row and kind (the ``prenom`` key only
    for a first name of several words). Whether a row is still free is kept per line in a bytearray.
    """

    KEY_NAMES = ("exact", "prenom", "commune")

    def __init__(self):
        self.by_key: dict[int, tuple | list[tuple]] = {}
        self.status = bytearray()
        self._seen: set[int] | None = set()

    def add(self, row: AmeliRow) -> bool:
        """Index ``row``; ``False`` when the very same row was already indexed (a duplicate)."""
        row_hash = hash(row.text)
        if row_hash in self._seen:
            return False
        self._seen.add(row_hash)
        entry = (row.line, row.sector, row.optam, row.carte_vitale, row.phone)
        nom_n, prenom_n, first = _parts(row.nom, row.prenom)
        profession, postal_code = row.profession, row.place.postal_code or ""
        keys = [hash((1, nom_n, prenom_n, profession, postal_code)),
                hash((3, nom_n, prenom_n, profession, row.place.commune_code))]
        if first != prenom_n:
            keys.append(hash((2, nom_n, first, profession, postal_code)))
        by_key = self.by_key
        for key in keys:
            found = by_key.get(key)
            if found is None:
                by_key[key] = entry
            elif found.__class__ is tuple:
                by_key[key] = [found, entry]
            else:
                found.append(entry)
        if len(self.status) <= row.line:
            self.status.extend(bytes(max(row.line + 1 - len(self.status), len(self.status))))
        self.status[row.line] = INDEXED
        return True

    def done_adding(self) -> None:
        """Forget what only the first reading needed."""
        self._seen = None

    def take(self, practitioner: Practitioner) -> tuple[str, tuple] | None:
        """The first free ameli entry matching ``practitioner`` (then taken), with the kind of key that matched:
        ``exact`` (name, first name, profession, postal code), ``prenom`` (the first word of the first name on
        either side), ``commune`` (the commune instead of the postal code)."""
        nom_n, prenom_n, first = _parts(practitioner.nom, practitioner.prenom)
        profession, postal_code = practitioner.profession, practitioner.address.postal_code or ""
        exact = hash((1, nom_n, prenom_n, profession, postal_code))
        # one side has a second first name: "Marie" here and "Marie Claire" there, or the other way round
        # (not "Marie Claire" and "Marie Hélène")
        by_first = (hash((2, nom_n, prenom_n, profession, postal_code)) if first == prenom_n else
                    hash((1, nom_n, first, profession, postal_code)))
        commune = hash((3, nom_n, prenom_n, profession, practitioner.address.commune_code or ""))
        for name, key in zip(self.KEY_NAMES, (exact, by_first, commune)):
            found = self.by_key.get(key)
            if found is None:
                continue
            for entry in ((found,) if found.__class__ is tuple else found):
                if self.status[entry[0]] == INDEXED:
                    self.status[entry[0]] = MATCHED
                    return name, entry
        return None

    def unmatched(self, line: int) -> bool:
        return line < len(self.status) and self.status[line] == INDEXED


def with_specialties(p: Practitioner, specialties: tuple[str, ...]) -> Practitioner:
    merged = tuple(dict.fromkeys(p.specialties + specialties))
    return Practitioner(p.id, p.person_id, p.rpps, p.civilite, p.nom, p.prenom, p.profession, merged, p.sector,
                        p.optam, p.carte_vitale, p.mode, p.address, p.phone, p.location, p.site_name)


def enriched(p: Practitioner, entry: tuple) -> Practitioner:
    """``p`` with the ameli fields of ``entry`` (built directly: ``dataclasses.replace`` is slow per row)."""
    _, sector, optam, carte_vitale, phone = entry
    return Practitioner(p.id, p.person_id, p.rpps, p.civilite, p.nom, p.prenom, p.profession, p.specialties, sector,
                        optam, carte_vitale, p.mode, p.address, phone or p.phone, p.location, p.site_name)


class SourceLoad:
    """The items (practitioners, rejects, warnings) of a set of source files, with their statistics.

    At most one RPPS and one ameli file (joined); any number of JSON Lines files (taken as they are).
    """

    def __init__(self, sources: list[SourceFile], transform: Transform,
                 on_row: Callable[[int], None] | None = None):
        self.sources = sources
        self.transform = transform
        self.on_row = on_row
        self.stats = MergeStats()
        self._readers: list = []
        kinds = [source.kind for source in sources]
        for kind in (RPPS, AMELI):
            if kinds.count(kind) > 1:
                raise ValueError(f"un seul fichier {kind} par chargement")
        self._sizes = sum(source.path.stat().st_size * (2 if source.kind == AMELI else 1) for source in sources)

    def fraction(self) -> float | None:
        return sum(reader.position for reader in self._readers) / self._sizes if self._sizes else None

    def _count(self, stats: SourceStats) -> None:
        stats.rows += 1
        if self.on_row is not None:
            self.on_row(self.stats.rows)

    def items(self) -> Iterator[Item]:
        by_kind = {source.kind: source for source in self.sources}
        for source in self.sources:
            if source.kind == JSONL:
                yield from self._jsonl(source)
        if RPPS in by_kind or AMELI in by_kind:
            yield from self._joined(by_kind.get(RPPS), by_kind.get(AMELI))

    # -- JSON Lines ------------------------------------------------------------------------
    def _jsonl(self, source: SourceFile) -> Iterator[Item]:
        stats = SourceStats(JSONL, source.name)
        self.stats.sources.append(stats)
        reader = JsonlReader(source.path)
        self._readers.append(reader)
        truncated = _lacks_final_newline(source.path)
        current: list = [0, ""]

        def rows():
            for number, text in reader.rows():
                current[0], current[1] = number, text
                if text.strip():
                    self._count(stats)
                yield number, text

        def numbered():
            for item in parse_jsonl_rows(rows(), source=source.name):
                number, text = current
                if isinstance(item, Reject) and truncated and reader.position == reader.size \
                        and item.reason == "JSON invalide":
                    item = Reject.of(source.name, number, "dernière ligne tronquée (fichier incomplet)", text)
                yield number, text, item

        for item in self.transform.checked_records(numbered(), source.name):
            yield from self._counted(item, stats)

    def _counted(self, item: Item, stats: SourceStats) -> Iterator[Item]:
        if isinstance(item, Reject):
            stats.rejected += 1
        elif isinstance(item, Warning_):
            stats.warnings += 1
        yield item

    # -- RPPS + ameli ----------------------------------------------------------------------
    def _joined(self, rpps: SourceFile | None, ameli: SourceFile | None) -> Iterator[Item]:
        index = AmeliIndex()
        if ameli is not None:
            yield from self._index_ameli(ameli, index)
        if rpps is not None:
            yield from self._rpps(rpps, index)
        if ameli is not None:
            yield from self._ameli_only(ameli, index)

    def _checked(self, reader, stats: SourceStats, check, name: str) -> Iterator[tuple[bool, object]]:
        """Each row of ``reader``, counted and passed through ``check``: ``(True, item)`` for a reject or a
        warning to report, ``(False, value)`` for what a row that passed the checks gave."""
        for row in reader.rows():
            self._count(stats)
            if isinstance(row, Reject):
                stats.rejected += 1
                yield True, row
                continue
            checked, warning = check(name, *row)
            if warning is not None:
                stats.warnings += 1
                yield True, warning
            if isinstance(checked, Reject):
                stats.rejected += 1
                yield True, checked
            else:
                yield False, checked

    def _index_ameli(self, ameli: SourceFile, index: AmeliIndex) -> Iterator[Item]:
        stats = self._ameli_stats = SourceStats(AMELI, ameli.name)
        self.stats.sources.append(stats)
        reader = AmeliReader(ameli.path, source=ameli.name)
        self._readers.append(reader)
        for to_report, checked in self._checked(reader, stats, self.transform.ameli, ameli.name):
            if to_report:
                yield checked
            elif index.add(checked):
                self.stats.ameli_valid += 1
            else:
                stats.duplicates += 1
        index.done_adding()
        if reader.lines.fallback_line is not None:
            yield _encoding_warning(ameli.name, reader.lines.fallback_line)

    def _rpps(self, rpps: SourceFile, index: AmeliIndex) -> Iterator[Item]:
        """RPPS rows, enriched when they match. Consecutive rows of one person at one place that differ only by
        their savoir-faire (one row per specialty) become one practitioner with all the specialties."""
        stats = SourceStats(RPPS, rpps.name)
        self.stats.sources.append(stats)
        reader = RppsReader(rpps.path, source=rpps.name)
        self._readers.append(reader)
        pending: Practitioner | None = None
        for to_report, practitioner in self._checked(reader, stats, self.transform.rpps, rpps.name):
            if to_report:
                yield practitioner
                continue
            if pending is not None and practitioner.id == pending.id:
                if set(practitioner.specialties) <= set(pending.specialties):
                    stats.duplicates += 1  # the same row again
                else:
                    pending = with_specialties(pending, practitioner.specialties)
                    self.stats.specialty_rows_grouped += 1
                continue
            if pending is not None:
                yield self._matched(pending, index)
            pending = practitioner
        if pending is not None:
            yield self._matched(pending, index)
        if reader.lines.fallback_line is not None:
            yield _encoding_warning(rpps.name, reader.lines.fallback_line)

    def _matched(self, practitioner: Practitioner, index: AmeliIndex) -> Practitioner:
        self.stats.rpps_valid += 1
        matched = index.take(practitioner)
        if matched is None:
            return practitioner
        key_name, entry = matched
        self.stats.merged_by_key[key_name] += 1
        self.stats.merged += 1
        return enriched(practitioner, entry)

    def _ameli_only(self, ameli: SourceFile, index: AmeliIndex) -> Iterator[Item]:
        reader = AmeliReader(ameli.path, source=ameli.name)
        self._readers.append(reader)
        check, practitioner_of = self.transform.ameli, self.transform.ameli_practitioner
        for row in reader.rows(wanted=index.unmatched):
            if isinstance(row, Reject):  # reported by the first reading
                continue
            checked, _ = check(ameli.name, *row)
            item = practitioner_of(ameli.name, checked)
            if isinstance(item, Reject):
                self._ameli_stats.rejected += 1
            else:
                self.stats.ameli_only += 1
            yield item


def _encoding_warning(source: str, line: int) -> Warning_:
    return Warning_(source, line, f"fichier en Windows-1252 (UTF-8 attendu), décodé en Windows-1252 "
                                  f"à partir de la ligne {line}")


def _lacks_final_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(0, 2)
        if handle.tell() == 0:
            return False
        handle.seek(-1, 2)
        return handle.read(1) != b"\n"
