"""Model → the contract's JSON objects (labels in French)."""
from __future__ import annotations

from typing import Any

from directory.model import FacetCount, Hit, Practitioner, SearchPage
from directory.nomenclatures import facet_code_list, professions, sectors, specialties
from directory.records import practitioner_to_dict


def coded(code_list, code: str | None) -> dict[str, str] | None:
    return None if code is None else {"code": code, "label": code_list.label(code) or code}


def practitioner_json(practitioner: Practitioner) -> dict[str, Any]:
    """The contract's result object: the stored record, codes given with their French labels."""
    body = practitioner_to_dict(practitioner)
    del body["person_id"]
    body["profession"] = coded(professions(), practitioner.profession)
    body["specialties"] = [coded(specialties(), code) for code in practitioner.specialties]
    body["sector"] = coded(sectors(), practitioner.sector)
    return body


def hit_json(hit: Hit) -> dict[str, Any]:
    body = practitioner_json(hit.practitioner)
    body["distance_km"] = None if hit.distance_km is None else round(hit.distance_km, 3)
    return body


def facets_json(facets: dict[str, list[FacetCount]]) -> dict[str, list[dict[str, Any]]]:
    return {name: [{"code": entry.code, "label": facet_code_list(name).label(entry.code) or entry.code,
                    "count": entry.count} for entry in entries]
            for name, entries in facets.items()}


def page_json(page: SearchPage, page_number: int, per_page: int) -> dict[str, Any]:
    return {"total": page.total, "page": page_number, "per_page": per_page, "next_cursor": page.next_cursor,
            "results": [hit_json(hit) for hit in page.hits], "facets": facets_json(page.facets)}


def geojson(page: SearchPage, page_number: int, per_page: int) -> dict[str, Any]:
    """The same page as a GeoJSON FeatureCollection (RFC 7946: coordinates are [lon, lat])."""
    features = [{"type": "Feature", "id": hit.practitioner.id,
                 "geometry": {"type": "Point",
                              "coordinates": [hit.practitioner.location.lon, hit.practitioner.location.lat]},
                 "properties": hit_json(hit)} for hit in page.hits]
    return {"type": "FeatureCollection", "features": features, "total": page.total, "page": page_number,
            "per_page": per_page, "next_cursor": page.next_cursor, "facets": facets_json(page.facets)}
