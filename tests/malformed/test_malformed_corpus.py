"""The malformed-input corpus, end to end through ``annuaire index``: each file gives exactly its expected report.

For every file: the exit code; the rejects and warnings of the report (line and reason);
the duplicates counted; and that every valid row of the file was indexed (the names in the
live index). A file that cannot be loaded at all exits 1 with a one-line French message and
leaves the live index as it was.
"""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from directory.backend import open_backend
from directory.model import SearchQuery
from indexer.cli import main
from indexer.load_summary import warning_category
from indexer.transform import reason_category

from . import make_corpus

HERE = Path(__file__).resolve().parent
CASES = sorted(path.name.removesuffix(".expected.json") for path in HERE.glob("*.expected.json"))


def test_the_corpus_has_at_least_twenty_files_of_each_kind_of_source():
    assert len(CASES) >= 20
    sources = {json.loads((HERE / f"{name}.expected.json").read_text(encoding="utf-8"))["source"] for name in CASES}
    assert {"rpps", "ameli", "jsonl", None} <= sources


def test_corpus_files_are_what_this_script_writes(tmp_path):
    make_corpus.write_corpus(tmp_path)
    for written in sorted(tmp_path.iterdir()):
        assert written.read_bytes() == (HERE / written.name).read_bytes(), written.name


def indexed_names(url: str) -> list[str]:
    backend = open_backend(url)
    try:
        return sorted(hit.practitioner.nom for hit in backend.search(SearchQuery(per_page=100, facets=False)).hits)
    finally:
        backend.close()


def report_entries(path: Path) -> tuple[list[list], list[list]]:
    rejects, warnings = [], []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter=";")
        assert next(rows) == ["source", "ligne", "motif", "contenu"]
        for source, line, reason, raw in rows:
            if reason.startswith("avertissement : "):
                for message in reason.removeprefix("avertissement : ").split(" ; "):
                    warnings.append([int(line), warning_category(message)])
            else:
                assert raw, "a reject shows the raw row"
                rejects.append([int(line), reason_category(reason)])
    return rejects, warnings


def preload(url: str, tmp_path: Path) -> None:
    """A live index of one practitioner, to see that a refused file leaves it alone."""
    source = tmp_path / "live.jsonl"
    source.write_text(make_corpus.jsonl_text([make_corpus.jsonl_record(99, "VIVANT")]), encoding="utf-8")
    result = CliRunner().invoke(main, ["index", str(source), "--backend", url, "--rejects", str(tmp_path / "live.csv")])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", CASES)
def test_annuaire_index_gives_the_expected_report(name, tmp_path):
    expected = json.loads((HERE / f"{name}.expected.json").read_text(encoding="utf-8"))
    url = f"sqlite://{tmp_path / 'index.sqlite3'}"
    if expected["exit_code"]:
        preload(url, tmp_path)
    data = HERE / expected["file"]
    target = [f"--source={expected['source']}={data}"] if expected["source"] else [str(data)]
    report = tmp_path / "rejets.csv"
    result = CliRunner().invoke(main, ["index", *target, "--backend", url, "--rejects", str(report)])

    assert result.exit_code == expected["exit_code"], result.output + result.stderr
    if expected["exit_code"]:
        message = result.stderr.rsplit("\r", 1)[-1].strip()  # after the progress line, wiped
        assert "\n" not in message and message.startswith("erreur : ") and expected["message"] in message, message
        assert "Traceback" not in result.output
        assert indexed_names(url) == ["VIVANT"], "the live index is kept"
        return
    rejects, warnings = report_entries(report)
    assert rejects == expected["rejects"]
    assert warnings == expected["warnings"]
    assert indexed_names(url) == expected["indexed"], "every valid row is indexed"
    duplicates = re.search(r"doublons ignorés\s+(\d+)", result.output)
    assert duplicates and int(duplicates.group(1)) == expected["duplicates"], result.output
