"""Re-indexing a newer extract: new practitioners added, changed ones updated, vanished ones removed,
and searches answered all along from a complete index."""
from __future__ import annotations

import threading
import time

from click.testing import CliRunner

from directory.backend import open_backend
from directory.model import SearchQuery
from indexer.cli import main
from tests.malformed.make_corpus import ameli_row, ameli_text, rpps_lines, rpps_row, text_lines


def index(tmp_path, rpps_rows, ameli_rows, url, name):
    rpps = tmp_path / f"PS_LibreAcces_Personne_activite_{name}.txt"
    rpps.write_text(text_lines(rpps_lines(rpps_rows)), encoding="utf-8")
    liste = tmp_path / f"liste-ps-{name}.csv"
    liste.write_text(ameli_text(ameli_rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["index", "--source", f"rpps={rpps}", "--source", f"ameli={liste}",
                                       "--backend", url])
    assert result.exit_code == 0, result.output + result.stderr
    return result


def everyone(backend):
    return {hit.practitioner.nom: hit.practitioner for hit in backend.search(SearchQuery(per_page=100)).hits}


def nurse(nom, **overrides):
    return ameli_row(nom, "lyon3", **overrides)


def test_a_newer_extract_adds_updates_and_removes(tmp_path):
    url = f"sqlite://{tmp_path / 'index.sqlite3'}"
    october = [rpps_row(1, "ARNAUD"), rpps_row(2, "BERTIN"), rpps_row(3, "COLIN")]
    index(tmp_path, october, [nurse("DUVAL"), nurse("ETIENNE")], url, "202510")
    backend = open_backend(url)
    before = everyone(backend)
    assert sorted(before) == ["ARNAUD", "BERTIN", "COLIN", "DUVAL", "ETIENNE"]

    november = [rpps_row(1, "ARNAUD"),
                rpps_row(2, "BERTIN", **{"Téléphone (coord. structure)": "0499999999", "Code mode exercice": "L"}),
                rpps_row(4, "DELORME")]
    index(tmp_path, november, [nurse("DUVAL", secteur_conventionnel_code="0", carte_vitale_code="N")], url, "202511")
    after = everyone(backend)

    assert sorted(after) == ["ARNAUD", "BERTIN", "DELORME", "DUVAL"]
    assert backend.info().documents == 4
    assert after["BERTIN"].id == before["BERTIN"].id and after["BERTIN"].phone == "0499999999"
    assert after["DUVAL"].id == before["DUVAL"].id and (after["DUVAL"].sector, after["DUVAL"].carte_vitale) == ("nc", False)
    assert after["ARNAUD"] == before["ARNAUD"]
    assert backend.get(before["COLIN"].id) is None and backend.get(before["ETIENNE"].id) is None
    backend.close()


def test_searches_during_a_load_see_the_old_or_the_new_complete_index(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["generate", "--size", 300, "--seed", 4, "--out", str(tmp_path / "old")]).exit_code == 0
    assert runner.invoke(main, ["generate", "--size", 4000, "--seed", 5, "--format", "rpps,ameli",
                                "--out", str(tmp_path / "new")]).exit_code == 0
    url = f"sqlite://{tmp_path / 'index.sqlite3'}"
    assert runner.invoke(main, ["index", str(tmp_path / "old" / "practitioners.jsonl"), "--backend", url]).exit_code == 0

    backend = open_backend(url)
    totals, errors, loading = [], [], threading.Event()
    done = threading.Event()

    def search_all_the_time():
        while not done.is_set():
            try:
                totals.append((loading.is_set(), backend.search(SearchQuery(per_page=5)).total))
            except Exception as error:  # any error is a failure of the test
                errors.append(repr(error))

    reader = threading.Thread(target=search_all_the_time)
    reader.start()
    try:
        loading.set()
        result = runner.invoke(main, ["index", "--source", f"rpps={next((tmp_path / 'new').glob('PS_*.txt'))}",
                                      "--source", f"ameli={next((tmp_path / 'new').glob('liste-ps-*.csv'))}",
                                      "--backend", url])
        loading.clear()
        time.sleep(0.3)  # searches go on after the swap
    finally:
        done.set()
        reader.join()
    assert result.exit_code == 0, result.output + result.stderr
    new_total = open_backend(url).info().documents
    assert errors == []
    during = [total for was_loading, total in totals if was_loading]
    assert len(during) > 10, "searches ran during the load"
    assert set(total for _, total in totals) <= {300, new_total}
    assert 300 in during and totals[-1][1] == new_total and new_total > 3000
    backend.close()
