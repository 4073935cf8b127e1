"""Rebuild ``directory/nomenclature_data/*.csv`` from the published nomenclatures.

    python scripts/build_nomenclatures.py --source ../shared/data/nomenclatures

Sources (see ``directory/nomenclature_data/NOTICE``): ANS NOS TRE_G15, TRE_R38, TRE_G100,
TRE_R23, TRE_R282. Only run by a maintainer; the service reads the derived files.
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "directory" / "nomenclature_data"

# TRE_G100 (Assurance Maladie specialty) → (RPPS profession TRE_G15, ordinal specialty TRE_R38).
# Hand-made from the labels of both lists; an empty specialty means the profession says it all.
G100_TO_RPPS = {
    "01": ("10", "SM54"), "02": ("10", "SM02"), "03": ("10", "SM04"), "04": ("10", "SM05"), "05": ("10", "SM15"),
    "06": ("10", "SM44"), "07": ("10", "SM20"), "08": ("10", "SM24"), "09": ("10", "SM27"), "10": ("10", "SM31"),
    "11": ("10", "SM39"), "12": ("10", "SM40"), "13": ("10", "SM41"), "14": ("10", "SM48"), "15": ("10", "SM38"),
    "16": ("10", "SM12"), "17": ("10", "SM33"), "18": ("10", "SM50"), "19": ("40", ""), "20": ("10", "SM46"),
    "21": ("50", ""), "22": ("10", "SM53"), "23": ("10", "SM26"), "24": ("60", ""), "26": ("70", ""),
    "27": ("80", ""), "28": ("91", ""), "29": ("92", ""), "31": ("10", "SM29"), "32": ("10", "SM32"),
    "33": ("10", "SM42"), "34": ("10", "SM18"), "35": ("10", "SM30"), "36": ("40", "SCD01"), "37": ("10", "SM01"),
    "38": ("10", "SM03"), "41": ("10", "SM08"), "42": ("10", "SM16"), "43": ("10", "SM09"), "44": ("10", "SM06"),
    "45": ("10", "SM07"), "46": ("10", "SM10"), "47": ("10", "SM11"), "48": ("10", "SM13"), "49": ("10", "SM14"),
    "50": ("21", ""), "51": ("21", ""), "53": ("40", "SCD02"), "54": ("40", "SCD03"), "69": ("10", "SM56"),
    "70": ("10", "SM19"), "71": ("10", "SM21"), "72": ("10", "SM28"), "73": ("10", "SM36"), "74": ("10", "SM37"),
    "75": ("10", "SM43"), "76": ("10", "SM45"), "77": ("10", "SM20"), "78": ("10", "SM17"), "79": ("10", "SM51"),
    "80": ("10", "SM49"), "81": ("10", "SM58"), "82": ("10", "SM60"), "83": ("10", "SM59"), "84": ("10", "SM61"),
    "85": ("10", "SM57"), "86": ("60", ""), "87": ("94", ""), "88": ("96", ""),
}

SECTORS = [("1", "Secteur 1"), ("1-dp", "Secteur 1 avec dépassement permanent"), ("2", "Secteur 2"),
           ("nc", "Non conventionné")]
# TRE_R282 (ameli secteur_conventionnel_code, old and new codes) → the contract's sector codes.
R282_TO_SECTOR = {"0": "nc", "1": "1", "2": "1-dp", "3": "2", "nc": "nc", "c1": "1", "c2": "1-dp", "c3": "2"}


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("../shared/data/nomenclatures"))
    source = parser.parse_args().source
    OUT.mkdir(parents=True, exist_ok=True)
    write("professions.csv", ["code", "label", "status"],
          [[r["code"], r["libelle"], "active" if r["statut"] == "active" else "deprecated"]
           for r in read(source / "TRE_G15_ProfessionSante.csv")])
    write("specialties.csv", ["code", "label"],
          [[r["code"], r["libelle_nos_sans_suffixe"]] for r in read(source / "TRE_R38_SpecialiteOrdinale.csv")])
    write("modes.csv", ["code", "label"],
          [[r["code"], r["libelle_dans_fichier_rpps"]] for r in read(source / "TRE_R23_ModeExercice.csv")
           if r["libelle_dans_fichier_rpps"]])
    write("sectors.csv", ["code", "label"], [list(row) for row in SECTORS])
    write("ameli_sectors.csv", ["ameli_code", "label", "sector"],
          [[r["code"], r["libelle"], R282_TO_SECTOR[r["code"]]]
           for r in read(source / "TRE_R282_CNAMAmeliSecteurConventionnement.csv")])
    write("ameli_specialties.csv", ["code", "label", "profession", "specialty"],
          [[r["code"], r["libelle"], *G100_TO_RPPS.get(r["code"], ("", ""))]
           for r in read(source / "TRE_G100_Specialite_AM.csv")])
    print(f"nomenclatures écrites dans {OUT}")


if __name__ == "__main__":
    main()
