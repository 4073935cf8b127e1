"""Reading the RPPS extract and the ameli export as they are published."""
from __future__ import annotations

from pathlib import Path

import pytest

from geodata.geocoding import CommuneCentreGeocoder
from geodata.reference import load_reference
from indexer import ameli_format, rpps_format
from indexer.ameli_format import AmeliReader
from indexer.rejects import Reject
from indexer.rpps_format import RppsReader
from indexer.sources import AMELI, JSONL, RPPS, SourceError, TextLines, detect_format, open_source
from indexer.transform import Transform

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HEADER_56 = (FIXTURES / "rpps_PS_LibreAcces_Personne_activite_header_2025-2026.txt").read_text(encoding="utf-8").strip()
SAMPLE_ROWS = [line for line in (FIXTURES / "rpps_sample_rows_old52col_format.txt").read_text(encoding="utf-8").splitlines()
               if line and not line.startswith("#")]


@pytest.fixture(scope="module")
def transform():
    reference = load_reference()
    return Transform(reference, CommuneCentreGeocoder(reference))


def rows_of(path: Path) -> list:
    return list(RppsReader(path).rows())


def test_the_reader_knows_the_56_columns_of_the_published_header():
    assert "|".join(rpps_format.COLUMNS) == HEADER_56
    assert rpps_format.header_problem(HEADER_56) is None
    assert rpps_format.header_problem("|".join(rpps_format.COLUMNS[:52]) + "|") is None


def test_the_two_real_sample_rows_of_the_old_52_column_layout_parse_into_the_expected_fields(tmp_path, transform):
    path = tmp_path / "PS_LibreAcces_Personne_activite_202001010000.txt"
    old_header = "|".join(HEADER_56.split("|")[:52]) + "|"
    path.write_text("\n".join([old_header, *SAMPLE_ROWS]) + "\n", encoding="utf-8")
    rows = rows_of(path)
    assert [row[0] for row in rows] == [2, 3]
    doctor, _ = transform.rpps(path.name, *rows[0])
    audio, _ = transform.rpps(path.name, *rows[1])

    assert doctor.rpps == "10000000001" and doctor.person_id == "10000000001"
    assert (doctor.civilite, doctor.nom, doctor.prenom) == ("Dr", "EXEMPLE", "Jean")
    assert (doctor.profession, doctor.specialties, doctor.mode) == ("10", ("SM53",), "S")
    assert doctor.site_name == "CHI HC SITE RIVES DU DOUBS PONTARLIER"
    assert doctor.address.line == "2 Faubourg SAINT ETIENNE"
    assert doctor.address.postal_code == "25304"  # a CEDEX code, kept as published
    assert (doctor.address.commune_code, doctor.address.commune, doctor.address.departement) == \
        ("25462", "Pontarlier", "25")
    assert doctor.phone == "0300000000"
    assert doctor.location.precision == "municipality"
    assert (doctor.sector, doctor.optam, doctor.carte_vitale) == (None, None, None)

    # an ADELI identifier (type 0): no RPPS number; no commune code: "25300 DOUBS" names the commune
    assert audio.rpps is None and audio.person_id == "0010000002"
    assert (audio.civilite, audio.nom, audio.prenom, audio.profession, audio.specialties, audio.mode) == \
        ("M.", "MODELE", "Paul", "26", (), "S")
    assert audio.site_name == "OPTIQUE EXEMPLE"
    assert audio.address.line == "9 Route DE BESANCON"
    assert (audio.address.postal_code, audio.address.commune_code, audio.address.commune) == ("25300", "25204", "Doubs")
    assert doctor.id != audio.id


def test_rows_of_the_56_column_layout_with_or_without_trailing_separator_and_bom(tmp_path):
    row = rpps_format.format_row({"Identifiant PP": "10000000001", "Nom d'exercice": "É"}, trailing_separator=False)
    path = tmp_path / "rpps.txt"
    path.write_bytes(("\ufeff" + HEADER_56 + "\r\n" + row + "\r\n" + row + "|\r\n").encode("utf-8"))
    rows = rows_of(path)
    assert [(number, len(fields), fields[rpps_format.NOM]) for number, fields, _ in rows] == [(2, 56, "É"), (3, 56, "É")]
    assert open_source(path, RPPS).kind == RPPS


def test_a_windows_1252_extract_is_read_and_said_so(tmp_path):
    path = tmp_path / "rpps.txt"
    row = rpps_format.format_row({"Nom d'exercice": "LEFÈVRE", "Prénom d'exercice": "HÉLÈNE"})
    path.write_bytes((HEADER_56 + "\n" + row + "\n").encode("cp1252"))
    reader = RppsReader(path)
    (number, fields, _), = reader.rows()
    assert fields[rpps_format.NOM] == "LEFÈVRE" and reader.lines.fallback_line == 1
    assert open_source(path, RPPS).kind == RPPS


def test_undecodable_bytes_in_a_utf8_file_reject_that_line_only(tmp_path):
    path = tmp_path / "rpps.txt"
    good = rpps_format.format_row({"Nom d'exercice": "DUPRÉ"}).encode("utf-8")
    path.write_bytes(HEADER_56.encode("utf-8") + b"\n" + good + b"\n" + good.replace(b"DUPR\xc3\x89", b"DUPR\xc9") + b"\n"
                     + good + b"\n")
    items = rows_of(path)
    assert [item[0] if isinstance(item, tuple) else (item.line, item.reason) for item in items] == \
        [2, (3, "octets non décodables (UTF-8 attendu)"), 4]
    assert "DUPR\ufffd" in items[1].raw


