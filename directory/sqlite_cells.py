"""The grid that clusters the embedded index: rows are stored cell by cell.

A cell is ``CELL_DEG`` degrees of latitude by ``CELL_DEG`` of longitude. Cells are numbered row
by row (``lat_index * ROW_STRIDE + lon_index``), and practitioners are stored in cell order, so
the cells of one latitude row crossed by a circle or a box are one contiguous run of rows.
"""
from __future__ import annotations

from math import acos, asin, cos, degrees, floor, pi, radians, sin

from .distance import EARTH_RADIUS_KM

CELL_DEG = 0.02
ROW_STRIDE = 100_000


def lat_index(lat: float) -> int:
    return floor((lat + 90.0) / CELL_DEG)


def lon_index(lon: float) -> int:
    return floor((lon + 180.0) / CELL_DEG)


def cell_of(lat: float, lon: float) -> int:
    return lat_index(lat) * ROW_STRIDE + lon_index(lon)


def row_spans(min_lat: float, max_lat: float, min_lon: float, max_lon: float) -> list[tuple[int, int]]:
    """For each latitude row of cells the box touches, the first and last cell number it covers."""
    first_lon, last_lon = lon_index(min_lon), lon_index(max_lon)
    return [(row * ROW_STRIDE + first_lon, row * ROW_STRIDE + last_lon)
            for row in range(lat_index(min_lat), lat_index(max_lat) + 1)]


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    """The point on the unit sphere: the dot product of two is the cosine of their angular distance."""
    phi, lam = radians(lat), radians(lon)
    return cos(phi) * cos(lam), cos(phi) * sin(lam), sin(phi)


def parallel(row: int) -> float:
    """The latitude of the southern edge of grid row ``row``."""
    return row * CELL_DEG - 90.0


def meridian(column: int) -> float:
    """The longitude of the western edge of grid column ``column``."""
    return column * CELL_DEG - 180.0


def half_width_deg(centre_lat: float, at_lat: float, angle: float) -> float | None:
    """How far in longitude (degrees) either side of its centre a circle of angular radius ``angle``
    (radians) centred at latitude ``centre_lat`` reaches along the parallel ``at_lat``; ``None`` when
    the parallel misses it."""
    phi0, phi = radians(centre_lat), radians(at_lat)
    denominator = cos(phi0) * cos(phi)
    if denominator <= 1e-15:
        return None
    cosine = (cos(angle) - sin(phi0) * sin(phi)) / denominator
    if cosine > 1.0:
        return None
    return 180.0 if cosine < -1.0 else degrees(acos(cosine))


def circle_row_spans(spans: list[tuple[int, int]], lat: float, lon: float, radius_km: float,
                     margin_km: float = 0.01) -> list[tuple[int, int]]:
    """``spans`` (per grid row, first and last cell) cut down to the cells that can hold a point
    within ``radius_km`` of (lat, lon): the corners of the circle's bounding box are left out.

    Over a band of latitudes the circle is widest at the latitude where its own widest point lies
    (``sin φ* = sin φ0 / cos r``) when the band holds it, else at the band's edge nearer to it.
    """
    angle = (radius_km + margin_km) / EARTH_RADIUS_KM
    if angle >= pi / 2:
        return spans
    widest = sin(radians(lat)) / cos(angle)
    if abs(widest) >= 1.0:  # the circle holds a pole: every longitude
        return spans
    widest_lat = degrees(asin(widest))
    clipped = []
    for first_cell, last_cell in spans:
        row = first_cell // ROW_STRIDE
        south, north = parallel(row), parallel(row + 1)
        at = widest_lat if south <= widest_lat <= north else (south if abs(south - widest_lat) < abs(north - widest_lat) else north)
        half = half_width_deg(lat, at, angle)
        if half is None:
            continue
        first = max(first_cell, row * ROW_STRIDE + lon_index(max(-180.0, lon - half)))
        last = min(last_cell, row * ROW_STRIDE + lon_index(min(179.999999, lon + half)))
        if first <= last:
            clipped.append((first, last))
    return clipped
