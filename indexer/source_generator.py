"""The synthetic population written as the real files publish it: an RPPS extract and an ameli export.

The same people as :mod:`indexer.generator` (same seed, same population), with what the real
files have:

- one RPPS row per activity place (a person with two places has two rows, one RPPS number);
- salaried hospital staff with their site's name, pharmacists with their section of the
  Ordre's table (``Code section tableau pharmaciens``), ADELI identifiers for some
  professions, a few CEDEX postal codes;
- ameli rows for libéral practice only (sector, OPTAM, carte Vitale, phone), names without
  accents and in other cases, hyphens as spaces, a second first name now and then, a typo
  in a few names (those will not match);
- practitioners present in only one source: libéral places missing from ameli, ameli rows
  whose person is missing from the RPPS extract;
- a few RPPS rows of people registered without any activity place (no address: the indexer
  rejects them, as it would in a real extract).

Everything random is drawn from a generator seeded by ``seed``: the same seed writes the
same bytes. Codes that the files carry but the directory does not use (secteur d'activité,
rôle, genre d'activité, autorité d'enregistrement) are plausible, not authoritative.
"""
from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from directory.model import Practitioner
from directory.nomenclatures import ameli_specialty_codes, modes, professions, specialties

from . import ameli_format as A
from . import rpps_format
from .transform import short_hash

SOURCE_SALT = 0x5EED_F11E

# shares (of places or of persons)
ADELI_PROFESSIONS = {"26": 0.35, "28": 0.35, "95": 0.15, "96": 0.15}
RPPS_MISSING_PERSON = 0.01       # libéral persons known to ameli only
AMELI_MISSING_PLACE = 0.06       # libéral places not (yet) in ameli
CEDEX_SHARE = 0.02
AMELI_NO_INSEE_CODE = 0.10
AMELI_OTHER_PHONE = 0.15
SECOND_FIRST_NAME = 0.01         # "Marie" in the RPPS, "Marie Claire" in ameli
NAME_TYPO = 0.006                # a letter lost in ameli: will not match
RPPS_PHONE_SHARE = 0.6
RPPS_WITHOUT_PLACE = 0.02        # a registration row with no activity place (unusable: rejected)

STREET_TYPES = {"rue": ("R", "Rue"), "avenue": ("AV", "Avenue"), "boulevard": ("BD", "Boulevard"),
                "place": ("PL", "Place"), "chemin": ("CHE", "Chemin"), "route": ("RTE", "Route"),
                "impasse": ("IMP", "Impasse"), "allée": ("ALL", "Allée"), "quai": ("QUAI", "Quai"),
                "faubourg": ("FG", "Faubourg")}
_ADDRESS = re.compile(r"^(?:(\d+)(?:\s*(bis|ter))?,?\s+)?(\S+)\s+(.*)$")

PHARMACIST_SECTIONS = {"A": "Pharmacien titulaire d'officine", "D": "Pharmacien adjoint et autres exercices",
                       "E": "Pharmacien exerçant dans les départements d'outre-mer",
                       "H": "Pharmacien des établissements de santé"}
ACTIVITY_SECTORS = {"cabinet": ("SA07", "Cabinet individuel"), "group": ("SA08", "Cabinet de groupe"),
                    "hospital": ("SA01", "Etablissement public de santé"),
                    "private": ("SA02", "Etablissement privé de santé"),
                    "pharmacy": ("SA33", "Pharmacie d'officine"), "other": ("SA42", "Autre structure")}
AUTHORITIES = {"10": "CNOM/CNOM/ARS", "21": "ONP/ONP/ARS", "40": "CNOCD/CNOCD/ARS", "50": "CNOSF/CNOSF/ARS",
               "60": "ONI/ONI/ARS", "70": "CNOMK/CNOMK/ARS", "80": "ONPP/ONPP/ARS"}
ROLES = {"L": ("FON-01", "Titulaire de cabinet"), "S": ("FON-05", "Salarié"), "B": ("FON-09", "Bénévole")}
SURGICAL_SPECIALTIES = {"SM05", "SM08", "SM12", "SM14", "SM20", "SM31", "SM39"}


def strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _ameli_code_of() -> dict[tuple[str, str | None], str]:
    """(profession, specialty) → the first TRE_G100 code that maps to it."""
    codes: dict[tuple[str, str | None], str] = {}
    for code, key in ameli_specialty_codes().items():
        codes.setdefault(key, code)
    return codes


