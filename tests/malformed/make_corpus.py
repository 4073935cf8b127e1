"""Writes the malformed-input corpus: each file bad in one way, among valid rows, with its expected report.

Run from the repository root: ``python -m tests.malformed.make_corpus``. The files it writes are
committed; ``test_corpus_files_are_what_this_script_writes`` checks they still match.

Each case ``NAME`` gives a data file and ``NAME.expected.json``:

- ``source``: the ``--source`` format (``rpps``, ``ameli``, ``jsonl``), or ``null`` for a plain
  argument whose format is recognised from its header;
- ``exit_code``: 0, or 1 for a file that cannot be loaded at all (``message`` is then a piece of
  the one-line French error, and the live index must be left as it was);
- ``indexed``: the names (``nom``) of the practitioners indexed, sorted;
- ``rejects`` / ``warnings``: ``[line, reason category]`` pairs, in the report's order;
- ``duplicates``: rows dropped as duplicates.
"""
from __future__ import annotations

import json
from pathlib import Path

from indexer import ameli_format, rpps_format

HERE = Path(__file__).resolve().parent

PLACES = {
    "pontarlier": ("25300", "25462", "Pontarlier"),
    "lyon3": ("69003", "69383", "Lyon 3e Arrondissement"),
    "paris11": ("75011", "75111", "Paris 11e Arrondissement"),
    "bastia": ("20200", "2B033", "Bastia"),
    "saint-denis": ("97400", "97411", "Saint-Denis"),
    "rennes": ("35000", "35238", "Rennes"),
}


def rpps_row(number: int, nom: str, place: str = "lyon3", **overrides: str) -> dict[str, str]:
    postal_code, commune_code, commune = PLACES[place]
    rpps = f"100000{number:05d}"
    values = {
        "Type d'identifiant PP": "8", "Identifiant PP": rpps, "Identification nationale PP": "8" + rpps,
        "Code civilité d'exercice": "DR", "Libellé civilité d'exercice": "Docteur", "Code civilité": "M",
        "Libellé civilité": "Monsieur", "Nom d'exercice": nom, "Prénom d'exercice": "JEAN", "Code profession": "10",
        "Libellé profession": "Médecin", "Code catégorie professionnelle": "C",
        "Libellé catégorie professionnelle": "Civil", "Code type savoir-faire": "S",
        "Libellé type savoir-faire": "Spécialité ordinale", "Code savoir-faire": "SM54",
        "Libellé savoir-faire": "Médecine générale", "Code mode exercice": "L", "Libellé mode exercice": "Libéral",
        "Identifiant technique de la structure": f"R{number:010d}", "Numéro Voie (coord. structure)": "12",
        "Code type de voie (coord. structure)": "R", "Libellé type de voie (coord. structure)": "Rue",
        "Libellé Voie (coord. structure)": "DE LA RÉPUBLIQUE", "Code postal (coord. structure)": postal_code,
        "Code commune (coord. structure)": commune_code, "Libellé commune (coord. structure)": commune,
        "Téléphone (coord. structure)": "0400000000", "Code secteur d'activité": "SA07",
        "Libellé secteur d'activité": "Cabinet individuel",
    }
    values.update(overrides)
    return values


def rpps_lines(rows: list[dict[str, str]], columns: int = len(rpps_format.COLUMNS)) -> list[str]:
    return [rpps_format.header_line(columns)] + [rpps_format.format_row(row, columns) for row in rows]


def ameli_row(nom: str, place: str = "rennes", **overrides: str) -> dict[str, str]:
    postal_code, commune_code, commune = PLACES[place]
    values = {
        "type_ps_code": "2", "ps_civilite": "MME", "ps_activite_nom": nom, "ps_activite_prenom": "Anne",
        "specialite_code": "24", "specialite_libelle": "Infirmier", "coordonnees_adresse": "3 PLACE DE LA MAIRIE",
        "coordonnees_code_postal": postal_code, "coordonnees_commune": commune.upper(),
        "coordonnees_code_insee": commune_code, "coordonnees_telephone": "02 00 00 00 00",
        "secteur_conventionnel_code": "1", "secteur_conventionnel_libelle": "Conventionné",
        "carte_vitale_code": "O", "carte_vitale_libelle": "Accepte la carte Vitale",
    }
    values.update(overrides)
    return values


