"""Building the embedded index: rows prepared in worker processes or in a thread give the same file
content, the first practitioner of each id wins across parts, and a failing source leaves nothing behind."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from math import isclose

import pytest

from directory.record_files import RecordFile
from directory.model import Address, Location, Practitioner
from directory.records import practitioner_from_dict, practitioner_to_dict
from directory.sqlite_cells import cell_of, unit_vector
from directory.sqlite_rows import COLUMNS, BODY_COLUMNS, prepared_part, staged_row
from directory.sqlite_schema import build_index_file
from directory.text_matching import search_fields

from tests.contract.dataset import contract_population

TABLES = ("practitioner", "practitioner_body", "cell_range", "practitioner_specialty")


def _write_records(path, practitioners) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for practitioner in practitioners:
            handle.write(json.dumps(practitioner_to_dict(practitioner), ensure_ascii=False) + "\n")


def _content(path) -> dict:
    """What queries read: every table's rows, facet keys replaced by the combination they stand for."""
    connection = sqlite3.connect(path)
    combinations = {row[0]: row[1:] for row in connection.execute("SELECT * FROM facet_combination")}
    content = {table: connection.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() for table in TABLES}
    content["practitioner"] = [(row[0], combinations[row[1]], *row[2:]) for row in content["practitioner"]]
    content["facet_combination"] = sorted(combinations.values())
    content["text"] = connection.execute(
        "SELECT rowid FROM practitioner_text WHERE practitioner_text MATCH 'ma*' ORDER BY rowid").fetchall()
    content["meta"] = connection.execute(
        "SELECT key, value FROM meta WHERE key NOT IN ('built_at') ORDER BY key").fetchall()
    connection.close()
    return content


@pytest.fixture(scope="module")
def contract_population_list():
    return contract_population()


@pytest.fixture(scope="module")
def records_with_duplicates(tmp_path_factory, generated_population):
    """A record file whose later lines repeat earlier ids with other content (the first must win)."""
    later_duplicates = [replace(practitioner, nom="DOUBLON", profession="70")
                        for practitioner in generated_population[::97]]
    path = tmp_path_factory.mktemp("records") / "practitioners.jsonl"
    _write_records(path, [*generated_population, *later_duplicates])
    return path


def test_a_record_file_is_cut_into_parts_of_whole_lines_that_read_it_all_in_order(records_with_duplicates):
    whole = RecordFile(records_with_duplicates)
    parts = RecordFile(records_with_duplicates, chunk_bytes=10_000).chunks()
    assert len(parts) > 50
    assert [practitioner for part in parts for practitioner in part] == list(whole)


def test_an_index_built_from_parts_read_in_worker_processes_is_the_one_read_in_order(tmp_path, records_with_duplicates):
    practitioners = list(RecordFile(records_with_duplicates))
    in_order = build_index_file(tmp_path / "in-order.sqlite3", iter(practitioners), data_date="d", demo=False)
    in_parts = build_index_file(tmp_path / "in-parts.sqlite3", RecordFile(records_with_duplicates, chunk_bytes=20_000),
                                data_date="d", demo=False)
    assert in_parts == in_order
    assert in_order.documents == len({practitioner.id for practitioner in practitioners}) == 3000
    assert _content(tmp_path / "in-parts.sqlite3") == _content(tmp_path / "in-order.sqlite3")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in-order.sqlite3", "in-parts.sqlite3"]


def test_the_first_practitioner_of_an_id_wins_even_in_another_part(tmp_path, records_with_duplicates):
    build_index_file(tmp_path / "index.sqlite3", RecordFile(records_with_duplicates, chunk_bytes=20_000),
                     data_date=None, demo=False)
    connection = sqlite3.connect(tmp_path / "index.sqlite3")
    assert connection.execute("SELECT COUNT(*) FROM practitioner_body WHERE nom = 'DOUBLON'").fetchone() == (0,)


