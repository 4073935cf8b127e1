"""The reject report written as the load goes, and the summary table printed at its end."""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from .merge import MergeStats
from .rejects import LoadReport, Reject, Warning_
from .transform import reason_category


class StreamingReport(LoadReport):
    """A :class:`LoadReport` that writes each reject and warning to the CSV report as it comes.

    Memory does not grow with the number of bad rows: only counts by reason are kept (and the
    first few entries, for messages).
    """

    KEPT = 1000

    def __init__(self, path: Path):
        super().__init__()
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = self.path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle, delimiter=";")
        self._writer.writerow(["source", "ligne", "motif", "contenu"])
        self.rejected = 0
        self.reasons: Counter = Counter()
        self.warning_count = 0
        self.warning_reasons: Counter = Counter()

    def reject(self, reject: Reject) -> None:
        self.rejected += 1
        self.reasons[reason_category(reject.reason)] += 1
        if len(self.rejects) < self.KEPT:
            self.rejects.append(reject)
        self._writer.writerow([reject.source, reject.line, reject.reason, reject.raw])

    def warn(self, warning: Warning_) -> None:
        self.warning_count += 1
        for message in warning.message.split(" ; "):
            self.warning_reasons[warning_category(message)] += 1
        if len(self.warnings) < self.KEPT:
            self.warnings.append(warning)
        self._writer.writerow([warning.source, warning.line, f"avertissement : {warning.message}", ""])

    @property
    def rejected_by_reason(self) -> Counter:
        return self.reasons

    def close(self) -> Path:
        self._handle.close()
        return self.path


def warning_category(message: str) -> str:
    head = message.split(" : ", 1)[0]
    if head.startswith("code postal ") and "ne correspond pas" in message:
        return "code postal ne correspondant pas à la commune"
    if head.startswith("fichier en Windows-1252"):
        return "fichier en Windows-1252"
    return head


def _number(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _row(label: str, value: int, note: str = "") -> str:
    return f"{label:<26} {_number(value):>10}{note}"


def summary_lines(report: StreamingReport, stats: MergeStats, precisions: Counter) -> list[str]:
    """The closing table: files read, indexed (merged or not), duplicates, rejects and warnings by reason,
    geocoding precision."""
    lines = [f"{'fichier':<44} {'format':<6} {'lignes':>10} {'rejetées':>10}"]
    for source in stats.sources:
        lines.append(f"{source.name[:44]:<44} {source.kind:<6} {_number(source.rows):>10} {_number(source.rejected):>10}")
    lines.append(_row("lignes lues", stats.rows))
    lines.append(_row("praticiens indexés", report.indexed))
    if stats.rpps_valid or stats.ameli_valid:
        rate = stats.match_rate
        rate_text = f" (rapprochement : {rate:.1%} des lignes ameli valides)".replace(".", ",") if rate is not None else ""
        lines.append(_row("  · RPPS + ameli", stats.merged, rate_text))
        by_key = ", ".join(f"{name} {_number(count)}" for name, count in stats.merged_by_key.items() if count)
        if by_key:
            lines.append(f"{'':<26} {'':>10} par clé : {by_key}")
        lines.append(_row("  · RPPS seul", stats.rpps_valid - stats.merged))
        lines.append(_row("  · ameli seul", stats.ameli_only, " (rpps: null)"))
    if stats.specialty_rows_grouped:
        lines.append(_row("  · spécialités regroupées", stats.specialty_rows_grouped,
                          " (lignes d'un même lieu, une par savoir-faire)"))
    lines.append(_row("doublons ignorés", report.duplicates))
    lines.append(_row("lignes rejetées", report.rejected))
    for reason, count in report.reasons.most_common():
        lines.append(f"  · {reason} : {_number(count)}")
    lines.append(_row("avertissements", report.warning_count))
    for reason, count in report.warning_reasons.most_common():
        lines.append(f"  · {reason} : {_number(count)}")
    lines.append("géolocalisation")
    labels = {"address": "à l'adresse", "municipality": "au centre de la commune"}
    for precision, count in sorted(precisions.items()):
        lines.append(_row(f"  · {labels.get(precision, precision)}", count))
    return lines
