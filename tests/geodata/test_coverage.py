"""Coverage of the derived data: every postal code resolves, and gets a caisse wherever the CPAM
data covers its département."""
from __future__ import annotations

from geodata.coverage import coverage_report, format_report


def test_every_postal_code_resolves_to_its_communes(reference):
    unresolved = [code for code in reference.postal_codes if not reference.communes_for_postal_code(code)]
    assert unresolved == []
    assert len(reference.postal_codes) > 6000


def test_every_postal_code_in_a_departement_covered_by_the_cpam_data_has_a_caisse(reference):
    covered = reference.cpam.covered_departements
    missing = []
    for code in reference.postal_codes:
        communes = reference.communes_for_postal_code(code)
        if any(commune.departement in covered for commune in communes):
            if not reference.cpam_for_postal_code(code)["caisses"]:
                missing.append(code)
    assert missing == []


def test_every_commune_of_a_covered_departement_has_a_caisse(reference):
    covered = reference.cpam.covered_departements
    without = [c.code for c in reference.communes.values()
               if c.departement in covered and reference.cpam.caisse_for(c) is None]
    assert without == []


def test_the_coverage_report_explains_what_is_missing(reference):
    report = coverage_report(reference)
    assert report["postal_codes"]["resolving_to_communes"] == report["postal_codes"]["total"]
    assert report["postal_codes"]["without_caisse_in_covered_departement"] == []
    assert "976" in report["cpam"]["departements_not_covered"]
    assert "Postal codes:" in format_report(report)
