"""Départements: polygons, point lookups, nearest commune."""
from __future__ import annotations

import pytest


def test_the_metropolitan_departements_and_the_five_drom_are_there(reference):
    codes = set(reference.departements.by_code)
    assert len(codes) == 96 + 5
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= codes
    assert reference.departement("2A").name == "Corse-du-Sud"
    assert reference.departement("974").name == "La Réunion"
    assert reference.departement("99") is None


@pytest.mark.parametrize("place, lat, lon, code", [
    ("Paris, Notre-Dame", 48.8530, 2.3499, "75"),
    ("Ajaccio, on the coast", 41.9192, 8.7386, "2A"),
    ("Saint-Denis de La Réunion", -20.8821, 55.4507, "974"),
    ("Bastia", 42.6977, 9.4508, "2B"),
    ("Lyon", 45.7640, 4.8357, "69"),
    ("Cayenne", 4.9224, -52.3135, "973"),
])
def test_departement_at_a_point(reference, place, lat, lon, code):
    assert reference.departement_at(lat, lon).code == code, place


@pytest.mark.parametrize("lat, lon", [(0.0, 0.0), (47.0, -8.0), (51.5, -0.12)])
def test_departement_at_sea_or_abroad_is_none(reference, lat, lon):
    assert reference.departement_at(lat, lon) is None


def test_longitude_zero_crosses_france(reference):
    # Greenwich meridian near Le Havre / Tarbes: lon 0.0 is a real place, not "no coordinate"
    assert reference.departement_at(43.2, 0.0).code == "65"


def test_nearest_commune_prefers_arrondissements_over_their_city(reference):
    assert reference.nearest_commune(48.8590, 2.3780).code == "75111"
    assert reference.nearest_commune(41.9192, 8.7386).code == "2A004"
    assert reference.nearest_commune(45.4340, 4.3900).code == "42218"
