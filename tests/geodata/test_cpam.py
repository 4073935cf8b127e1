"""Which caisse serves a postal code or a commune (contract: GET /api/v1/cpam), and how offices
are grouped into caisses."""
from __future__ import annotations

import pytest

from geodata.build_cpam import split_published_name
from geodata.cpam import BY_NEAREST_OFFICE, BY_OVERRIDE, CpamDirectory


def caisse_names(answer):
    return [caisse["name"] for caisse in answer["caisses"]]


def test_75011_is_served_by_the_paris_caisse(reference):
    answer = reference.cpam_for_postal_code("75011")
    assert answer["communes"] == [{"code": "75111", "name": "Paris 11e Arrondissement"}]
    assert caisse_names(answer) == ["CPAM de Paris"]
    assert answer["approximate"] is False


def test_20000_is_served_by_the_corse_du_sud_caisse(reference):
    assert caisse_names(reference.cpam_for_postal_code("20000")) == ["CPAM de la Corse-du-Sud"]


def test_haute_corse_has_its_own_caisse(reference):
    assert [c["id"] for c in reference.cpam_for_postal_code("20200")["caisses"]] == ["cpam-corse"]


def test_97400_is_served_by_the_reunion_caisse(reference):
    assert caisse_names(reference.cpam_for_postal_code("97400")) == ["CGSS de La Réunion"]


def test_05110_spanning_two_departements_lists_both_caisses(reference):
    ids = {caisse["id"] for caisse in reference.cpam_for_postal_code("05110")["caisses"]}
    assert ids == {"cpam-hautes-alpes", "cpam-alpes-haute-provence"}


def test_59100_roubaix_is_served_by_a_nord_caisse(reference):
    answer = reference.cpam_for_postal_code("59100")
    assert len(answer["caisses"]) == 1
    assert "59" in reference.cpam.caisses[answer["caisses"][0]["id"]].departements
    assert answer["caisses"][0]["name"].startswith("CPAM du Nord")


def test_an_unknown_postal_code_gives_none(reference):
    assert reference.cpam_for_postal_code("99999") is None


def test_in_a_departement_with_several_caisses_the_nearest_office_decides_and_is_approximate(reference):
    armentieres_area = reference.commune("59202")  # Frelinghien, next to Armentières
    assignment = reference.cpam.caisse_for(armentieres_area)
    assert assignment.basis == BY_NEAREST_OFFICE and assignment.approximate
    assert assignment.caisse_id == "cpam-flandres-dunkerque-armentieres"
    assert reference.cpam_for_commune("59202")["approximate"] is True


def test_an_override_takes_precedence_and_clears_approximate(reference):
    cpam = reference.cpam
    frelinghien = reference.commune("59202")
    overridden = CpamDirectory(cpam.caisses.values(), cpam.offices, {"59202": "cpam-nord-lille"})
    assignment = overridden.caisse_for(frelinghien)
    assert (assignment.caisse_id, assignment.approximate, assignment.basis) == ("cpam-nord-lille", False, BY_OVERRIDE)


def test_an_override_naming_an_unknown_caisse_is_set_aside(reference):
    cpam = reference.cpam
    overridden = CpamDirectory(cpam.caisses.values(), cpam.offices, {"59202": "cpam-nowhere"})
    assert overridden.unknown_overrides == {"59202": "cpam-nowhere"}
    assert overridden.caisse_for(reference.commune("59202")).basis == BY_NEAREST_OFFICE


def test_the_shipped_overrides_name_existing_communes_and_caisses(reference):
    assert reference.cpam.unknown_overrides == {}
    for code, caisse_id in reference.cpam.overrides.items():
        assert reference.commune(code) is not None, code
        assert caisse_id in reference.cpam.caisses


def test_saint_martin_and_saint_barthelemy_are_served_by_the_guadeloupe_cgss(reference):
    for code in ("97701", "97801"):
        assert [c["id"] for c in reference.cpam_for_commune(code)["caisses"]] == ["cgss-guadeloupe"]


def test_mayotte_is_not_in_the_data_and_gets_no_caisse(reference):
    answer = reference.cpam_for_postal_code("97600")
    assert answer["communes"] and answer["caisses"] == []


