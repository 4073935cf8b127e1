"""The grid that clusters the embedded index: rows are stored cell by cell.

A cell is ``CELL_DEG`` degrees of latitude by ``CELL_DEG`` of longitude. Cells are numbered row
by row (``lat_index * ROW_STRIDE + lon_index``), and practitioners are stored in cell order, so
the cells of one latitude row crossed by a circle or a box are one contiguous run of rows.
"""
from __future__ import annotations

from math import cos, floor, radians, sin

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
