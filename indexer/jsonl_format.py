"""The project's own JSON Lines format: one practitioner record (see ``directory.records``) per line."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from marshmallow import ValidationError

from directory.model import Practitioner
from directory.record_schema import PractitionerRecordSchema, first_error
from directory.records import practitioner_to_dict

from .rejects import Reject

SOURCE = "jsonl"


def write_jsonl(practitioners: Iterable[Practitioner], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for practitioner in practitioners:
            handle.write(json.dumps(practitioner_to_dict(practitioner), ensure_ascii=False, separators=(",", ":")))
            handle.write("\n")
            count += 1
    return count


class JsonlReader:
    """Streams ``(line_number, text)`` of a JSON Lines file; ``position`` tells the bytes read so far."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.size = self.path.stat().st_size
        self.position = 0

    def fraction(self) -> float | None:
        return self.position / self.size if self.size else None

    def rows(self) -> Iterator[tuple[int, str]]:
        with self.path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                self.position += len(raw)
                yield number, raw.decode("utf-8", errors="replace").rstrip("\r\n")


def parse_jsonl_rows(rows: Iterable[tuple[int, str]], source: str = SOURCE) -> Iterator[Practitioner | Reject]:
    """Each line as a validated practitioner, or a :class:`Reject` saying why not. Blank lines are skipped."""
    schema = PractitionerRecordSchema()
    for number, text in rows:
        if not text.strip():
            continue
        if "\ufffd" in text:
            yield Reject.of(source, number, "octets non décodables (UTF-8 attendu)", text)
            continue
        try:
            data = json.loads(text)
        except ValueError:
            yield Reject.of(source, number, "JSON invalide", text)
            continue
        if not isinstance(data, dict):
            yield Reject.of(source, number, "objet JSON attendu", text)
            continue
        try:
            yield schema.load(data)
        except ValidationError as error:
            yield Reject.of(source, number, first_error(error.messages), text)
