"""Geocoding at index time: the address through the BAN when configured, else the commune centre;
re-indexing geocodes nothing twice."""
from __future__ import annotations

import re

from click.testing import CliRunner

from directory.backend import open_backend
from directory.model import SearchQuery
from indexer.cli import main
from tests.geodata.test_geocoding import FakeBan, ban_feature
from tests.malformed.make_corpus import rpps_lines, rpps_row, text_lines

ROWS = [rpps_row(1, "ARNAUD", "paris11", **{"Numéro Voie (coord. structure)": "10",
                                            "Libellé Voie (coord. structure)": "DE LA ROQUETTE"}),
        rpps_row(2, "BERTIN", "paris11", **{"Libellé Voie (coord. structure)": "SANS NUMERO CONNU"}),
        rpps_row(3, "COLIN", "paris11", **{"Numéro Voie (coord. structure)": "", "Code type de voie (coord. structure)": "",
                                           "Libellé type de voie (coord. structure)": "",
                                           "Libellé Voie (coord. structure)": ""})]


def located(url):
    backend = open_backend(url)
    try:
        return {hit.practitioner.nom: hit.practitioner.location
                for hit in backend.search(SearchQuery(per_page=10, facets=False)).hits}
    finally:
        backend.close()


def test_addresses_are_geocoded_through_the_ban_once_and_cached(tmp_path):
    source = tmp_path / "PS_LibreAcces_Personne_activite_202601010000.txt"
    source.write_text(text_lines(rpps_lines(ROWS)), encoding="utf-8")
    url = f"sqlite://{tmp_path / 'index.sqlite3'}"
    with FakeBan() as ban:
        ban.answers["ROQUETTE"] = ban_feature(2.3765, 48.8561)
        env = {"ANNUAIRE_BAN_URL": ban.url, "ANNUAIRE_GEOCODE_CACHE": str(tmp_path / "geocodes.sqlite3")}
        first = CliRunner().invoke(main, ["index", str(source), "--backend", url], env=env)
        assert first.exit_code == 0, first.output + first.stderr
        asked = len(ban.requests)
        locations = located(url)
        second = CliRunner().invoke(main, ["index", str(source), "--backend", url], env=env)
        assert second.exit_code == 0, second.output + second.stderr

    assert asked == 2, "one request per distinct address line; none for a row without street"
    assert len(ban.requests) == asked, "re-indexing asks the BAN nothing"
    assert (locations["ARNAUD"].lat, locations["ARNAUD"].lon, locations["ARNAUD"].precision) == \
        (48.8561, 2.3765, "address")
    assert locations["BERTIN"].precision == locations["COLIN"].precision == "municipality"
    for output in (first.output, second.output):
        assert re.search(r"à l'adresse\s+1\n", output) and re.search(r"au centre de la commune\s+2\n", output)
    assert located(url) == locations


def test_without_a_ban_endpoint_every_place_is_its_communes_centre(tmp_path):
    source = tmp_path / "PS_LibreAcces_Personne_activite_202601010000.txt"
    source.write_text(text_lines(rpps_lines(ROWS)), encoding="utf-8")
    url = f"sqlite://{tmp_path / 'index.sqlite3'}"
    result = CliRunner().invoke(main, ["index", str(source), "--backend", url], env={"ANNUAIRE_BAN_URL": ""})
    assert result.exit_code == 0, result.output + result.stderr
    assert {(location.lat, location.lon, location.precision) for location in located(url).values()} == \
        {(48.85942, 2.37874, "municipality")}
