"""Realistic proportions for the synthetic population (orders of magnitude of the RPPS, not exact figures)."""
from __future__ import annotations

# profession code → share of activity places
PROFESSION_WEIGHTS = {
    "60": 30.0,   # infirmiers
    "10": 24.0,   # médecins
    "70": 11.0,   # masseurs-kinésithérapeutes
    "21": 8.5,    # pharmaciens
    "40": 5.5,    # chirurgiens-dentistes
    "50": 2.8,    # sages-femmes
    "91": 3.0,    # orthophonistes
    "80": 1.8,    # pédicures-podologues
    "28": 2.0,    # opticiens-lunetiers
    "98": 2.5,    # manipulateurs ERM
    "94": 1.3,    # ergothérapeutes
    "96": 1.2,    # psychomotriciens
    "95": 1.1,    # diététiciens
    "92": 0.6,    # orthoptistes
    "26": 0.7,    # audioprothésistes
}

GENERAL_PRACTICE = "SM54"
# specialty → weight among specialist doctors
SPECIALIST_WEIGHTS = {
    "SM02": 7, "SM04": 6, "SM44": 6, "SM42": 10, "SM40": 5, "SM38": 5, "SM20": 4, "SM19": 2, "SM15": 3,
    "SM24": 3, "SM39": 2.5, "SM48": 2, "SM32": 2, "SM41": 2, "SM16": 1.5, "SM30": 1.5, "SM12": 1.5, "SM08": 3,
    "SM05": 2, "SM14": 2, "SM27": 2, "SM18": 2, "SM29": 1.5, "SM59": 4, "SM03": 3, "SM01": 1, "SM21": 1,
    "SM36": 1, "SM28": 0.6, "SM43": 1, "SM61": 1, "SM57": 0.3, "SM58": 0.5,
}
GP_SHARE = 0.45
DENTAL_SPECIALTIES = {"SCD01": 0.06, "SCD02": 0.02}

# profession → share of libéral practice (the rest is salaried, a few volunteers)
LIBERAL_SHARE = {"10": 0.58, "60": 0.20, "70": 0.80, "21": 0.45, "40": 0.90, "50": 0.35, "91": 0.80,
                 "80": 0.95, "28": 0.40, "98": 0.05, "94": 0.20, "96": 0.25, "95": 0.30, "92": 0.65, "26": 0.55}
VOLUNTEER_SHARE = 0.01

# convention sectors of libéral practitioners
GP_SECTORS = {"1": 0.89, "2": 0.09, "1-dp": 0.01, "nc": 0.01}
SPECIALIST_SECTORS = {"1": 0.50, "2": 0.46, "1-dp": 0.02, "nc": 0.02}
OTHER_SECTORS = {"1": 0.975, "nc": 0.025}
OPTAM_SHARE_IN_SECTOR_2 = 0.45
CARTE_VITALE_SHARE = 0.96
SECOND_PLACE_SHARE = 0.08
ADDRESS_PRECISION_SHARE = 0.85

DOCTOR_TITLE_PROFESSIONS = {"10", "40", "21"}

HOSPITAL_KINDS = ("Centre hospitalier", "Centre hospitalier universitaire", "Clinique", "Hôpital privé",
                  "Centre de santé", "EHPAD")
