"""``annuaire generate --format rpps,ameli,jsonl``: the same synthetic people as the real files would publish them."""
from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict

import pytest
from click.testing import CliRunner

from directory.backend import open_backend
from directory.normalize import normalize_text
from indexer import rpps_format
from indexer.cli import main

RPPS_FILE = "PS_LibreAcces_Personne_activite_synthetique.txt"
AMELI_FILE = "liste-ps-synthetique.csv"


def run(*args):
    result = CliRunner().invoke(main, [str(arg) for arg in args])
    assert result.exit_code == 0, result.output + result.stderr
    return result


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated")
    run("generate", "--size", 3000, "--seed", 8, "--format", "rpps,ameli,jsonl", "--out", out)
    with (out / RPPS_FILE).open(encoding="utf-8-sig") as handle:
        rpps = [line.rstrip("\n").split("|")[:-1] for line in handle][1:]
    with (out / AMELI_FILE).open(encoding="utf-8-sig", newline="") as handle:
        ameli = list(csv.DictReader(handle, delimiter=";"))
    return out, [dict(zip(rpps_format.COLUMNS, row)) for row in rpps], ameli


def test_the_same_seed_writes_the_same_files_whichever_formats_are_asked(generated, tmp_path):
    out, _, _ = generated
    run("generate", "--size", 3000, "--seed", 8, "--format", "rpps", "--out", tmp_path / "rpps-only")
    run("generate", "--size", 3000, "--seed", 8, "--format", "ameli,jsonl", "--out", tmp_path / "others")
    assert (tmp_path / "rpps-only" / RPPS_FILE).read_bytes() == (out / RPPS_FILE).read_bytes()
    assert (tmp_path / "others" / AMELI_FILE).read_bytes() == (out / AMELI_FILE).read_bytes()
    assert (tmp_path / "others" / "practitioners.jsonl").read_bytes() == (out / "practitioners.jsonl").read_bytes()


def test_the_rpps_extract_has_what_real_extracts_have(generated):
    out, rpps, _ = generated
    assert (out / RPPS_FILE).read_bytes().startswith(b"\xef\xbb\xbf" + "|".join(rpps_format.COLUMNS).encode() + b"|")
    assert all(len(row) == 56 for row in rpps)
    places = Counter(row["Identification nationale PP"] for row in rpps)
    assert sum(count > 1 for count in places.values()) > 50, "people with several activity places"
    hospital = [row for row in rpps if row["Code mode exercice"] == "S" and row["Raison sociale site"]]
    assert len(hospital) > 100 and any(row["Numéro FINESS site"] for row in hospital)
    sections = Counter(row["Code section tableau pharmaciens"] for row in rpps
                       if row["Code profession"] == "21" and row["Code postal (coord. structure)"])
    assert {"A", "D"} <= set(sections) and "" not in sections
    assert not any(row["Code section tableau pharmaciens"] for row in rpps if row["Code profession"] != "21")
    assert any(row["Type d'identifiant PP"] == "0" for row in rpps), "ADELI identifiers"
    assert any(row["Bureau cedex (coord. structure)"].endswith("CEDEX") for row in rpps)


def test_the_ameli_export_lists_libéral_practice_with_name_variants_and_people_missing_from_one_side(generated):
    _, rpps, ameli = generated
    assert ameli and all(row["secteur_conventionnel_code"] in {"0", "1", "2", "3"} for row in ameli)
    assert {row["option_tarifaire_code"] for row in ameli} >= {"", "OPTAM"}
    rpps_names = defaultdict(set)
    for row in rpps:
        rpps_names[(normalize_text(row["Nom d'exercice"]), row["Code postal (coord. structure)"])].add(
            row["Nom d'exercice"])
    spelled_otherwise = missing_from_rpps = 0
    for row in ameli:
        found = rpps_names.get((normalize_text(row["ps_activite_nom"]), row["coordonnees_code_postal"]))
        if found is None:
            missing_from_rpps += 1
        elif row["ps_activite_nom"] not in found:
            spelled_otherwise += 1
    assert spelled_otherwise > 10, "accents or hyphens differ between the sources"
    assert missing_from_rpps > 5, "some ameli rows have no RPPS counterpart"
    libéral = sum(row["Code mode exercice"] == "L" for row in rpps)
    assert len(ameli) < libéral, "some libéral places are missing from ameli"


def test_the_generated_pair_loads_with_a_high_match_rate(generated, tmp_path):
    out, rpps, ameli = generated
    url = f"sqlite://{tmp_path / 'index.sqlite3'}"
    result = run("index", "--source", f"rpps={out / RPPS_FILE}", "--source", f"ameli={out / AMELI_FILE}",
                 "--backend", url)
    rate = float(re.search(r"rapprochement : ([\d,]+)%", result.output).group(1).replace(",", "."))
    assert rate > 95
    without_place = sum(not row["Code postal (coord. structure)"] for row in rpps)
    assert 0 < without_place < len(rpps) * 0.05
    assert re.search(rf"lignes rejetées\s+{without_place}\n  · adresse sans code postal ni code commune : "
                     rf"{without_place}\n", result.output), result.output
    documents = open_backend(url).info().documents
    assert len(rpps) - without_place <= documents < 3000 * 1.03


def test_the_older_52_column_layout_can_be_written_and_read(tmp_path):
    run("generate", "--size", 200, "--seed", 2, "--format", "rpps", "--rpps-columns", "52", "--out", tmp_path)
    header = (tmp_path / RPPS_FILE).read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.count("|") == 52 and header.endswith("Libellé section tableau pharmaciens|")
    url = f"sqlite://{tmp_path / 'index.sqlite3'}"
    result = run("index", tmp_path / RPPS_FILE, "--backend", url)
    assert not re.search(r"  · (?!adresse sans code postal ni code commune)[^\n]* : \d+\n", result.output.split(
        "lignes rejetées")[1].split("avertissements")[0]), result.output
    assert open_backend(url).info().documents > 190
