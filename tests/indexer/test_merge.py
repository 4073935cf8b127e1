"""RPPS activity rows enriched with the ameli rows of the same person at the same place."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from directory.backend import open_backend
from directory.model import SearchQuery
from indexer.cli import main
from tests.malformed.make_corpus import ameli_row, ameli_text, rpps_lines, rpps_row, text_lines


def doctor(number, nom, prenom, place="rennes", **overrides):
    return rpps_row(number, nom, place, **{"Prénom d'exercice": prenom, **overrides})


def ameli(nom, prenom, place="rennes", **overrides):
    return ameli_row(nom, place, **{"ps_activite_prenom": prenom, "specialite_code": "01",
                                    "type_ps_code": "1", **overrides})


RPPS_ROWS = [
    doctor(1, "LEFÈVRE", "HÉLÈNE"),                                               # accents on one side only
    doctor(2, "DUPONT-MOREAU", "JEAN-PIERRE"),                                    # hyphens / spaces
    doctor(3, "MARTIN", "MARIE"),                                                 # a second first name in ameli
    doctor(4, "ROUX", "PAUL", **{"Code postal (coord. structure)": "35908",      # CEDEX code in the RPPS
                                 "Bureau cedex (coord. structure)": "35908 RENNES CEDEX"}),
    doctor(5, "BLANC", "LUC", **{"Code profession": "60", "Code type savoir-faire": "",
                                 "Code savoir-faire": ""}),                       # a nurse: not the ameli doctor
    doctor(6, "NOIR", "EVE"),                                                     # two places, same postal code
    doctor(6, "NOIR", "EVE", **{"Identifiant technique de la structure": "R-second-place",
                                "Numéro Voie (coord. structure)": "40"}),
    doctor(7, "VERT", "ALI", "lyon3"),                                            # RPPS only
]
AMELI_ROWS = [
    ameli("LEFEVRE", "Helene", secteur_conventionnel_code="3", option_tarifaire_code="OPTAM",
          coordonnees_telephone="02 99 00 00 01"),
    ameli("DUPONT MOREAU", "Jean Pierre", carte_vitale_code="N"),
    ameli("MARTIN", "Marie Claire"),
    ameli("ROUX", "Paul"),
    ameli("BLANC", "Luc"),
    ameli("NOIR", "Eve", secteur_conventionnel_code="2"),
    ameli("ZOLA", "Emile", "bastia"),                                             # ameli only
]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    directory = tmp_path_factory.mktemp("merge")
    rpps = directory / "PS_LibreAcces_Personne_activite_202601010000.txt"
    rpps.write_text(text_lines(rpps_lines(RPPS_ROWS)), encoding="utf-8")
    liste = directory / "liste-ps-2026.csv"
    liste.write_text(ameli_text(AMELI_ROWS), encoding="utf-8")
    url = f"sqlite://{directory / 'index.sqlite3'}"
    result = CliRunner().invoke(main, ["index", "--source", f"rpps={rpps}", "--source", f"ameli={liste}",
                                       "--backend", url])
    assert result.exit_code == 0, result.output + result.stderr
    backend = open_backend(url)
    practitioners = [hit.practitioner for hit in backend.search(SearchQuery(per_page=100, facets=False)).hits]
    yield result.output, backend, {(p.nom, p.rpps is None, p.address.line): p for p in practitioners}
    backend.close()


def by_name(practitioners, nom):
    return [p for key, p in practitioners.items() if key[0] == nom]


def test_names_match_across_accents_case_and_hyphens_and_bring_the_ameli_fields(loaded):
    _, _, practitioners = loaded
    helene, = by_name(practitioners, "LEFÈVRE")
    assert (helene.rpps, helene.prenom) == ("10000000001", "Hélène")
    assert (helene.sector, helene.optam, helene.carte_vitale, helene.phone) == ("2", True, True, "0299000001")
    jean_pierre, = by_name(practitioners, "DUPONT-MOREAU")
    assert (jean_pierre.sector, jean_pierre.carte_vitale) == ("1", False)


def test_a_second_first_name_or_a_cedex_postal_code_still_match(loaded):
    _, _, practitioners = loaded
    marie, = by_name(practitioners, "MARTIN")
    paul, = by_name(practitioners, "ROUX")
    assert marie.rpps and marie.sector == "1"
    assert paul.rpps and paul.sector == "1" and paul.address.postal_code == "35908"


def test_a_different_profession_does_not_match_and_both_are_kept(loaded):
    _, _, practitioners = loaded
    nurse, = [p for p in by_name(practitioners, "BLANC") if p.rpps]
    ameli_doctor, = [p for p in by_name(practitioners, "BLANC") if p.rpps is None]
    assert nurse.profession == "60" and nurse.sector is None
    assert ameli_doctor.profession == "10" and ameli_doctor.sector == "1"


def test_each_ameli_row_enriches_one_rpps_row_only(loaded):
    _, backend, practitioners = loaded
    places = by_name(practitioners, "NOIR")
    assert len(places) == 2 and sorted(str(p.sector) for p in places) == ["1-dp", "None"]


def test_a_persons_places_share_the_rpps_number_as_person_id(loaded):
    _, backend, practitioners = loaded
    first, second = by_name(practitioners, "NOIR")
    assert first.person_id == second.person_id == "10000000006" and first.id != second.id
    assert [p.id for p in backend.places_of(first.person_id)] == sorted([first.id, second.id])


def test_ameli_only_rows_are_indexed_without_rpps_number(loaded):
    _, _, practitioners = loaded
    zola, = by_name(practitioners, "ZOLA")
    assert zola.rpps is None and zola.id.startswith("ameli-") and zola.person_id == zola.id
    assert zola.address.commune_code == "2B033" and zola.location.precision == "municipality"
    vert, = by_name(practitioners, "VERT")
    assert vert.rpps == "10000000007" and vert.sector is None


def test_the_summary_gives_the_match_rate(loaded):
    output, _, practitioners = loaded
    assert len(practitioners) == 10
    assert re.search(r"praticiens indexés\s+10\n", output)
    assert re.search(r"RPPS \+ ameli\s+5 \(rapprochement : 71,4% des lignes ameli valides\)", output), output
    assert re.search(r"par clé : exact 3, prenom 1, commune 1", output), output
    assert re.search(r"ameli seul\s+2 \(rpps: null\)", output)
    assert re.search(r"au centre de la commune\s+10", output)


def test_rows_of_one_place_that_differ_by_specialty_give_one_practitioner_with_both(tmp_path):
    rows = [doctor(1, "ARNAUD", "JEAN"), doctor(1, "ARNAUD", "JEAN", **{"Code savoir-faire": "SM57"}),
            doctor(1, "ARNAUD", "JEAN"), doctor(2, "BERTIN", "LEA")]
    source = tmp_path / "PS_LibreAcces_Personne_activite_202601010000.txt"
    source.write_text(text_lines(rpps_lines(rows)), encoding="utf-8")
    url = f"sqlite://{tmp_path / 'index.sqlite3'}"
    result = CliRunner().invoke(main, ["index", str(source), "--backend", url])
    assert result.exit_code == 0, result.output + result.stderr
    assert re.search(r"spécialités regroupées\s+1 ", result.output)
    assert re.search(r"doublons ignorés\s+1\n", result.output), "the repeated row is a duplicate"
    backend = open_backend(url)
    arnaud, = backend.places_of("10000000001")
    assert arnaud.specialties == ("SM54", "SM57") and backend.info().documents == 2
    backend.close()


def test_a_second_first_name_on_the_rpps_side_matches_too():
    from directory.model import Address, Location, Practitioner
    from indexer.merge import AmeliIndex
    from indexer.transform import AmeliRow, Place

    place = Place("35238", "Rennes", "35", "35000")
    index = AmeliIndex()
    for line, prenom in ((2, "Marie"), (3, "Marie-Hélène")):
        index.add(AmeliRow(line, f"row {line}", "Mme", "Roux", prenom, "60", (), "1", False, True, None, None,
                           None, place))

    def rpps_nurse(prenom):
        return Practitioner("x", "x", "10000000001", "Mme", "ROUX", prenom, "60", (), None, None, None, "L",
                            Address(None, "35000", "Rennes", "35238", "35"), None, Location(48.1, -1.7))

    assert index.take(rpps_nurse("Marie Claire"))[0] == "prenom"
    assert index.take(rpps_nurse("Marie Claire")) is None, "each ameli row is used once"
    assert index.take(rpps_nurse("Marie Louise")) is None, "not two different second first names"
    assert index.take(rpps_nurse("MARIE HELENE"))[0] == "exact"


def test_the_detail_endpoint_lists_the_persons_other_places(loaded):
    from api.app import create_app

    _, backend, practitioners = loaded
    first, second = by_name(practitioners, "NOIR")
    client = create_app({"backend": f"sqlite://{backend.path}"}).test_client()
    body = client.get(f"/api/v1/practitioners/{first.id}").get_json()
    assert body["rpps"] == "10000000006"
    assert [place["id"] for place in body["other_places"]] == [second.id]
