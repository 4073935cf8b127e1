"""A small, hand-made population whose answers are known, for the backend contract suite."""
from __future__ import annotations

from directory.model import PRECISION_ADDRESS, PRECISION_MUNICIPALITY, Address, Location, Practitioner

PARIS = (48.8566, 2.3522)
LYON = (45.7640, 4.8357)


def practitioner(id: str, nom: str, prenom: str, profession: str, lat: float, lon: float, *, specialties=(),
                 sector=None, optam=None, carte_vitale=None, mode="L", person_id=None, postal_code="75001",
                 commune_code="75101", departement="75", commune="Paris 1er Arrondissement", precision=PRECISION_ADDRESS):
    return Practitioner(
        id=id, person_id=person_id or id.split("-")[0], rpps=None, civilite="Dr" if profession == "10" else None,
        nom=nom, prenom=prenom, profession=profession, specialties=tuple(specialties), sector=sector, optam=optam,
        carte_vitale=carte_vitale, mode=mode,
        address=Address("1 rue de l'Exemple", postal_code, commune, commune_code, departement),
        phone="0100000000", location=Location(lat, lon, precision))


def contract_population() -> list[Practitioner]:
    """Paris and Lyon practitioners, a Corsican one, and one on the Greenwich meridian (lon 0)."""
    return [
        practitioner("p01-1", "MARTIN", "Jeanne", "10", 48.8570, 2.3530, specialties=["SM54"], sector="1",
                     optam=False, carte_vitale=True, person_id="p01"),
        practitioner("p01-2", "MARTIN", "Jeanne", "10", 48.8800, 2.3600, specialties=["SM54"], sector="1",
                     optam=False, carte_vitale=True, person_id="p01", postal_code="75009", commune_code="75109"),
        practitioner("p02-1", "DUPONT", "Éric", "10", 48.8600, 2.3400, specialties=["SM04"], sector="2",
                     optam=True, carte_vitale=True),
        practitioner("p03-1", "LEFÈVRE", "Chloé", "10", 48.8400, 2.3200, specialties=["SM38"], sector="2",
                     optam=False, carte_vitale=False),
        practitioner("p04-1", "CŒUR", "Anne", "60", 48.8650, 2.3700, sector="1", optam=False, carte_vitale=True),
        practitioner("p05-1", "SAINT-ÉTIENNE", "Luc", "70", 48.8500, 2.3500, sector="1", optam=False,
                     carte_vitale=True),
        practitioner("p06-1", "GARCIA", "Inès", "60", 48.9000, 2.4000, mode="S"),
        practitioner("p07-1", "MARTINEZ", "Hugo", "10", 48.7000, 2.2000, specialties=["SM54"], sector="nc",
                     optam=False, carte_vitale=False),
        practitioner("p08-1", "BERNARD", "Paul", "10", LYON[0], LYON[1], specialties=["SM54"], sector="1-dp",
                     optam=False, carte_vitale=True, postal_code="69001", commune_code="69381", departement="69",
                     commune="Lyon 1er Arrondissement"),
        practitioner("p09-1", "PETIT", "Léa", "40", 45.7600, 4.8300, sector="1", optam=False, carte_vitale=True,
                     postal_code="69002", commune_code="69382", departement="69", commune="Lyon 2e Arrondissement"),
        practitioner("p10-1", "ROSSI", "Marie-Ange", "10", 41.9192, 8.7386, specialties=["SM40"], sector="2",
                     optam=True, carte_vitale=True, postal_code="20000", commune_code="2A004", departement="2A",
                     commune="Ajaccio"),
        practitioner("p11-1", "MÉRIDIEN", "Zoé", "50", 47.0000, 0.0, sector="1", optam=False, carte_vitale=True,
                     postal_code="86000", commune_code="86194", departement="86", commune="Poitiers",
                     precision=PRECISION_MUNICIPALITY),
        practitioner("p12-1", "DUPONT", "Alain", "21", 48.8580, 2.3510, mode="L", sector=None),
    ]
