"""Great-circle distance, the one formula both backends are checked against."""
from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

# Elasticsearch's arc distance uses this mean Earth radius (GeoUtils.EARTH_MEAN_RADIUS): the same here.
EARTH_RADIUS_KM = 6371.0087714


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in kilometres between two WGS84 points."""
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi, dlambda = phi2 - phi1, radians(lon2 - lon1)
    h = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) that contains every point within ``radius_km``."""
    dlat = radius_km / EARTH_RADIUS_KM * 180 / 3.141592653589793
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    polar = max(abs(min_lat), abs(max_lat))
    if polar >= 89.9:
        return min_lat, max_lat, -180.0, 180.0
    dlon = dlat / cos(radians(polar))
    return min_lat, max_lat, max(-180.0, lon - dlon), min(180.0, lon + dlon)
