"""A fixed, seeded mix of realistic queries, described as HTTP parameters (the API's own language).

Kinds: ``circle_profession``, ``circle_specialty_sector``, ``text_place``, ``near_commune``,
``bbox_view``, ``facets_only``, ``deep_cursor``, ``detail``. Search centres are communes drawn
in proportion to their population, as people are.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

KINDS = ("circle_profession", "circle_specialty_sector", "text_place", "near_commune", "bbox_view", "facets_only",
         "deep_cursor", "detail")
COMMON_PROFESSIONS = ["10", "60", "70", "21", "40", "50", "91"]
COMMON_SPECIALTIES = ["SM54", "SM04", "SM38", "SM40", "SM20", "SM15", "SM42", "SM02"]


@dataclass
class BenchQuery:
    kind: str
    params: dict = field(default_factory=dict)
    detail_id: str | None = None
    cursor_pages: int = 0


def _weighted_communes(reference):
    from indexer.generator import WeightedChoice, populated_communes

    communes = populated_communes(reference)
    return communes, WeightedChoice({index: commune.population for index, commune in enumerate(communes)})


def build_mix(reference, sample_ids: list[str], sample_names: list[str], count: int, seed: int) -> list[BenchQuery]:
    """``count`` queries, the kinds in turn, reproducible for a seed and a population."""
    rng = random.Random(seed)
    communes, choice = _weighted_communes(reference)
    mix = []
    for number in range(count):
        kind = KINDS[number % len(KINDS)]
        commune = communes[choice.draw(rng)]
        point = {"lat": round(commune.lat, 5), "lon": round(commune.lon, 5)}
        if kind == "circle_profession":
            query = BenchQuery(kind, {**point, "radius_km": rng.choice([5, 10, 10, 20]),
                                      "profession": rng.choice(COMMON_PROFESSIONS)})
        elif kind == "circle_specialty_sector":
            query = BenchQuery(kind, {**point, "radius_km": rng.choice([10, 20, 30]),
                                      "specialty": rng.choice(COMMON_SPECIALTIES), "sector": rng.choice(["1", "2"])})
        elif kind == "text_place":
            name = rng.choice(sample_names)
            query = BenchQuery(kind, {"q": name[: rng.randint(3, max(3, len(name)))], **point, "radius_km": 30})
        elif kind == "near_commune":
            query = BenchQuery(kind, {"near": commune.name, "radius_km": 10,
                                      "profession": rng.choice(COMMON_PROFESSIONS)})
        elif kind == "bbox_view":
            half_lon, half_lat = rng.choice([(0.05, 0.03), (0.15, 0.1), (0.3, 0.2)])
            bbox = f"{point['lon'] - half_lon:.5f},{point['lat'] - half_lat:.5f},{point['lon'] + half_lon:.5f},{point['lat'] + half_lat:.5f}"
            query = BenchQuery(kind, {"bbox": bbox, "profession": rng.choice(COMMON_PROFESSIONS)})
        elif kind == "facets_only":
            query = BenchQuery(kind, {**point, "radius_km": 20, "per_page": 1})
        elif kind == "deep_cursor":
            query = BenchQuery(kind, {**point, "radius_km": 30, "profession": rng.choice(["10", "60"]), "per_page": 20},
                               cursor_pages=rng.choice([10, 25, 50]))
        else:
            query = BenchQuery(kind, detail_id=rng.choice(sample_ids))
        mix.append(query)
    return mix