def ameli_text(rows: list[dict[str, str]]) -> str:
    lines = [";".join(ameli_format.COLUMNS)]
    for row in rows:
        lines.append(row if isinstance(row, str) else ";".join(_quoted(row.get(name, "")) for name in ameli_format.COLUMNS))
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def _quoted(value: str) -> str:
    return f'"{value}"' if ";" in value else value


def jsonl_record(number: int, nom: str, place: str = "paris11", **overrides) -> dict:
    postal_code, commune_code, commune = PLACES[place]
    record = {
        "id": f"demo-{number}", "person_id": f"person-{number}", "rpps": None, "civilite": "Mme", "nom": nom,
        "prenom": "Claire", "profession": "60", "specialties": [], "sector": "1", "optam": False,
        "carte_vitale": True, "mode": "L", "site_name": None,
        "address": {"line": "1 rue Oberkampf", "postal_code": postal_code, "commune": commune,
                    "commune_code": commune_code, "departement": commune_code[:2]},
        "phone": "0100000000", "location": {"lat": 48.8594, "lon": 2.3787, "precision": "municipality"},
    }
    for key, value in overrides.items():
        if key in ("postal_code", "commune_code"):
            record["address"][key] = value
        elif key in ("lat", "lon"):
            record["location"][key] = value
        else:
            record[key] = value
    return record


def jsonl_text(records: list) -> str:
    return "".join((json.dumps(record, ensure_ascii=False) if isinstance(record, dict) else record) + "\n"
                   for record in records)


def text_lines(lines: list[str], newline: str = "\n", bom: bool = True) -> str:
    return ("\ufeff" if bom else "") + newline.join(lines) + newline


VALID_RPPS = [rpps_row(1, "ARNAUD"), rpps_row(2, "BERTIN", "pontarlier"), rpps_row(3, "COLIN", "bastia")]