def test_text_lines_flag_a_last_line_cut_short(tmp_path):
    path = tmp_path / "f.txt"
    path.write_bytes(b"a\nb\nc")
    assert [(n, text, complete) for n, text, complete, _ in TextLines(path)] == \
        [(1, "a", True), (2, "b", True), (3, "c", False)]


@pytest.mark.parametrize("first_line, kind", [
    (HEADER_56, RPPS), ("|".join(HEADER_56.split("|")[:52]) + "|", RPPS),
    (";".join(ameli_format.COLUMNS), AMELI), ('{"id": "x"}', JSONL), ("nom,prenom,ville", None), ("", None),
])
def test_formats_are_recognised_by_their_first_line(first_line, kind):
    assert detect_format(first_line) == kind


def test_a_file_of_another_format_is_refused_with_a_french_message(tmp_path):
    path = tmp_path / "liste-ps-2026.csv"
    path.write_text(";".join(ameli_format.COLUMNS) + "\nx\n", encoding="utf-8-sig")
    with pytest.raises(SourceError) as error:
        open_source(path, RPPS)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("liste-ps-2026.csv : ce n'est pas un fichier RPPS") and "il ressemble à un fichier ameli" in message


def test_ameli_columns_are_read_by_name_in_any_order_and_quoted_fields_are_understood(tmp_path):
    columns = list(reversed(ameli_format.REQUIRED)) + ["carte_vitale_code", "coordonnees_raison_sociale"]
    path = tmp_path / "liste-ps.csv"
    path.write_text(";".join(columns) + "\r\n" + '3;35000;24;ANNE;"DUPONT; FILS";O;"CABINET ""LES TILLEULS"""\r\n',
                    encoding="utf-8-sig")
    (number, fields, _), = AmeliReader(path).rows()
    assert number == 2
    assert fields[ameli_format.NOM] == "DUPONT; FILS" and fields[ameli_format.SECTOR] == "3"
    assert fields[ameli_format.SITE_NAME] == 'CABINET "LES TILLEULS"' and fields[ameli_format.PHONE] == ""
    assert ameli_format.header_problem(";".join(columns)) is None
    assert "specialite_code" in ameli_format.header_problem("ps_activite_nom;ps_activite_prenom")


def test_an_ameli_row_gives_sector_optam_carte_vitale_and_phone(transform):
    values = {"ps_civilite": "MME", "ps_activite_nom": "MARTIN", "ps_activite_prenom": "CLAIRE",
              "specialite_code": "03", "coordonnees_adresse": "1 RUE DE LA PAIX", "coordonnees_code_postal": "75002",
              "coordonnees_commune": "PARIS", "coordonnees_telephone": "01 23 45 67 89",
              "secteur_conventionnel_code": "3", "option_tarifaire_code": "OPTAM", "carte_vitale_code": "O"}
    fields = [values.get(name, "") for name in ameli_format.COLUMNS]
    row, warning = transform.ameli("liste-ps.csv", 7, fields, "…")
    assert warning is None
    assert (row.profession, row.specialties, row.sector, row.optam, row.carte_vitale, row.phone) == \
        ("10", ("SM04",), "2", True, True, "0123456789")
    assert (row.place.commune_code, row.place.postal_code) == ("75102", "75002")
    practitioner = transform.ameli_practitioner("liste-ps.csv", row)
    assert practitioner.rpps is None and practitioner.id.startswith("ameli-") and practitioner.mode == "L"
    assert practitioner.civilite == "Dr" and practitioner.prenom == "Claire"
    assert transform.ameli_practitioner("liste-ps.csv", row).id == practitioner.id, "a stable id"


class FarAwayGeocoder:
    """A geocoder that answers a point off the coast of Africa (as a broken address service might)."""

    def geocode(self, line, postal_code, commune_code):
        from geodata.geocoding import GeocodeResult

        return GeocodeResult(0.0, 0.0, "address")


def test_geocoded_coordinates_outside_france_reject_the_row():
    reference = load_reference()
    transform = Transform(reference, FarAwayGeocoder())
    fields = [""] * len(rpps_format.COLUMNS)
    for index, value in ((rpps_format.PP_ID, "10000000001"), (rpps_format.ID_TYPE, "8"), (rpps_format.NOM, "X"),
                         (rpps_format.PROFESSION, "60"), (rpps_format.POSTAL_CODE, "35000"),
                         (rpps_format.COMMUNE_CODE, "35238")):
        fields[index] = value
    item, _ = transform.rpps("rpps.txt", 9, fields, "raw")
    assert isinstance(item, Reject) and item.line == 9 and item.reason.startswith("coordonnées hors de France")


def test_a_missing_file_or_a_directory_exits_1_with_a_french_line_and_loads_nothing(tmp_path):
    from click.testing import CliRunner

    from indexer.cli import main

    url = f"sqlite://{tmp_path / 'index.sqlite3'}"
    for target, message in ((tmp_path / "absent.txt", "fichier introuvable"), (tmp_path, "c'est un dossier, pas un fichier")):
        result = CliRunner().invoke(main, ["index", "--source", f"rpps={target}", "--backend", url])
        assert result.exit_code == 1
        assert result.stderr.strip() == f"erreur : {target} : {message}"
    assert not (tmp_path / "index.sqlite3").exists()


def test_a_json_lines_record_without_a_commune_code_is_kept(transform):
    from directory.model import Address, Location, Practitioner

    record = Practitioner("x-1", "x", None, None, "ROUX", None, "60", (), None, None, None, "L",
                          Address(None, None, None, None, None), None, Location(48.85, 2.35))
    assert list(transform.checked_records([(1, "{}", record)], "records.jsonl")) == [record]
