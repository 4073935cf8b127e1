"""Raw source rows → practitioners at places, checked against the nomenclatures and the reference geography.

One :class:`Transform` per load holds the reference geography and the geocoder. Each row
gives a :class:`~directory.model.Practitioner` or a :class:`~indexer.rejects.Reject` (with the
line number and a reason), and sometimes a warning (kept, but worth telling). The checks are
plain and fast (set look-ups against the nomenclatures, a cached place resolution): a
marshmallow schema per row is kept for the project's own JSON Lines only.

Reject reasons are ``"category : detail"``; the load summary counts them by category.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator

from directory.model import Address, Location, Practitioner
from directory.nomenclatures import ameli_sector_codes, ameli_specialty_codes, modes, professions, specialties
from directory.normalize import normalize_text
from geodata.geocoding import CommuneCentreGeocoder

from . import ameli_format as A
from . import rpps_format as R
from .rejects import Reject, Warning_

POSTAL_CODE_RE = re.compile(r"\d{5}")
_NOT_DIGIT = re.compile(r"\D+")

# Boxes around the French territories served (metropolitan France with Corsica, the five DROM,
# Saint-Pierre-et-Miquelon, Saint-Barthélemy and Saint-Martin): a point outside all of them is
# not a French address (often 0,0 or swapped coordinates).
FRANCE_BOXES = (
    (41.2, 51.2, -5.5, 9.9),     # métropole et Corse
    (15.8, 18.2, -63.3, -60.8),  # Guadeloupe, Saint-Barthélemy, Saint-Martin
    (14.3, 15.0, -61.3, -60.7),  # Martinique
    (2.0, 6.0, -54.7, -51.5),    # Guyane
    (-21.5, -20.8, 55.1, 56.0),  # La Réunion
    (-13.1, -12.5, 44.9, 45.4),  # Mayotte
    (46.7, 47.2, -56.5, -56.1),  # Saint-Pierre-et-Miquelon
)

# RPPS column positions, bound here for the per-row code
(_ID_TYPE, _PP_ID, _NATIONAL_ID, _TITLE_CODE, _CIVILITY_CODE, _NOM, _PRENOM, _PROFESSION, _SKILL_TYPE, _SKILL, _MODE,
 _SIRET, _FINESS, _STRUCTURE_ID, _SITE_NAME, _SIGN, _STREET_NUMBER, _STREET_REPEAT, _STREET_TYPE, _STREET_NAME,
 _CEDEX_OFFICE, _POSTAL_CODE, _COMMUNE_CODE, _COMMUNE_LABEL, _PHONE) = (
    R.ID_TYPE, R.PP_ID, R.NATIONAL_ID, R.TITLE_CODE, R.CIVILITY_CODE, R.NOM, R.PRENOM, R.PROFESSION, R.SKILL_TYPE,
    R.SKILL, R.MODE, R.SIRET, R.FINESS, R.STRUCTURE_ID, R.SITE_NAME, R.SIGN, R.STREET_NUMBER, R.STREET_REPEAT,
    R.STREET_TYPE, R.STREET_NAME, R.CEDEX_OFFICE, R.POSTAL_CODE, R.COMMUNE_CODE, R.COMMUNE_LABEL, R.PHONE)

TITLES = {"DR": "Dr", "PR": "Pr"}
DOCTOR_TITLE_PROFESSIONS = {"10", "21", "40"}
CIVILITIES = {"M": "M.", "MME": "Mme", "MLLE": "Mme"}


normalized = lru_cache(maxsize=262_144)(normalize_text)
""":func:`normalize_text`, remembered: names, first names and commune labels repeat a lot."""


def in_france(lat: float, lon: float) -> bool:
    return any(south <= lat <= north and west <= lon <= east for south, north, west, east in FRANCE_BOXES)


def short_hash(*parts: str) -> str:
    """A stable 10-hex-digit digest of ``parts`` (ids that survive re-indexing)."""
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=5).hexdigest()


def display_first_name(prenom: str) -> str:
    """``JEAN-PIERRE`` → ``Jean-Pierre``; a first name already in mixed case is kept."""
    return prenom.title() if prenom.isupper() else prenom


def clean_phone(text: str) -> str | None:
    """A 10-digit French phone number (``01 23 45 67 89``, ``+33 1 23…`` → ``0123456789``), or ``None``."""
    if len(text) == 10 and text[0] == "0" and text.isdigit():
        return text
    digits = _NOT_DIGIT.sub("", text)
    if digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if len(digits) == 10 and digits.startswith("0") else None


def reason(category: str, detail: str | None = None) -> str:
    return f"{category} : {detail}" if detail else category


def reason_category(text: str) -> str:
    """What the summary counts a reject under: the reason without its detail."""
    return text.split(" : ", 1)[0]


@dataclass(frozen=True, slots=True)
class Place:
    """Where a row says the practitioner works, resolved against the reference geography."""

    commune_code: str
    commune_name: str
    departement: str
    postal_code: str | None
    warning: str | None = None


class PlaceResolver:
    """Postal code + commune code + commune label → :class:`Place`, or a reject reason (cached)."""

    def __init__(self, reference):
        self.reference = reference
        self._cache: dict[tuple[str, str, str], Place | str] = {}
        self._listed_by_communes: dict[str, list] | None = None
        self._postal_communes: dict[str, list] = {}

    def communes_for_postal_code(self, postal_code: str) -> list:
        """The communes this postal code delivers to, from La Poste's file and from the communes' own lists
        (the two sources do not always agree), most populated first (cached)."""
        found = self._postal_communes.get(postal_code)
        if found is None:
            found = self._postal_communes[postal_code] = self._communes_for_postal_code(postal_code)
        return found

    def _communes_for_postal_code(self, postal_code: str) -> list:
        if self._listed_by_communes is None:
            listed: dict[str, list] = {}
            for commune in self.reference.communes.values():
                for code in commune.postal_codes:
                    listed.setdefault(code, []).append(commune)
            self._listed_by_communes = listed
        communes = self.reference.communes_for_postal_code(postal_code)
        known = {c.code for c in communes}
        extra = [c for c in self._listed_by_communes.get(postal_code, ()) if c.code not in known]
        if extra:
            communes = [*communes, *extra]
            parents = {c.parent for c in communes if c.parent}  # Paris, Lyon, Marseille: their arrondissements
            communes = sorted((c for c in communes if c.code not in parents),
                              key=lambda commune: (-commune.population, commune.code))
        return communes

    def resolve(self, postal_code: str, commune_code: str, commune_label: str) -> Place | str:
        key = (postal_code, commune_code, "" if commune_code else commune_label)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._resolve(*key)
        return found

    def _resolve(self, postal_code: str, commune_code: str, commune_label: str) -> Place | str:
        reference = self.reference
        if postal_code and not POSTAL_CODE_RE.fullmatch(postal_code):
            return reason("code postal invalide", postal_code)
        postal_communes = self.communes_for_postal_code(postal_code) if postal_code else []
        if commune_code:
            commune = reference.current_commune(commune_code)
            if commune is None:
                return reason("code commune inconnu", commune_code)
            arrondissements = [c for c in postal_communes if c.parent == commune.code]
            if arrondissements:  # a city's code (Paris 75056) with an arrondissement's postal code
                commune = arrondissements[0]
            warning = None
            if postal_code and not self._delivers(postal_code, postal_communes, commune):
                warning = (f"code postal {postal_code} ne correspond pas à la commune {commune.code} "
                           f"({commune.name}) : adresse gardée, située par la commune")
            return Place(commune.code, commune.name, commune.departement, postal_code or None, warning)
        if not postal_code:
            return "adresse sans code postal ni code commune"
        if not postal_communes:
            return reason("code postal inconnu et code commune absent", postal_code)
        return self._by_label(postal_communes, postal_code, commune_label)

    @staticmethod
    def _delivers(postal_code: str, postal_communes: list, commune) -> bool:
        if postal_communes:
            code, parent = commune.code, commune.parent
            return any(c.code == code or c.parent == code or c.code == parent for c in postal_communes)
        # a CEDEX or otherwise unlisted code: at least the département must agree
        departement = commune.departement
        if departement.startswith("97"):
            return postal_code[:3] == departement
        if departement in ("2A", "2B"):
            return postal_code[:2] == "20"
        return postal_code[:2] == departement[:2]

    def _by_label(self, postal_communes: list, postal_code: str, commune_label: str) -> Place:
        """The commune of a postal code that the label names (``25300 DOUBS`` → Doubs), else the largest."""
        wanted = normalize_text(commune_label)
        chosen = postal_communes[0]
        if wanted:
            entries = self.reference.postal_codes.get(postal_code, ())
            labels = {entry.commune_code: normalize_text(entry.libelle_acheminement) for entry in entries}
            for commune in postal_communes:
                if wanted == normalize_text(commune.name) or wanted == labels.get(commune.code):
                    chosen = commune
                    break
        return Place(chosen.code, chosen.name, chosen.departement, postal_code)


@dataclass(frozen=True, slots=True)
class AmeliRow:
    """An ameli row that passed the checks (before geocoding)."""

    line: int
    text: str
    civilite: str | None
    nom: str
    prenom: str | None
    profession: str
    specialties: tuple[str, ...]
    sector: str | None
    optam: bool | None
    carte_vitale: bool | None
    phone: str | None
    site_name: str | None
    address_line: str | None
    place: Place

    @property
    def id(self) -> str:
        return "ameli-" + short_hash(normalized(self.nom), normalized(self.prenom), self.profession,
                                     ",".join(self.specialties), self.place.postal_code or "", self.place.commune_code,
                                     normalize_text(self.address_line))


class Transform:
    """Rows of every source → practitioners or rejects."""

    def __init__(self, reference, geocoder):
        self.reference = reference
        self.geocoder = geocoder
        self.places = PlaceResolver(reference)
        self._professions = set(professions().allowed())
        self._specialties = set(specialties().allowed())
        self._modes = set(modes().allowed())
        self._ameli_specialties = ameli_specialty_codes()
        self._ameli_sectors = ameli_sector_codes()
        self._by_commune_only = isinstance(geocoder, CommuneCentreGeocoder)
        self._located: dict[tuple, Location | str] = {}

    # -- geocoding -------------------------------------------------------------------------
    def locate(self, line: str | None, place: Place) -> Location | str:
        if self._by_commune_only:  # the answer depends on the place only: ask once per place
            key = (place.postal_code, place.commune_code)
            found = self._located.get(key)
            if found is None:
                found = self._located[key] = self._locate(line, place)
            return found
        return self._locate(line, place)

    def _locate(self, line: str | None, place: Place) -> Location | str:
        result = self.geocoder.geocode(line, place.postal_code, place.commune_code)
        if result is None:
            return reason("adresse non géolocalisable", f"commune {place.commune_code} sans centre connu")
        if not in_france(result.lat, result.lon):
            return reason("coordonnées hors de France", f"{result.lat}, {result.lon}")
        return Location(result.lat, result.lon, result.precision)

    # -- RPPS ------------------------------------------------------------------------------
    def rpps(self, source: str, number: int, fields: list[str], text: str
             ) -> tuple[Practitioner | Reject, Warning_ | None]:
        """One RPPS activity row: identity, profession, specialty, mode, site and address."""
        nom = fields[_NOM].strip()
        if not nom:
            return Reject.of(source, number, "nom vide", text), None
        profession = fields[_PROFESSION].strip()
        if profession not in self._professions:
            return Reject.of(source, number, reason("code profession inconnu", profession or "(vide)"), text), None
        specialty_codes: tuple[str, ...] = ()
        if fields[_SKILL_TYPE].strip() == R.SKILL_TYPE_SPECIALTY:
            skill = fields[_SKILL].strip()
            if skill:
                if skill not in self._specialties:
                    return Reject.of(source, number, reason("code spécialité inconnu", skill), text), None
                specialty_codes = (skill,)
        mode = fields[_MODE].strip() or None
        if mode is not None and mode not in self._modes:
            return Reject.of(source, number, reason("mode d'exercice inconnu", mode), text), None
        id_type, pp_id = fields[_ID_TYPE].strip(), fields[_PP_ID].strip()
        if not pp_id:
            return Reject.of(source, number, "identifiant PP absent", text), None
        rpps = pp_id if id_type == R.ID_TYPE_RPPS and len(pp_id) == 11 and pp_id.isdigit() else None
        person_id = rpps or fields[_NATIONAL_ID].strip() or f"{id_type}{pp_id}"

        postal_code = fields[_POSTAL_CODE].strip()
        cedex = fields[_CEDEX_OFFICE].strip()
        if not postal_code and cedex[:5].isdigit():
            postal_code = cedex[:5]
        commune_code = fields[_COMMUNE_CODE].strip()
        place = self.places.resolve(postal_code, commune_code,
                                    "" if commune_code else (fields[_COMMUNE_LABEL].strip() or cedex[5:].strip()))
        if place.__class__ is str:
            return Reject.of(source, number, place, text), None
        street = [part for part in (fields[_STREET_NUMBER].strip(), fields[_STREET_REPEAT].strip(),
                                    fields[_STREET_TYPE].strip(), fields[_STREET_NAME].strip()) if part]
        line = " ".join(street) if street else None
        location = self.locate(line, place)
        if location.__class__ is str:
            return Reject.of(source, number, location, text), None

        title = TITLES.get(fields[_TITLE_CODE].strip().upper())
        civilite = title or CIVILITIES.get(fields[_CIVILITY_CODE].strip().upper())
        prenom = fields[_PRENOM].strip()
        site_key = (fields[_STRUCTURE_ID].strip() or fields[_SIRET].strip() or fields[_FINESS].strip()
                    or f"{place.postal_code}|{place.commune_code}|{normalized(line)}")
        practitioner = Practitioner(
            f"{person_id}-{short_hash(site_key, mode or '')}", person_id, rpps, civilite, nom,
            display_first_name(prenom) if prenom else None, profession, specialty_codes,
            None, None, None, mode, Address(line, place.postal_code, place.commune_name, place.commune_code,
                                            place.departement),
            clean_phone(fields[_PHONE]), location, fields[_SITE_NAME].strip() or fields[_SIGN].strip() or None)
        warning = Warning_(source, number, place.warning) if place.warning else None
        return practitioner, warning

    # -- ameli -----------------------------------------------------------------------------
    def ameli(self, source: str, number: int, fields: list[str], text: str
              ) -> tuple[AmeliRow | Reject, Warning_ | None]:
        """One ameli row, checked (not geocoded: only unmatched rows need their own place)."""
        nom = fields[A.NOM].strip()
        if not nom:
            return Reject.of(source, number, "nom vide", text), None
        code = fields[A.SPECIALTY].strip()
        mapped = self._ameli_specialties.get(code)
        if mapped is None:
            return Reject.of(source, number, reason("code spécialité ameli inconnu ou hors professions de santé",
                                                    code or "(vide)"), text), None
        profession, specialty = mapped
        place = self.places.resolve(fields[A.POSTAL_CODE].strip(), fields[A.COMMUNE_CODE].strip(),
                                    fields[A.COMMUNE_LABEL].strip())
        if isinstance(place, str):
            return Reject.of(source, number, place, text), None
        notes = [place.warning] if place.warning else []
        sector_code = fields[A.SECTOR].strip()
        sector = self._ameli_sectors.get(sector_code)
        if sector is None and sector_code:
            notes.append(f"secteur conventionnel inconnu : {sector_code} (laissé vide)")
        option = fields[A.TARIFF_OPTION].strip().upper()
        if option and option not in A.OPTAM_CODES:
            notes.append(f"option tarifaire inconnue : {option} (laissée vide)")
        optam = (option in A.OPTAM_CODES) if (not option or option in A.OPTAM_CODES) else None
        carte = fields[A.CARTE_VITALE].strip().upper()
        carte_vitale = A.CARTE_VITALE_CODES.get(carte)
        if carte and carte_vitale is None:
            notes.append(f"code carte Vitale inconnu : {carte} (laissé vide)")
        prenom = fields[A.PRENOM].strip()
        line = " ".join(fields[A.ADDRESS].split()) or None
        row = AmeliRow(number, text, CIVILITIES.get(fields[A.CIVILITE].strip().upper()), nom,
                       display_first_name(prenom) if prenom else None, profession, (specialty,) if specialty else (),
                       sector, optam, carte_vitale, clean_phone(fields[A.PHONE]), fields[A.SITE_NAME].strip() or None,
                       line, place)
        return row, (Warning_(source, number, " ; ".join(notes)) if notes else None)

    def ameli_practitioner(self, source: str, row: AmeliRow) -> Practitioner | Reject:
        """An ameli row with no RPPS counterpart, as a practitioner of its own (``rpps: null``)."""
        location = self.locate(row.address_line, row.place)
        if isinstance(location, str):
            return Reject.of(source, row.line, location, row.text)
        place = row.place
        practitioner_id = row.id
        return Practitioner(
            id=practitioner_id, person_id=practitioner_id, rpps=None,
            civilite="Dr" if row.profession in DOCTOR_TITLE_PROFESSIONS else row.civilite, nom=row.nom, prenom=row.prenom,
            profession=row.profession, specialties=row.specialties, sector=row.sector, optam=row.optam,
            carte_vitale=row.carte_vitale, mode="L",
            address=Address(row.address_line, place.postal_code, place.commune_name, place.commune_code,
                            place.departement),
            phone=row.phone, location=location, site_name=row.site_name)

    # -- the project's JSON Lines ----------------------------------------------------------
    def checked_records(self, items: Iterable[tuple[int, str, Practitioner | Reject]], source: str
                        ) -> Iterator[Practitioner | Reject | Warning_]:
        """JSON Lines records (already through the record schema) checked against the geography."""
        resolve = self.places.resolve
        for number, text, item in items:
            if isinstance(item, Reject):
                yield item
                continue
            address, location = item.address, item.location
            if not in_france(location.lat, location.lon):
                yield Reject.of(source, number, reason("coordonnées hors de France", f"{location.lat}, {location.lon}"),
                                text)
                continue
            if address.commune_code:
                place = resolve(address.postal_code or "", address.commune_code, address.commune or "")
                if isinstance(place, str):
                    yield Reject.of(source, number, place, text)
                    continue
                if place.warning:
                    yield Warning_(source, number, place.warning)
            yield item
