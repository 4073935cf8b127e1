"""Refreshing the offices from the current service-public.fr "Annuaire de l'administration" format."""
from __future__ import annotations

import shutil
from pathlib import Path

from geodata.cpam import CPAM_FILE, read_cpam
from geodata.cpam_records import Address
from geodata.cpam_service_public import (format_opening_hours, main, read_service_public_offices,
                                         refresh_offices_from_service_public)
from geodata.reference import DEFAULT_DATA_DIR, Reference

EXPORT = Path(__file__).parent / "fixtures" / "service_public_cpam.json"


def test_only_cpam_records_are_read():
    offices = list(read_service_public_offices(EXPORT))
    assert [office.commune_code for office in offices] == ["01053", "01034"]


def test_a_record_gives_its_office_address_mailing_address_location_phone_hours_and_date():
    seat = next(read_service_public_offices(EXPORT))
    assert seat.address == Address(("1 place de la Grenouillère",), "01000", "Bourg-en-Bresse")
    assert seat.postal_address == Address(("Caisse primaire d'assurance maladie de l'Ain",
                                           "1 place de la Grenouillère", "CS 10001"), "01015", "Bourg-en-Bresse Cedex")
    assert seat.locations == ((46.2031, 5.2258),)
    assert seat.phone == "3646"
    assert seat.hours == "Lundi au vendredi : 8h30-12h00, 13h30-16h30"
    assert seat.updated == "2023-01-24"


def test_fields_encoded_as_json_strings_as_the_api_returns_them_are_read_too():
    belley = list(read_service_public_offices(EXPORT))[1]
    assert belley.address.lines == ("Maison France services", "12 boulevard du Mail")
    assert belley.hours == "Mardi : 9h00-12h00 (Sur rendez-vous)"
    assert belley.updated == "2023-03-02"


def test_opening_hours_without_slots_are_unknown():
    assert format_opening_hours([]) is None


def test_an_export_rebuilds_the_cpam_file_into_caisses_and_offices(tmp_path):
    for path in DEFAULT_DATA_DIR.glob("commun*.csv.gz"):
        shutil.copy(path, tmp_path)
    notes = refresh_offices_from_service_public(EXPORT, tmp_path)
    assert (tmp_path / CPAM_FILE).exists() and notes[-1] == "CPAM: 2 offices in 1 caisses"
    cpam = read_cpam(tmp_path)
    caisse, = cpam.caisses.values()
    assert (caisse.id, caisse.name, caisse.departements) == ("cpam-ain", "CPAM de l'Ain", ("01",))
    assert caisse.postal_address.postal_code == "01015" and caisse.data_date == "2023-03-02"
    assert sorted(office.name for office in cpam.offices) == ["Accueil de Belley", "Siège de Bourg-en-Bresse"]
    bourg = Reference(tmp_path).commune("01053")
    assert cpam.caisse_for(bourg).caisse_id == "cpam-ain"


def test_the_refresh_runs_from_the_command_line(tmp_path, capsys):
    for path in DEFAULT_DATA_DIR.glob("commun*.csv.gz"):
        shutil.copy(path, tmp_path)
    main([str(EXPORT), "--out", str(tmp_path)])
    assert "2 offices in 1 caisses" in capsys.readouterr().out