def test_offices_are_listed_nearest_first_to_the_postal_code(reference):
    offices = reference.cpam_for_postal_code("75011")["caisses"][0]["accueils"]
    distances = [office["distance_km"] for office in offices]
    assert distances == sorted(distances)
    assert offices[0]["address"]["postal_code"] == "75011"
    assert set(offices[0]) == {"id", "name", "address", "location", "distance_km", "hours"}


def test_the_answer_has_the_contract_shape_and_the_data_date(reference):
    answer = reference.cpam_for_postal_code("75011")
    assert list(answer) == ["postal_code", "communes", "caisses", "approximate", "data_date"]
    caisse = answer["caisses"][0]
    assert set(caisse) == {"id", "name", "postal_address", "phone", "accueils"}
    assert caisse["postal_address"] == {"lines": ["Caisse primaire d'assurance maladie de Paris"],
                                        "postal_code": "75948", "city": "Paris Cedex 19"}
    assert answer["data_date"].startswith("201")


def test_a_point_gives_the_caisse_of_its_commune_with_distances_from_the_point(reference):
    answer = reference.cpam_at(48.8590, 2.3780)
    assert answer["communes"][0]["code"] == "75111"
    assert answer["caisses"][0]["accueils"][0]["distance_km"] < 2
    assert reference.cpam_at(0.0, 0.0) is None


def test_nearest_offices_come_with_their_caisse_nearest_first(reference):
    offices = reference.nearest_cpam_offices(45.7640, 4.8357, 3)
    assert len(offices) == 3
    assert [o["distance_km"] for o in offices] == sorted(o["distance_km"] for o in offices)
    assert offices[0]["caisse"]["id"] == "cpam-rhone"


def test_a_geocoding_error_hundreds_of_km_away_is_not_used_as_an_office_location(reference):
    # DILA placed the Doullens office (Somme) 5,000 km away; BAN found it in Doullens
    doullens = next(o for o in reference.cpam.offices if o.id == "cpam-80253-01")
    assert 50.1 < doullens.lat < 50.2 and 2.3 < doullens.lon < 2.4


@pytest.mark.parametrize("published, expected", [
    ("Caisse primaire d'assurance maladie (CPAM) du Nord - accueil de Roubaix",
     ("CPAM", "CPAM du Nord", "nord", "Accueil de Roubaix", False)),
    ("Caisse primaire d'assurance maladie (CPAM) de la Corse-du-Sud - siège d'Ajaccio",
     ("CPAM", "CPAM de la Corse-du-Sud", "corse sud", "Siège d'Ajaccio", True)),
    ("Caisse générale de sécurité sociale (CGSS) de La Réunion - accueil de Saint-Paul",
     ("CGSS", "CGSS de La Réunion", "reunion", "Accueil de Saint-Paul", False)),
    ("Caisse primaire d'assurance maladie (CPAM) du Val-de-Marne – accueil de Fresnes",
     ("CPAM", "CPAM du Val-de-Marne", "val marne", "Accueil de Fresnes", False)),
    ("Caisse primaire d'assurance maladie (CPAM) de Villefagnan",
     ("CPAM", "CPAM de Villefagnan", "villefagnan", "Accueil de Villefagnan", False)),
])
def test_published_names_split_into_caisse_and_office(published, expected):
    assert split_published_name(published) == expected


def test_misnamed_offices_join_the_caisse_of_their_mailing_address(reference):
    assert next(o for o in reference.cpam.offices if o.id == "cpam-59350-02").caisse_id == "cpam-nord-lille"
    assert next(o for o in reference.cpam.offices if o.id == "cpam-16409-01").caisse_id == "cpam-charente"


def test_offices_each_with_their_own_mailing_address_form_one_caisse(reference):
    # every Alpes-Maritimes office gives its own mailing address; they are one caisse
    assert reference.cpam.caisses_by_departement["06"] == ["cpam-alpes-maritimes"]
    assert len(reference.cpam.offices_by_caisse["cpam-alpes-maritimes"]) == 8
    assert reference.cpam.caisses_by_departement["974"] == ["cgss-reunion"]


def test_caisses_sharing_a_name_are_told_apart_by_their_mailing_city(reference):
    nord = sorted(reference.cpam.caisses[c].name for c in reference.cpam.caisses_by_departement["59"])
    assert nord == ["CPAM de Flandres-Dunkerque-Armentières", "CPAM du Nord (Lille)",
                    "CPAM du Nord (Tourcoing)", "CPAM du Nord (Valenciennes)"]
