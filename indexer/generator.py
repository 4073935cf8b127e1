"""Synthetic, realistic demonstration data: fictitious people at real places.

Practitioners are spread over real communes in proportion to their population, with a
realistic mix of professions, specialties, modes and convention sectors. Names and street
addresses are invented (Faker ``fr_FR``). The same ``seed`` always gives the same population.
"""
from __future__ import annotations

import math
import random
from bisect import bisect
from dataclasses import replace
from itertools import accumulate
from typing import Iterator

from directory.distance import EARTH_RADIUS_KM
from directory.model import PRECISION_ADDRESS, PRECISION_MUNICIPALITY, Address, Location, Practitioner

from . import population as mix

DEMO_DATA_DATE = "données de démonstration"


class WeightedChoice:
    """Draws keys in proportion to their weights, in O(log n)."""

    def __init__(self, weights: dict):
        self.keys = list(weights)
        self.cumulative = list(accumulate(weights.values()))

    def draw(self, rng: random.Random):
        return self.keys[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def populated_communes(reference) -> list:
    """Communes that can receive practitioners: located, populated, arrondissements instead of their city,
    each with the postal codes that the postal code file knows for it (an address uses one of those)."""
    parents = {commune.parent for commune in reference.communes.values() if commune.parent}
    communes = []
    for commune in reference.communes.values():
        known = tuple(code for code in commune.postal_codes if code in reference.postal_codes)
        if commune.code not in parents and commune.has_location and commune.population > 0 and known:
            communes.append(commune if known == commune.postal_codes else replace(commune, postal_codes=known))
    return communes


def jitter(rng: random.Random, lat: float, lon: float, population: int) -> tuple[float, float]:
    """A point near a commune's centre, spread more in larger communes."""
    sigma_km = min(2.5, 0.25 + math.sqrt(population) / 250)
    dlat = rng.gauss(0, sigma_km) / EARTH_RADIUS_KM * 180 / math.pi
    dlon = rng.gauss(0, sigma_km) / EARTH_RADIUS_KM * 180 / math.pi / max(0.2, math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


class PopulationGenerator:
    """Iterates over practitioners at places; see :func:`generate_population`."""

    def __init__(self, reference, seed: int):
        from faker import Faker

        self.rng = random.Random(seed)
        self.faker = Faker("fr_FR")
        self.faker.seed_instance(seed)
        self.communes = populated_communes(reference)
        self.commune_choice = WeightedChoice({index: commune.population for index, commune in enumerate(self.communes)})
        self._departement_choices: dict[str, WeightedChoice] = {}
        self.professions = WeightedChoice(mix.PROFESSION_WEIGHTS)
        self.specialists = WeightedChoice(mix.SPECIALIST_WEIGHTS)
        self.sector_choices = {name: WeightedChoice(weights) for name, weights in
                               (("gp", mix.GP_SECTORS), ("specialist", mix.SPECIALIST_SECTORS), ("other", mix.OTHER_SECTORS))}

    def _chance(self, share: float) -> bool:
        return self.rng.random() < share

    def _specialties(self, profession: str) -> tuple[str, ...]:
        if profession == "10":
            return (mix.GENERAL_PRACTICE,) if self._chance(mix.GP_SHARE) else (self.specialists.draw(self.rng),)
        if profession == "40":
            for code, share in mix.DENTAL_SPECIALTIES.items():
                if self._chance(share):
                    return (code,)
        return ()

    def _mode(self, profession: str) -> str:
        if self._chance(mix.LIBERAL_SHARE[profession]):
            return "L"
        return "B" if self._chance(mix.VOLUNTEER_SHARE) else "S"

    def _convention(self, profession: str, specialties: tuple[str, ...], mode: str):
        """(sector, optam, carte_vitale): only libéral practice is under the convention."""
        if mode != "L":
            return None, None, None
        kind = "other" if profession != "10" else ("gp" if specialties == (mix.GENERAL_PRACTICE,) else "specialist")
        sector = self.sector_choices[kind].draw(self.rng)
        optam = profession == "10" and sector == "2" and self._chance(mix.OPTAM_SHARE_IN_SECTOR_2)
        carte_vitale = sector != "nc" and self._chance(mix.CARTE_VITALE_SHARE)
        return sector, optam, carte_vitale

    def _phone(self, departement: str) -> str:
        first = departement[:2]
        area = "1" if first in {"75", "77", "78", "91", "92", "93", "94", "95"} else \
            "2" if first in {"14", "22", "29", "35", "44", "49", "50", "53", "56", "61", "72", "85", "27", "76", "28", "37", "41", "45", "18", "36"} else \
            "6" if first == "97" else str(self.rng.choice("345"))
        return f"0{area}{self.rng.randrange(10**8):08d}"

    def _place(self, commune, mode: str, profession: str) -> tuple[Address, Location, str | None]:
        site_name = None
        if mode == "S" and profession in {"10", "60", "98", "94", "96", "95", "50"}:
            site_name = f"{self.rng.choice(mix.HOSPITAL_KINDS)} {commune.name}"
        if self._chance(mix.ADDRESS_PRECISION_SHARE):
            lat, lon = jitter(self.rng, commune.lat, commune.lon, commune.population)
            location = Location(lat, lon, PRECISION_ADDRESS)
        else:
            location = Location(commune.lat, commune.lon, PRECISION_MUNICIPALITY)
        postal_code = self.rng.choice(commune.postal_codes)
        address = Address(self.faker.street_address(), postal_code, commune.name, commune.code, commune.departement)
        return address, location, site_name

    def practitioners(self, size: int) -> Iterator[Practitioner]:
        produced, person_number = 0, 0
        while produced < size:
            person_number += 1
            rpps = f"10{100000000 + person_number:09d}"
            profession = self.professions.draw(self.rng)
            specialties = self._specialties(profession)
            female = self._chance(0.62 if profession != "10" else 0.50)
            prenom = self.faker.first_name_female() if female else self.faker.first_name_male()
            nom = self.faker.last_name().upper()
            if profession in mix.DOCTOR_TITLE_PROFESSIONS:
                civilite = "Dr"
            else:
                civilite = "Mme" if female else "M."
            places = 2 if self._chance(mix.SECOND_PLACE_SHARE) else 1
            home = self.communes[self.commune_choice.draw(self.rng)]
            for place_number in range(1, places + 1):
                if produced >= size:
                    break
                commune = home if place_number == 1 else self._nearby_commune(home)
                mode = self._mode(profession)
                sector, optam, carte_vitale = self._convention(profession, specialties, mode)
                address, location, site_name = self._place(commune, mode, profession)
                yield Practitioner(
                    id=f"{rpps}-{place_number}", person_id=rpps, rpps=rpps, civilite=civilite, nom=nom, prenom=prenom,
                    profession=profession, specialties=specialties, sector=sector, optam=optam,
                    carte_vitale=carte_vitale, mode=mode, address=address, phone=self._phone(commune.departement),
                    location=location, site_name=site_name)
                produced += 1

    def _nearby_commune(self, home):
        """A commune of the same département, chosen by population (a second practice place)."""
        choice = self._departement_choices.get(home.departement)
        if choice is None:
            choice = WeightedChoice({index: commune.population for index, commune in enumerate(self.communes)
                                     if commune.departement == home.departement})
            self._departement_choices[home.departement] = choice
        return self.communes[choice.draw(self.rng)]


def generate_population(reference, size: int, seed: int) -> Iterator[Practitioner]:
    """``size`` practitioners at places, the same for the same ``seed`` and reference data."""
    return PopulationGenerator(reference, seed).practitioners(size)