def test_cell_ranges_and_facet_keys_describe_the_rows_they_stand_for(tmp_path, records_with_duplicates):
    build_index_file(tmp_path / "index.sqlite3", RecordFile(records_with_duplicates, chunk_bytes=20_000),
                     data_date=None, demo=False)
    connection = sqlite3.connect(tmp_path / "index.sqlite3")
    assert connection.execute("SELECT * FROM cell_range ORDER BY profession, cell").fetchall() == connection.execute(
        "SELECT profession, cell, MIN(doc), MAX(doc), COUNT(*) FROM practitioner GROUP BY profession, cell "
        "ORDER BY profession, cell").fetchall()
    mismatched = connection.execute(
        "SELECT COUNT(*) FROM practitioner p JOIN facet_combination f ON f.id = p.facet_key WHERE NOT ("
        "f.profession = p.profession AND f.sector = coalesce(p.sector, '') AND f.specialties = p.specialties "
        "AND f.mode = coalesce(p.mode, '') AND f.optam = coalesce(p.optam, -1) "
        "AND f.carte_vitale = coalesce(p.carte_vitale, -1))").fetchone()[0]
    assert mismatched == 0
    assert connection.execute("SELECT COUNT(*) FROM practitioner WHERE facet_key NOT IN "
                              "(SELECT id FROM facet_combination)").fetchone() == (0,)


def test_progress_is_reported_as_rows_are_written_up_to_the_total(tmp_path, records_with_duplicates):
    seen = []
    build_index_file(tmp_path / "index.sqlite3", RecordFile(records_with_duplicates, chunk_bytes=50_000),
                     data_date=None, demo=False, on_progress=seen.append)
    assert len(seen) > 1 and seen == sorted(seen) and seen[-1] == 3000


@pytest.mark.parametrize("chunk_bytes", [20_000, 10**9], ids=["worker processes", "one part"])
def test_an_unreadable_line_fails_the_load_and_keeps_the_previous_index(tmp_path, records_with_duplicates, chunk_bytes):
    index = tmp_path / "index.sqlite3"
    build_index_file(index, RecordFile(records_with_duplicates), data_date="previous", demo=False)
    broken = tmp_path / "broken.jsonl"
    lines = records_with_duplicates.read_text(encoding="utf-8").splitlines(keepends=True)
    broken.write_text("".join(lines[:2000] + ["{not json\n"] + lines[2000:]), encoding="utf-8")
    with pytest.raises(json.JSONDecodeError):
        build_index_file(index, RecordFile(broken, chunk_bytes=chunk_bytes), data_date="broken", demo=False)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["broken.jsonl", "index.sqlite3"]
    connection = sqlite3.connect(index)
    assert connection.execute("SELECT value FROM meta WHERE key = 'data_date'").fetchone() == ("previous",)


def test_a_staged_row_holds_the_cell_unit_vector_and_search_fields_of_the_practitioner(generated_population):
    for practitioner in generated_population[:300]:
        row = dict(zip(("facet_alias", *COLUMNS, *BODY_COLUMNS), staged_row(practitioner, 7)))
        lat, lon = practitioner.location.lat, practitioner.location.lon
        assert row["cell"] == cell_of(lat, lon)
        assert all(isclose(a, b, abs_tol=1e-15) for a, b in zip((row["x"], row["y"], row["z"]), unit_vector(lat, lon)))
        fields = search_fields(practitioner)
        assert (row["nom_norm"], row["prenom_norm"], row["labels_norm"]) == (fields["nom"], fields["prenom"], fields["labels"])
        assert row["facet_alias"] == 7 and row["id"] == practitioner.id and row["nom"] == practitioner.nom


def test_a_prepared_part_keeps_the_first_of_each_id_and_counts_its_rows_per_cell(generated_population):
    first, second = generated_population[:2]
    part = prepared_part(3, [first, second, replace(first, nom="DOUBLON")])
    assert [row[1] for row in part.rows] == [first.id, second.id]
    assert sum(count for counts in part.cell_counts.values() for count in counts.values()) == 2
    assert {row[0] for row in part.rows} <= {3 * (1 << 24) + index for index in range(len(part.combinations))}


def test_a_record_read_back_is_the_practitioner_written_field_for_field(generated_population, contract_population_list):
    for practitioner in [*generated_population[:500], *contract_population_list]:
        assert practitioner_from_dict(practitioner_to_dict(practitioner)) == practitioner


def test_a_record_without_its_optional_fields_reads_as_unknown_values():
    record = {"id": "1-1", "person_id": "1", "nom": "N", "profession": "10", "address": {},
              "location": {"lat": "45.5", "lon": 4}}
    assert practitioner_from_dict(record) == Practitioner(
        id="1-1", person_id="1", rpps=None, civilite=None, nom="N", prenom=None, profession="10", specialties=(),
        sector=None, optam=None, carte_vitale=None, mode=None, address=Address(None, None, None, None, None),
        phone=None, location=Location(45.5, 4.0, "municipality"), site_name=None)
