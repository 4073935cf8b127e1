"""``annuaire generate`` and ``annuaire index``: deterministic demonstration data, loaded with a report."""
from __future__ import annotations

import json
import re
from collections import Counter

from click.testing import CliRunner

from directory.backend import open_backend
from directory.model import SearchQuery
from indexer.cli import main


def run(*args):
    result = CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)
    return result


def test_the_same_seed_generates_the_same_population(tmp_path):
    assert run("generate", "--size", 300, "--seed", 5, "--out", tmp_path / "a").exit_code == 0
    assert run("generate", "--size", 300, "--seed", 5, "--out", tmp_path / "b").exit_code == 0
    first = (tmp_path / "a" / "practitioners.jsonl").read_bytes()
    assert first == (tmp_path / "b" / "practitioners.jsonl").read_bytes()
    assert len(first.splitlines()) == 300


def test_the_generated_population_has_realistic_proportions(generated_population):
    professions = Counter(p.profession for p in generated_population)
    assert professions.most_common(2)[0][0] in {"60", "10"}
    general_practitioners = [p for p in generated_population if p.specialties == ("SM54",) and p.mode == "L"]
    specialists = [p for p in generated_population if p.profession == "10" and p.specialties != ("SM54",) and p.mode == "L"]
    gp_sector_1 = sum(p.sector == "1" for p in general_practitioners) / len(general_practitioners)
    specialist_sector_2 = sum(p.sector == "2" for p in specialists) / len(specialists)
    assert gp_sector_1 > 0.8 and specialist_sector_2 > 0.3
    assert all(p.optam is False for p in generated_population if p.sector == "1")
    assert any(p.optam for p in generated_population if p.sector == "2")
    assert len({p.person_id for p in generated_population}) < len(generated_population), "some people have two places"
    assert any(p.site_name for p in generated_population if p.mode == "S")


def test_practitioners_are_spread_by_population_over_real_communes(generated_population):
    from geodata.reference import load_reference

    reference = load_reference()
    communes = Counter(p.address.commune_code for p in generated_population)
    assert all(reference.commune(code) is not None for code in communes)
    paris = sum(count for code, count in communes.items() if code.startswith("751"))
    assert 0.02 < paris / len(generated_population) < 0.06


def test_index_loads_the_rows_and_reports_rejects_with_line_numbers(tmp_path):
    run("generate", "--size", 50, "--seed", 1, "--out", tmp_path)
    source = tmp_path / "practitioners.jsonl"
    lines = source.read_text(encoding="utf-8").splitlines()
    broken = json.loads(lines[1])
    broken["profession"] = "99"
    lines[1] = json.dumps(broken)
    lines.insert(3, "{not json")
    lines.append(lines[0])
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    url = f"sqlite://{tmp_path / 'index.sqlite3'}"
    result = run("index", source, "--backend", url, "--demo")
    assert result.exit_code == 0, result.output
    assert re.search(r"praticiens indexés\s+49\n", result.output)
    report = (tmp_path / "practitioners.rejets.csv").read_text(encoding="utf-8").splitlines()
    assert report[0] == "source;ligne;motif;contenu"
    assert report[1].startswith("practitioners.jsonl;2;profession: code profession inconnu")
    assert report[2].startswith("practitioners.jsonl;4;JSON invalide")
    backend = open_backend(url)
    assert re.search(r"doublons ignorés\s+1\n", result.output)
    assert backend.info().documents == 49 and backend.info().demo is True
    assert backend.search(SearchQuery()).total == 49


def test_index_if_empty_keeps_an_existing_index(tmp_path):
    run("generate", "--size", 20, "--seed", 1, "--out", tmp_path)
    url = f"sqlite://{tmp_path / 'index.sqlite3'}"
    run("index", tmp_path / "practitioners.jsonl", "--backend", url)
    result = run("index", tmp_path / "practitioners.jsonl", "--backend", url, "--if-empty")
    assert "index déjà présent (20 praticiens)" in result.output


def test_generated_addresses_use_postal_codes_the_reference_knows(generated_population):
    from geodata.reference import load_reference

    reference = load_reference()
    assert all(p.address.postal_code in reference.postal_codes for p in generated_population)
