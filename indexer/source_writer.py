"""What the writers of the real source formats share: a file created with its folders, rows counted."""
from __future__ import annotations

from pathlib import Path


class SourceFileWriter:
    """A source file written row by row, UTF-8 with BOM as the real files are; closed on leaving a ``with``."""

    def __init__(self, path: Path, *, newline: str):
        self.path = Path(path)
        self.count = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = self.path.open("w", encoding="utf-8-sig", newline=newline)

    def close(self) -> None:
        self._handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *_) -> None:
        self.close()