def cases() -> dict[str, tuple[str, bytes, dict]]:
    """name → (file name, content, expected report)."""
    out: dict[str, tuple[str, bytes, dict]] = {}

    def add(name, filename, content, source, *, exit_code=0, indexed=(), rejects=(), warnings=(), duplicates=0,
            message=None):
        data = content.encode("utf-8") if isinstance(content, str) else content
        out[name] = (filename, data, {
            "source": source, "exit_code": exit_code, "indexed": sorted(indexed),
            "rejects": [list(entry) for entry in rejects], "warnings": [list(entry) for entry in warnings],
            "duplicates": duplicates, **({"message": message} if message else {})})

    valid_names = ["ARNAUD", "BERTIN", "COLIN"]

    # -- RPPS ------------------------------------------------------------------------------
    short_row = rpps_format.format_row(rpps_row(9, "DUPRE"), 50)
    add("rpps_wrong_column_count", "rpps_wrong_column_count.txt",
        text_lines(rpps_lines(VALID_RPPS)[:2] + [short_row] + rpps_lines(VALID_RPPS)[2:]), "rpps",
        indexed=valid_names, rejects=[(3, "nombre de colonnes incorrect")])
    add("rpps_unknown_profession", "rpps_unknown_profession.txt",
        text_lines(rpps_lines(VALID_RPPS + [rpps_row(9, "DUPRE", **{"Code profession": "99"})])), "rpps",
        indexed=valid_names, rejects=[(5, "code profession inconnu")])
    add("rpps_unknown_specialty", "rpps_unknown_specialty.txt",
        text_lines(rpps_lines([rpps_row(9, "DUPRE", **{"Code savoir-faire": "SM99"})] + VALID_RPPS)), "rpps",
        indexed=valid_names, rejects=[(2, "code spécialité inconnu")])
    add("rpps_malformed_postal_code", "rpps_malformed_postal_code.txt",
        text_lines(rpps_lines(VALID_RPPS[:1] + [rpps_row(8, "DUPRE", **{"Code postal (coord. structure)": "7500"}),
                                                rpps_row(9, "DURAND", **{"Code postal (coord. structure)": "69OO3"})]
                              + VALID_RPPS[1:])), "rpps",
        indexed=valid_names, rejects=[(3, "code postal invalide"), (4, "code postal invalide")])
    add("rpps_unknown_commune", "rpps_unknown_commune.txt",
        text_lines(rpps_lines(VALID_RPPS + [rpps_row(9, "DUPRE", **{"Code commune (coord. structure)": "99999"})])),
        "rpps", indexed=valid_names, rejects=[(5, "code commune inconnu")])
    add("rpps_postal_code_not_matching_commune", "rpps_postal_code_not_matching_commune.txt",
        text_lines(rpps_lines(VALID_RPPS + [rpps_row(9, "DUPRE", **{"Code postal (coord. structure)": "35000"})])),
        "rpps", indexed=valid_names + ["DUPRE"], warnings=[(5, "code postal ne correspondant pas à la commune")])
    add("rpps_empty_name", "rpps_empty_name.txt",
        text_lines(rpps_lines(VALID_RPPS[:2] + [rpps_row(9, "  ")] + VALID_RPPS[2:])), "rpps",
        indexed=valid_names, rejects=[(4, "nom vide")])
    add("rpps_duplicate_rows", "rpps_duplicate_rows.txt",
        text_lines(rpps_lines(VALID_RPPS + [VALID_RPPS[0], VALID_RPPS[2]])), "rpps",
        indexed=valid_names, duplicates=2)
    good = text_lines(rpps_lines(VALID_RPPS)).encode("utf-8")
    bad_line = rpps_format.format_row(rpps_row(9, "DUPRE")).encode("utf-8").replace(b"DUPRE", b"DUPR\xc9\xff")
    add("rpps_undecodable_bytes", "rpps_undecodable_bytes.txt", good + bad_line + b"\n", "rpps",
        indexed=valid_names, rejects=[(5, "octets non décodables (UTF-8 attendu)")])
    cut = rpps_format.format_row(rpps_row(9, "DUPRE"))[:200]
    add("rpps_truncated_last_line", "rpps_truncated_last_line.txt", good + cut.encode("utf-8"), "rpps",
        indexed=valid_names, rejects=[(5, "dernière ligne tronquée (fichier incomplet)")])
    add("rpps_empty_file", "rpps_empty_file.txt", b"", "rpps", exit_code=1, message="fichier vide")
    add("rpps_header_only", "rpps_header_only.txt", text_lines(rpps_lines([])), "rpps", exit_code=1,
        message="aucune ligne de données")
    add("rpps_given_an_ameli_file", "rpps_given_an_ameli_file.csv", ameli_text([ameli_row("EVRARD")]), "rpps",
        exit_code=1, message="ce n'est pas un fichier RPPS")
    diplomas = ["Type d'identifiant PP|Identifiant PP|Identification nationale PP|Nom d'exercice|Prénom d'exercice|"
                "Code type diplôme obtenu|Libellé type diplôme obtenu|Code diplôme obtenu|Libellé diplôme obtenu|",
                "8|10000000001|810000000001|EXEMPLE|JEAN|DE|Diplôme d'Etat français|DE01|Docteur en médecine|"]
    add("rpps_other_extract", "PS_LibreAcces_Dipl_AutExerc.txt", text_lines(diplomas), "rpps", exit_code=1,
        message="en-tête rpps inattendu")
    add("rpps_windows_1252", "rpps_windows_1252.txt",
        text_lines(rpps_lines(VALID_RPPS + [rpps_row(9, "DUPRÉ")]), newline="\r\n", bom=False).encode("cp1252"),
        "rpps", indexed=valid_names + ["DUPRÉ"], warnings=[(1, "fichier en Windows-1252")])
    sample = (HERE.parent / "indexer" / "fixtures" / "rpps_sample_rows_old52col_format.txt").read_text(encoding="utf-8")
    old_rows = [line for line in sample.splitlines() if line and not line.startswith("#")]
    add("rpps_old_52_columns", "rpps_old_52_columns.txt",
        text_lines([rpps_format.header_line(52)] + old_rows + [rpps_format.format_row(rpps_row(9, "DUPRE"))]),
        "rpps", indexed=["EXEMPLE", "MODELE"], rejects=[(4, "nombre de colonnes incorrect")])
    add("rpps_without_address", "rpps_without_address.txt",
        text_lines(rpps_lines(VALID_RPPS + [rpps_row(9, "DUPRE", **{"Code postal (coord. structure)": "",
                                                                     "Code commune (coord. structure)": ""})])),
        "rpps", indexed=valid_names, rejects=[(5, "adresse sans code postal ni code commune")])
    add("rpps_crlf_unknown_mode", "rpps_crlf_unknown_mode.txt",
        text_lines(rpps_lines([rpps_row(9, "DUPRE", **{"Code mode exercice": "X"})] + VALID_RPPS), newline="\r\n"),
        "rpps", indexed=valid_names, rejects=[(2, "mode d'exercice inconnu")])

    # -- ameli -----------------------------------------------------------------------------
    valid_ameli = [ameli_row("FABRE"), ameli_row("GARNIER", "saint-denis"), ameli_row("HUET", "bastia")]
    ameli_names = ["FABRE", "GARNIER", "HUET"]
    add("ameli_unknown_specialty", "liste-ps-unknown-specialty.csv",
        ameli_text(valid_ameli + [ameli_row("LABO", specialite_code="30"), ameli_row("MARTY", specialite_code="777")]),
        "ameli", indexed=ameli_names,
        rejects=[(5, "code spécialité ameli inconnu ou hors professions de santé"),
                 (6, "code spécialité ameli inconnu ou hors professions de santé")])
    add("ameli_malformed_postal_code", "liste-ps-malformed-postal-code.csv",
        ameli_text([ameli_row("MARTY", coordonnees_code_postal="3500")] + valid_ameli), "ameli",
        indexed=ameli_names, rejects=[(2, "code postal invalide")])
    add("ameli_unknown_sector_and_option", "liste-ps-unknown-sector.csv",
        ameli_text(valid_ameli + [ameli_row("MARTY", secteur_conventionnel_code="9", option_tarifaire_code="XYZ")]),
        "ameli", indexed=ameli_names + ["MARTY"],
        warnings=[(5, "secteur conventionnel inconnu"), (5, "option tarifaire inconnue")])
    add("ameli_quoted_fields_and_column_count", "liste-ps-quoted.csv",
        ameli_text(valid_ameli[:1] + ["HUET;extra;fields"] + valid_ameli[1:]
                   + [ameli_row("NOEL", coordonnees_raison_sociale="CABINET; CENTRE")]), "ameli",
        indexed=ameli_names + ["NOEL"], rejects=[(3, "nombre de colonnes incorrect")])
    add("ameli_duplicate_rows", "liste-ps-duplicates.csv", ameli_text(valid_ameli + valid_ameli[:2]), "ameli",
        indexed=ameli_names, duplicates=2)
    add("ameli_empty_file", "liste-ps-empty.csv", "\ufeff", "ameli", exit_code=1, message="fichier vide")
    add("ameli_given_an_rpps_file", "liste-ps-is-rpps.txt", text_lines(rpps_lines(VALID_RPPS)), "ameli",
        exit_code=1, message="ce n'est pas un fichier ameli")
    ameli_good = ameli_text(valid_ameli).encode("utf-8")
    ameli_bad = ";".join(ameli_row("OLIVIER").get(name, "") for name in ameli_format.COLUMNS).encode("utf-8")
    add("ameli_undecodable_bytes", "liste-ps-undecodable.csv",
        ameli_good + ameli_bad.replace(b"OLIVIER", b"OLIVI\xe9R") + b"\r\n", "ameli",
        indexed=ameli_names, rejects=[(5, "octets non décodables (UTF-8 attendu)")])
    add("ameli_empty_name", "liste-ps-empty-name.csv", ameli_text(valid_ameli + [ameli_row("")]), "ameli",
        indexed=ameli_names, rejects=[(5, "nom vide")])

    # -- JSON Lines ------------------------------------------------------------------------
    valid_jsonl = [jsonl_record(1, "PERRIN"), jsonl_record(2, "QUENTIN"), jsonl_record(3, "RENAUD")]
    jsonl_names = ["PERRIN", "QUENTIN", "RENAUD"]
    add("jsonl_coordinates_outside_france", "outside-france.jsonl",
        jsonl_text(valid_jsonl + [jsonl_record(4, "SIMON", lat=0.0, lon=0.0),
                                  jsonl_record(5, "TESSIER", lat=40.7128, lon=-74.006)]), "jsonl",
        indexed=jsonl_names, rejects=[(4, "coordonnées hors de France"), (5, "coordonnées hors de France")])
    add("jsonl_unknown_commune", "unknown-commune.jsonl",
        jsonl_text([jsonl_record(4, "SIMON", commune_code="75199")] + valid_jsonl), "jsonl",
        indexed=jsonl_names, rejects=[(1, "code commune inconnu")])
    add("jsonl_postal_code_not_matching_commune", "postal-code-mismatch.jsonl",
        jsonl_text(valid_jsonl + [jsonl_record(4, "SIMON", postal_code="69003")]), None,
        indexed=jsonl_names + ["SIMON"], warnings=[(4, "code postal ne correspondant pas à la commune")])
    add("jsonl_truncated_last_line", "truncated.jsonl",
        jsonl_text(valid_jsonl) + json.dumps(jsonl_record(4, "SIMON"))[:120], "jsonl",
        indexed=jsonl_names, rejects=[(4, "dernière ligne tronquée (fichier incomplet)")])
    add("jsonl_bad_records", "bad-records.jsonl",
        jsonl_text([valid_jsonl[0], "{not json", jsonl_record(4, "SIMON", profession="99"),
                    jsonl_record(5, " "), "[1, 2]", valid_jsonl[1], valid_jsonl[2]]), "jsonl",
        indexed=jsonl_names, rejects=[(2, "JSON invalide"), (3, "profession: code profession inconnu"),
                                      (4, "nom: nom vide"), (5, "objet JSON attendu")])
    add("jsonl_duplicate_ids", "duplicate-ids.jsonl", jsonl_text(valid_jsonl + [valid_jsonl[1]]), "jsonl",
        indexed=jsonl_names, duplicates=1)
    add("jsonl_every_row_rejected", "all-rejected.jsonl",
        jsonl_text([jsonl_record(4, "SIMON", lat=0.0, lon=0.0), "{oops"]), "jsonl", exit_code=1,
        message="aucune ligne valide")
    add("unrecognised_format", "notes.txt", "Bonjour,\nvoici la liste demandée.\n", None, exit_code=1,
        message="format non reconnu")
    return out


def write_corpus(directory: Path = HERE) -> list[Path]:
    written = []
    for name, (filename, content, expected) in cases().items():
        (directory / filename).write_bytes(content)
        expected = {"file": filename, **expected}
        (directory / f"{name}.expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n",
                                                         encoding="utf-8")
        written.append(directory / filename)
    return written


if __name__ == "__main__":
    for path in write_corpus():
        print(path.name)
