"""How much of France the reference data covers: postal codes and communes with a centre and
with a caisse, and what is missing and why.

    python -m geodata.coverage [--data-dir geodata/data] [--json]
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from geodata.communes import read_coordinate_sources
from geodata.cpam import BY_DEPARTEMENT, BY_NEAREST_OFFICE, BY_OVERRIDE
from geodata.reference import Reference, load_reference


def coverage_report(reference: Reference) -> dict:
    cpam = reference.cpam
    covered = cpam.covered_departements
    communes = list(reference.communes.values())
    assignments = {commune.code: cpam.caisse_for(commune) for commune in communes}
    without_centre = [c for c in communes if c.lat is None or c.lon is None]
    without_caisse = [c for c in communes if assignments[c.code] is None]

    postal_codes = reference.postal_codes
    resolved = {code: reference.communes_for_postal_code(code) for code in postal_codes}
    postal_with_caisse = [code for code, members in resolved.items()
                          if any(assignments[c.code] is not None for c in members)]
    postal_without_caisse = sorted(set(postal_codes) - set(postal_with_caisse))

    def why_no_caisse(commune) -> str:
        if commune.departement not in covered:
            return f"département {commune.departement} absent des données CPAM"
        return "pas de centre connu dans un département à plusieurs caisses"

    return {
        "postal_codes": {
            "total": len(postal_codes),
            "resolving_to_communes": sum(1 for members in resolved.values() if members),
            "all_communes_located": sum(1 for members in resolved.values()
                                        if members and all(c.lat is not None for c in members)),
            "with_caisse": len(postal_with_caisse),
            "without_caisse": postal_without_caisse,
            "without_caisse_in_covered_departement": [
                code for code in postal_without_caisse
                if any(c.departement in covered for c in resolved[code])],
        },
        "communes": {
            "total": len(communes),
            "arrondissements_municipaux": sum(1 for c in communes if c.parent),
            "with_centre": len(communes) - len(without_centre),
            "centre_sources": dict(Counter(read_coordinate_sources(reference.data_dir).values()).most_common()),
            "without_centre_by_departement": dict(Counter(c.departement for c in without_centre).most_common()),
            "with_caisse": len(communes) - len(without_caisse),
            "caisse_basis": dict(Counter(a.basis for a in assignments.values() if a).most_common()),
            "approximate": sum(1 for a in assignments.values() if a and a.approximate),
            "without_caisse_by_reason": dict(Counter(why_no_caisse(c) for c in without_caisse).most_common()),
        },
        "cpam": {
            "caisses": len(cpam.caisses),
            "offices": len(cpam.offices),
            "office_location_precision": dict(Counter(o.location_precision for o in cpam.offices).most_common()),
            "departements_covered": len(covered),
            "departements_with_several_caisses": sorted(d for d, ids in cpam.caisses_by_departement.items()
                                                        if len(ids) > 1),
            "departements_not_covered": sorted({c.departement for c in without_caisse}
                                               - {c.departement for c in communes if assignments[c.code]}),
            "overrides": len(cpam.overrides),
            "overrides_naming_unknown_caisses": cpam.unknown_overrides,
            "data_date": cpam.data_date,
        },
    }


def format_report(report: dict) -> str:
    postal, communes, cpam = report["postal_codes"], report["communes"], report["cpam"]
    lines = [
        f"Postal codes: {postal['total']}; resolving to communes: {postal['resolving_to_communes']}; "
        f"all communes located: {postal['all_communes_located']}; with a caisse: {postal['with_caisse']}",
        f"  without a caisse ({len(postal['without_caisse'])}): {' '.join(postal['without_caisse'])}",
        f"  of which in a département covered by the CPAM data: "
        f"{' '.join(postal['without_caisse_in_covered_departement']) or 'none'}",
        f"Communes (incl. {communes['arrondissements_municipaux']} municipal arrondissements): {communes['total']}; "
        f"with a centre: {communes['with_centre']}; with a caisse: {communes['with_caisse']} "
        f"({communes['approximate']} approximate)",
        f"  centre sources: {communes['centre_sources']}",
        f"  without a centre, by département: {communes['without_centre_by_departement']}",
        f"  caisse from: {communes['caisse_basis']}",
        f"  without a caisse: {communes['without_caisse_by_reason']}",
        f"CPAM: {cpam['caisses']} caisses, {cpam['offices']} offices (data of {cpam['data_date']}); "
        f"office locations: {cpam['office_location_precision']}",
        f"  départements covered: {cpam['departements_covered']}; with several caisses: "
        f"{' '.join(cpam['departements_with_several_caisses'])}",
        f"  départements/collectivités where no commune has a caisse: {' '.join(cpam['departements_not_covered'])}",
        f"  overrides: {cpam['overrides']}; naming unknown caisses: {cpam['overrides_naming_unknown_caisses'] or 'none'}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Coverage of the reference geography.")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    report = coverage_report(load_reference(args.data_dir))
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else format_report(report))


if __name__ == "__main__":
    main()
