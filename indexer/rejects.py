"""Rows that cannot be used: each one reported with its line number and reason, never dropped silently."""
from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

RAW_PREVIEW_CHARS = 300


@dataclass(frozen=True, slots=True)
class Reject:
    source: str
    line: int
    reason: str
    raw: str = ""

    @classmethod
    def of(cls, source: str, line: int, reason: str, raw: str = "") -> "Reject":
        return cls(source, line, reason, raw[:RAW_PREVIEW_CHARS])


@dataclass(frozen=True, slots=True)
class Warning_:
    """A usable row with something worth telling (kept and indexed)."""

    source: str
    line: int
    message: str


@dataclass
class LoadReport:
    """What a load read, indexed, merged, rejected and warned about."""

    read: int = 0
    indexed: int = 0
    duplicates: int = 0
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    counters: Counter = field(default_factory=Counter)

    def reject(self, reject: Reject) -> None:
        self.rejects.append(reject)

    def warn(self, warning: Warning_) -> None:
        self.warnings.append(warning)

    @property
    def rejected_by_reason(self) -> Counter:
        return Counter(reject.reason for reject in self.rejects)

    def write_rejects(self, path: Path) -> Path:
        """The reject report as CSV: source, line, reason, raw row (cut)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(["source", "ligne", "motif", "contenu"])
            for entry in self.rejects:
                writer.writerow([entry.source, entry.line, entry.reason, entry.raw])
            for warning in self.warnings:
                writer.writerow([warning.source, warning.line, f"avertissement : {warning.message}", ""])
        return path

    def summary_lines(self) -> list[str]:
        lines = [f"lignes lues            {self.read:>10,}".replace(",", " "),
                 f"praticiens indexés     {self.indexed:>10,}".replace(",", " "),
                 f"doublons ignorés       {self.duplicates:>10,}".replace(",", " "),
                 f"lignes rejetées        {len(self.rejects):>10,}".replace(",", " ")]
        for reason, count in self.rejected_by_reason.most_common():
            lines.append(f"  · {reason} : {count}")
        if self.warnings:
            lines.append(f"avertissements         {len(self.warnings):>10,}".replace(",", " "))
        for name, count in sorted(self.counters.items()):
            lines.append(f"{name:<22} {count:>10,}".replace(",", " "))
        return lines
