"""Rebuild the compact reference files under ``geodata/data`` from the shared open data.

    python -m geodata.build_reference --shared /work/shared/data [--out geodata/data]

Run it again whenever the shared data is refreshed; the output is deterministic (same input,
same bytes), so a rebuild with unchanged inputs leaves ``git status`` clean. The application
itself never reads the shared directory: it only loads what this script wrote.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from geodata.build_communes import build_communes
from geodata.build_cpam import build_cpam
from geodata.build_departements import build_departements
from geodata.cpam_dila_2016 import read_dila_2016_offices
from geodata.reference import DEFAULT_DATA_DIR

DILA_2016_OFFICES = "cpam/cpam_accueils_dila_2016.ndjson"
DILA_2016_SOURCE = {
    "name": "service-public.fr « Base de données locales » (DILA), extrait de 2016 (github.com/cquest/annuaire-services-publics @f7713da)",
    "licence": "Licence Ouverte (mention : Service-Public.fr / DILA) ; géocodage BAN sous ODbL 1.0",
    "outdated": True,
}


def build_reference(shared: Path, out: Path = DEFAULT_DATA_DIR) -> list[str]:
    """Write every derived file into ``out``; return notes on the approximations made."""
    notes = []
    notes += build_communes(shared, out).notes
    notes += build_departements(shared, out)
    notes += build_cpam(read_dila_2016_offices(shared / DILA_2016_OFFICES), out, DILA_2016_SOURCE)
    return notes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, required=True, help="the shared data directory (…/shared/data)")
    parser.add_argument("--out", type=Path, default=DEFAULT_DATA_DIR, help="where to write (default: geodata/data)")
    args = parser.parse_args(argv)
    for note in build_reference(args.shared, args.out):
        print(note)


if __name__ == "__main__":
    main()