@dataclass
class GeneratedSources:
    """What was written, for the closing message and for tests."""

    rpps_rows: int = 0
    ameli_rows: int = 0
    jsonl_rows: int = 0
    counts: Counter = field(default_factory=Counter)


@dataclass
class _Person:
    person_id: str
    in_rpps: bool
    adeli: str | None
    ameli_nom: str
    ameli_prenom: str
    civility_code: str
    new: bool = True


class SourceRows:
    """Turns practitioners at places into RPPS and ameli rows (``None`` when the place is absent from a file)."""

    def __init__(self, seed: int, postal_codes: frozenset[str] = frozenset()):
        self.postal_codes = postal_codes
        """Known postal codes: a CEDEX code is drawn among the others."""
        # one stream per file, so that each file is the same whether or not the other one is written
        self.rng = random.Random(seed ^ SOURCE_SALT)
        self.rpps_rng = random.Random((seed ^ SOURCE_SALT) + 1)
        self.ameli_rng = random.Random((seed ^ SOURCE_SALT) + 2)
        self.ameli_codes = _ameli_code_of()
        self._person: _Person | None = None
        self.counts: Counter = Counter()

    @staticmethod
    def _chance(rng: random.Random, share: float) -> bool:
        return rng.random() < share

    def person(self, practitioner: Practitioner) -> _Person:
        if self._person is not None and self._person.person_id == practitioner.person_id:
            self._person.new = False
            return self._person
        rng = self.rng
        adeli = None
        if self._chance(rng, ADELI_PROFESSIONS.get(practitioner.profession, 0.0)):
            adeli = f"{practitioner.profession}{rng.randrange(10**7):07d}"
        nom = strip_accents(practitioner.nom).upper()
        if " " in nom or "-" in nom:
            nom = nom.replace("-", " ") if self._chance(rng, 0.5) else nom
        if self._chance(rng, NAME_TYPO) and len(nom) > 4:
            cut = rng.randrange(1, len(nom) - 1)
            nom = nom[:cut] + nom[cut + 1:]
            self.counts["ameli : faute de frappe dans le nom"] += 1
        prenom = practitioner.prenom or ""
        draw = rng.random()
        if draw < 0.3:
            prenom = strip_accents(prenom).upper()
        elif draw < 0.4:
            prenom = prenom.replace("-", " ")
        if self._chance(rng, SECOND_FIRST_NAME):
            prenom = f"{prenom} {rng.choice(('Marie', 'Claire', 'Louis', 'Anne', 'Jean', 'Pierre'))}"
            self.counts["ameli : second prénom"] += 1
        civility = "MME" if practitioner.civilite == "Mme" else "M" if practitioner.civilite == "M." else \
            rng.choice(("M", "MME"))
        in_rpps = not (practitioner.mode == "L" and self._chance(rng, RPPS_MISSING_PERSON))
        self._person = _Person(practitioner.person_id, in_rpps, adeli, nom, prenom, civility)
        return self._person

    # -- RPPS ------------------------------------------------------------------------------
    def rpps_row(self, practitioner: Practitioner, person: _Person) -> dict[str, str] | None:
        if not person.in_rpps:
            self.counts["absents du RPPS (ameli seul)"] += 1
            return None
        p, rng = practitioner, self.rpps_rng
        address = p.address
        values = {
            "Type d'identifiant PP": "0" if person.adeli else "8",
            "Identifiant PP": person.adeli or p.rpps,
            "Identification nationale PP": ("0" + person.adeli) if person.adeli else ("8" + p.rpps),
            "Code civilité": person.civility_code,
            "Libellé civilité": "Madame" if person.civility_code == "MME" else "Monsieur",
            "Nom d'exercice": p.nom.upper(),
            "Prénom d'exercice": (p.prenom or "").upper(),
            "Code profession": p.profession,
            "Libellé profession": professions().label(p.profession) or "",
            "Code catégorie professionnelle": "C",
            "Libellé catégorie professionnelle": "Civil",
            "Code mode exercice": p.mode or "",
            "Libellé mode exercice": modes().label(p.mode) or "",
            "Code postal (coord. structure)": address.postal_code or "",
            "Code commune (coord. structure)": address.commune_code or "",
            "Libellé commune (coord. structure)": address.commune or "",
            "Code Département (structure)": address.departement or "",
            "Autorité d'enregistrement": AUTHORITIES.get(p.profession, "ARS/Variable/Variable"),
        }
        if p.civilite == "Dr":
            values["Code civilité d'exercice"], values["Libellé civilité d'exercice"] = "DR", "Docteur"
        if p.specialties:
            values.update({"Code type savoir-faire": "S", "Libellé type savoir-faire": "Spécialité ordinale",
                           "Code savoir-faire": p.specialties[0],
                           "Libellé savoir-faire": specialties().label(p.specialties[0]) or ""})
        self._site(values, p)
        self._street(values, address.line or "")
        if self._chance(self.rpps_rng, CEDEX_SHARE) and address.postal_code:
            cedex = self._cedex_code(address.departement or address.postal_code, rng)
            values.update({"Mention distribution (coord. structure)": f"CS {rng.randrange(10000, 99999)}",
                           "Bureau cedex (coord. structure)": f"{cedex} {strip_accents(address.commune or '').upper()} CEDEX",
                           "Code postal (coord. structure)": cedex})
            self.counts["RPPS : code postal CEDEX"] += 1
        if p.phone and self._chance(self.rpps_rng, RPPS_PHONE_SHARE):
            values["Téléphone (coord. structure)"] = p.phone
        if p.profession == "21":
            section = "E" if (address.departement or "").startswith("97") else \
                "A" if p.mode == "L" else "H" if p.site_name else "D"
            values["Code section tableau pharmaciens"] = section
            values["Libellé section tableau pharmaciens"] = PHARMACIST_SECTIONS[section]
            self.counts[f"RPPS : pharmaciens section {section}"] += 1
        role = ROLES.get(p.mode or "", ("", ""))
        values.update({"Code rôle": role[0], "Libellé rôle": role[1], "Code genre activité": "GENR01",
                       "Libellé genre activité": "Activité standard de soin ou de pharmacien"})
        if person.adeli:
            self.counts["RPPS : identifiant ADELI"] += 1
        if p.site_name:
            self.counts["RPPS : salariés avec nom de site"] += 1
        return values

    def rpps_rows(self, practitioner: Practitioner, person: _Person) -> list[dict[str, str]]:
        """The row of this place, and for some people, once, a registration row without any place."""
        row = self.rpps_row(practitioner, person)
        if row is None:
            return []
        if person.new and self._chance(self.rpps_rng, RPPS_WITHOUT_PLACE):
            self.counts["RPPS : inscrits sans lieu d'exercice"] += 1
            identity = {name: row[name] for name in rpps_format.COLUMNS[:rpps_format.MODE] if name in row}
            return [identity, row]
        return [row]

    def _cedex_code(self, departement: str, rng: random.Random) -> str:
        prefix = departement[:3] if departement.startswith("97") else "20" if departement in ("2A", "2B") \
            else departement[:2]
        while True:
            code = (prefix + "9" + str(rng.randrange(10**(4 - len(prefix))))).ljust(5, "9")[:5]
            if code not in self.postal_codes:
                return code

    def _site(self, values: dict[str, str], p: Practitioner) -> None:
        digest = short_hash(p.id, "site")
        siret = str(int(digest, 16) % 10**14).zfill(14)
        if p.site_name:
            finess = str(int(digest, 16) % 10**9).zfill(9)
            kind = "hospital" if p.site_name.startswith(("Centre hospitalier", "EHPAD")) else "private"
            values.update({"Numéro FINESS site": finess, "Numéro FINESS établissement juridique": finess[:6] + "000",
                           "Identifiant technique de la structure": "F" + finess,
                           "Raison sociale site": p.site_name.upper(), "Numéro SIRET site": siret})
        elif p.profession == "21" and p.mode == "L":
            kind = "pharmacy"
            values.update({"Numéro SIRET site": siret, "Identifiant technique de la structure": "C" + siret,
                           "Raison sociale site": f"PHARMACIE {strip_accents(p.address.commune or '').upper()}"})
        elif p.mode == "L":
            kind = "group" if self._chance(self.rpps_rng, 0.3) else "cabinet"
            values["Identifiant technique de la structure"] = "R" + siret[:10]
        else:
            kind = "other"
            values.update({"Numéro SIRET site": siret, "Identifiant technique de la structure": "C" + siret})
        values["Code secteur d'activité"], values["Libellé secteur d'activité"] = ACTIVITY_SECTORS[kind]

    @staticmethod
    def _street(values: dict[str, str], line: str) -> None:
        match = _ADDRESS.match(line)
        if match is None:
            values["Libellé Voie (coord. structure)"] = strip_accents(line).upper()
            return
        number, repeat, kind, rest = match.groups()
        code, label = STREET_TYPES.get(kind.lower(), ("", ""))
        if not code:
            rest = f"{kind} {rest}"
        values.update({"Numéro Voie (coord. structure)": number or "",
                       "Indice répétition voie (coord. structure)": (repeat or "")[:1].upper(),
                       "Code type de voie (coord. structure)": code, "Libellé type de voie (coord. structure)": label,
                       "Libellé Voie (coord. structure)": strip_accents(rest).upper()})

    # -- ameli -----------------------------------------------------------------------------
    def ameli_row(self, practitioner: Practitioner, person: _Person) -> dict[str, str] | None:
        p = practitioner
        if p.mode != "L" or p.sector is None:
            return None
        code = self.ameli_codes.get((p.profession, p.specialties[0] if p.specialties else None)) \
            or self.ameli_codes.get((p.profession, None))
        if code is None:
            self.counts["hors ameli (profession sans code ameli)"] += 1
            return None
        if person.in_rpps and self._chance(self.ameli_rng, AMELI_MISSING_PLACE):
            self.counts["absents d'ameli (RPPS seul)"] += 1
            return None
        address = p.address
        sector = A.SECTOR_CODES_WRITTEN[p.sector]
        option = ("OPTAM-CO" if p.specialties and p.specialties[0] in SURGICAL_SPECIALTIES else "OPTAM") if p.optam else ""
        phone = p.phone or ""
        if self._chance(self.ameli_rng, AMELI_OTHER_PHONE):
            phone = f"0{phone[1:2] or '1'}{self.ameli_rng.randrange(10**8):08d}"
        carte = "" if p.carte_vitale is None else ("O" if p.carte_vitale else "N")
        return {
            "type_ps_code": "1" if p.profession == "10" else "5" if p.profession == "40" else "2",
            "ps_civilite": person.civility_code,
            "ps_activite_nom": person.ameli_nom,
            "ps_activite_prenom": person.ameli_prenom,
            "specialite_code": code,
            "specialite_libelle": (specialties().label(p.specialties[0]) if p.specialties else
                                   professions().label(p.profession)) or "",
            "coordonnees_raison_sociale": (p.site_name or "").upper(),
            "coordonnees_adresse": strip_accents((address.line or "").replace(",", "")).upper(),
            "coordonnees_code_postal": address.postal_code or "",
            "coordonnees_commune": strip_accents(address.commune or "").upper(),
            "coordonnees_code_insee": "" if self._chance(self.ameli_rng, AMELI_NO_INSEE_CODE) else (address.commune_code or ""),
            "coordonnees_telephone": " ".join(phone[i:i + 2] for i in range(0, len(phone), 2)),
            "secteur_conventionnel_code": sector,
            "secteur_conventionnel_libelle": A.SECTOR_LABELS_WRITTEN[sector],
            "option_tarifaire_code": option,
            "option_tarifaire_libelle": A.OPTAM_CODES.get(option, ""),
            "carte_vitale_code": carte,
            "carte_vitale_libelle": A.CARTE_VITALE_LABELS.get(carte, ""),
        }


def write_sources(practitioners: Iterable[Practitioner], seed: int, *, rpps_writer=None, ameli_writer=None,
                  jsonl_handle=None, on_row=None, postal_codes: Iterable[str] = ()) -> GeneratedSources:
    """Write each practitioner at a place to the files asked for, in one pass."""
    import json

    from directory.records import practitioner_to_dict

    rows = SourceRows(seed, frozenset(postal_codes))
    result = GeneratedSources()
    for number, practitioner in enumerate(practitioners, start=1):
        person = rows.person(practitioner)
        if rpps_writer is not None:
            for values in rows.rpps_rows(practitioner, person):
                rpps_writer.write(values)
                result.rpps_rows += 1
        if ameli_writer is not None:
            values = rows.ameli_row(practitioner, person)
            if values is not None:
                ameli_writer.write(values)
                result.ameli_rows += 1
        if jsonl_handle is not None:
            jsonl_handle.write(json.dumps(practitioner_to_dict(practitioner), ensure_ascii=False, separators=(",", ":")))
            jsonl_handle.write("\n")
            result.jsonl_rows += 1
        if on_row is not None:
            on_row(number)
    result.counts = rows.counts
    return result
