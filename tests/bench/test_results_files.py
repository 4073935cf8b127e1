"""Benchmark results: one file per date, backend and size, and the newest of each in the report."""
from __future__ import annotations

import json

from bench.report import latest_results, result_file_name


def test_the_reference_size_keeps_the_short_name_and_other_sizes_carry_theirs():
    assert result_file_name("2026-11-28", "sqlite", 1_000_000) == "2026-11-28-sqlite.json"
    assert result_file_name("2026-11-28", "elasticsearch", 2_000_000) == "2026-11-28-elasticsearch-2000000.json"


def test_the_report_keeps_the_newest_result_of_each_backend_at_each_size(tmp_path):
    for day, backend, size in [("2026-11-27", "sqlite", 1_000_000), ("2026-11-28", "sqlite", 1_000_000),
                               ("2026-11-28", "elasticsearch", 1_000_000), ("2026-11-28", "elasticsearch", 2_000_000)]:
        (tmp_path / result_file_name(day, backend, size)).write_text(
            json.dumps({"backend": backend, "size": size, "date": day}), encoding="utf-8")
    (tmp_path / "geodata-load.json").write_text("{}", encoding="utf-8")
    latest = latest_results(tmp_path)
    assert sorted(latest) == ["elasticsearch", "elasticsearch 2000000", "sqlite"]
    assert latest["sqlite"]["date"] == "2026-11-28"
    assert latest["elasticsearch 2000000"]["file"] == "2026-11-28-elasticsearch-2000000.json"


def test_the_report_ends_with_the_hand_written_notes_when_there_are_some(tmp_path):
    from bench.report import NOTES_FILE, write_report

    results, docs = tmp_path / "results", tmp_path / "docs"
    results.mkdir()
    docs.mkdir()
    (docs / NOTES_FILE).write_text("## Profils\n\nLe tri des facettes domine.\n", encoding="utf-8")
    report = write_report(results, docs).read_text(encoding="utf-8")
    assert report.startswith("# Benchmarks")
    assert report.rstrip().endswith("Le tri des facettes domine.")
