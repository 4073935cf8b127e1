"""Communes, municipal arrondissements, postal codes and commune aliases from the shipped files."""
from __future__ import annotations

import subprocess
import sys

from directory.normalize import normalize_text
from geodata.communes import read_communes
from geodata.reference import DEFAULT_DATA_DIR


def test_municipal_arrondissements_are_communes_with_population_and_postal_code(reference):
    arrondissements = [c for c in reference.communes.values() if c.type == "arrondissement-municipal"]
    assert len(arrondissements) == 20 + 9 + 16
    paris_11 = reference.commune("75111")
    assert paris_11.name == "Paris 11e Arrondissement"
    assert paris_11.parent == "75056" and paris_11.postal_codes == ("75011",)
    assert paris_11.population > 100_000 and paris_11.lat is not None
    assert reference.commune("69381").parent == "69123"
    assert reference.commune("13201").postal_codes == ("13001",)


def test_paris_lyon_and_marseille_are_there_as_communes_too(reference):
    for code, name in [("75056", "Paris"), ("69123", "Lyon"), ("13055", "Marseille")]:
        commune = reference.commune(code)
        assert commune.name == name and commune.type == "commune-actuelle"
        assert len(commune.postal_codes) >= 9


def test_a_postal_code_of_paris_gives_its_arrondissement_not_the_whole_city(reference):
    assert [c.code for c in reference.communes_for_postal_code("75011")] == ["75111"]
    assert [c.code for c in reference.communes_for_postal_code("69003")] == ["69383"]


def test_a_postal_code_can_cover_communes_of_two_departements(reference):
    departements = {c.departement for c in reference.communes_for_postal_code("05110")}
    assert departements == {"04", "05"}


def test_communes_of_a_postal_code_come_largest_first(reference):
    populations = [c.population for c in reference.communes_for_postal_code("20000")]
    assert populations == sorted(populations, reverse=True)
    assert reference.communes_for_postal_code("20000")[0].code == "2A004"


def test_an_unknown_postal_code_or_commune_gives_nothing(reference):
    assert reference.communes_for_postal_code("99999") == []
    assert reference.communes_for_postal_code(None) == []
    assert reference.commune("99999") is None and reference.commune(None) is None


def test_a_delegated_commune_code_leads_to_its_current_commune(reference):
    assert reference.commune("14300") is None
    assert reference.current_commune("14300").code == reference.commune_aliases["14300"]
    assert reference.current_commune("75111").code == "75111"


def test_every_postal_entry_names_a_known_commune_with_its_libelle_acheminement(reference):
    for code, entries in reference.postal_codes.items():
        for entry in entries:
            assert entry.commune_code in reference.communes
            assert code in reference.communes[entry.commune_code].postal_codes
            assert entry.libelle_acheminement


def test_stored_search_names_match_the_one_normalization(reference):
    """If this fails, normalize_text changed: rebuild with python -m geodata.build_reference."""
    communes, search_names = read_communes(reference.data_dir)
    mismatches = [code for code, commune in communes.items() if search_names[code] != normalize_text(commune.name)]
    assert mismatches == []


def test_the_derived_files_stay_compact():
    sizes = {path.name: path.stat().st_size for path in DEFAULT_DATA_DIR.iterdir()}
    assert sum(sizes.values()) < 3_000_000, sizes


def test_importing_geodata_reads_no_file():
    code = ("import builtins, gzip; opened = []\n"
            "real = builtins.open\n"
            "builtins.open = lambda *a, **k: opened.append(a[0]) or real(*a, **k)\n"
            "import geodata, geodata.reference, geodata.places, geodata.cpam, geodata.geocoding\n"
            "data = [p for p in opened if 'geodata/data' in str(p)]\n"
            "assert not data, data")
    subprocess.run([sys.executable, "-c", code], check=True)
