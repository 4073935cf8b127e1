"""Source files: what format a file is, and its lines decoded with their numbers.

Three formats are read: the RPPS extract ``PS_LibreAcces_Personne_activite_*.txt`` (``rpps``),
the ameli export ``liste-ps-*.csv`` (``ameli``) and the project's JSON Lines (``jsonl``).
:func:`detect_format` recognises them by their first line; :func:`open_source` checks that a
file is what the operator said it is and raises :class:`SourceError` (a one-line French
message) for an empty, unreadable or wrong-format file, before anything is loaded.

:class:`TextLines` streams ``(number, text, complete, decoded)``: ``decoded`` is false for a line
whose bytes cannot be decoded (``text`` then shows them with replacement characters, for the
report), ``complete`` is false for a last line without its newline (a file cut short). The encoding is UTF-8, with or without BOM; a file whose first non-ASCII line is
not UTF-8 but Windows-1252 (an export re-saved by a spreadsheet) is read as Windows-1252, and
:attr:`TextLines.fallback_line` says where that was decided.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

RPPS = "rpps"
AMELI = "ameli"
JSONL = "jsonl"
FORMATS = (RPPS, AMELI, JSONL)
FORMAT_LABELS = {RPPS: "RPPS (PS_LibreAcces_Personne_activite, séparateur |)",
                 AMELI: "ameli (liste-ps, séparateur ;)",
                 JSONL: "JSON Lines du projet"}

BOM = b"\xef\xbb\xbf"
SNIFF_BYTES = 64 * 1024
RPPS_HEADER_START = "Type d'identifiant PP|"
AMELI_MARKER = "ps_activite_nom"


class SourceError(Exception):
    """A file that cannot be loaded at all: its message is one French line for the operator."""


def _decode_header(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff(path: Path) -> tuple[str, bool]:
    """The first line of ``path`` (BOM removed, best-effort decoding) and whether a data line follows it."""
    with path.open("rb") as handle:
        data = handle.read(SNIFF_BYTES)
    data = data.removeprefix(BOM)
    first, newline, rest = data.partition(b"\n")
    return _decode_header(first).rstrip("\r"), bool(newline) and bool(rest.strip())


def detect_format(first_line: str) -> str | None:
    """``rpps``, ``ameli`` or ``jsonl`` from a file's first line, or ``None``."""
    text = first_line.strip()
    if text.startswith("{"):
        return JSONL
    if text.startswith(RPPS_HEADER_START) or text.startswith('"' + RPPS_HEADER_START):
        return RPPS
    if AMELI_MARKER in text.replace('"', "").split(";"):
        return AMELI
    return None


@dataclass(frozen=True)
class SourceFile:
    """A source file checked at the door: its format and its first line (the header, for RPPS and ameli)."""

    kind: str
    path: Path
    header: str

    @property
    def name(self) -> str:
        return self.path.name


def open_source(path: Path, expected: str | None = None) -> SourceFile:
    """Check ``path`` before a load: readable, not empty, of the ``expected`` format (or a recognised one)."""
    path = Path(path)
    try:
        first_line, has_data = sniff(path)
        empty = path.stat().st_size == 0
    except FileNotFoundError as error:
        raise SourceError(f"{path} : fichier introuvable") from error
    except IsADirectoryError as error:
        raise SourceError(f"{path} : c'est un dossier, pas un fichier") from error
    except PermissionError as error:
        raise SourceError(f"{path} : lecture refusée (droits du fichier)") from error
    except OSError as error:
        raise SourceError(f"{path} : fichier illisible ({error.strerror or error})") from error
    if empty or not first_line.strip() and not has_data:
        raise SourceError(f"{path.name} : fichier vide, rien à indexer (l'index en service est conservé)")
    kind = detect_format(first_line)
    if expected is not None and kind != expected:
        seen = f"il ressemble à un fichier {FORMAT_LABELS[kind]}" if kind else "format non reconnu"
        raise SourceError(f"{path.name} : ce n'est pas un fichier {FORMAT_LABELS[expected]} ({seen})")
    if kind is None:
        raise SourceError(f"{path.name} : format non reconnu (attendu : RPPS, ameli ou JSON Lines)")
    if kind in (RPPS, AMELI) and not has_data:
        raise SourceError(f"{path.name} : en-tête seul, aucune ligne de données (l'index en service est conservé)")
    return SourceFile(kind, path, first_line)


class TextLines:
    """The lines of a text file, decoded, numbered from 1, with the bytes read so far in :attr:`position`."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.size = self.path.stat().st_size
        self.position = 0
        self.encoding = "utf-8"
        self.had_bom = False
        self.fallback_line: int | None = None
        """The line at which the file was found to be Windows-1252, or ``None``."""

    def fraction(self) -> float | None:
        return self.position / self.size if self.size else None

    def __iter__(self) -> Iterator[tuple[int, str, bool, bool]]:
        proven_utf8 = False
        cp1252 = False
        with self.path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                self.position += len(raw)
                if number == 1 and raw.startswith(BOM):
                    raw = raw[len(BOM):]
                    self.had_bom = proven_utf8 = True
                complete = raw.endswith(b"\n")
                if complete:
                    raw = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
                elif raw.endswith(b"\r"):
                    raw = raw[:-1]
                if raw.isascii():
                    yield number, raw.decode("ascii"), complete, True
                    continue
                if cp1252:
                    text = _cp1252(raw)
                    yield (number, text, complete, True) if text is not None else (number, _shown(raw), complete, False)
                    continue
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    text = None if proven_utf8 else _cp1252(raw)
                    if text is None:
                        yield number, _shown(raw), complete, False
                        continue
                    cp1252 = True
                    self.encoding = "cp1252"
                    self.fallback_line = number
                    yield number, text, complete, True
                    continue
                proven_utf8 = True
                yield number, text, complete, True


def _cp1252(raw: bytes) -> str | None:
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _shown(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")
