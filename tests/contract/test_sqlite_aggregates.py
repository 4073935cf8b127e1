"""Counts over a place from pre-counted grid blocks: the blocks cover exactly the cells wholly inside,
those cells are really inside, and the totals and facets are the ones every row would give."""
from __future__ import annotations

import math
import random

import pytest

from directory.backend import open_backend
from directory.distance import bounding_box
from directory.model import BBox, Circle, SearchQuery
from directory.sqlite_aggregates import LEVELS, block_of, cover_with_blocks, edge_cell_runs, inside_cells
from directory.sqlite_cells import CELL_DEG, ROW_STRIDE, row_spans
from tests.contract.oracle import expected, haversine_km


def _cells_of_blocks(blocks):
    cells = []
    for level, first, last in blocks:
        size = 1 << level
        block_row = first // ROW_STRIDE
        for block_column in range(first % ROW_STRIDE, last % ROW_STRIDE + 1):
            for row in range(block_row * size, (block_row + 1) * size):
                cells += [row * ROW_STRIDE + column for column in range(block_column * size, (block_column + 1) * size)]
    return cells


def _corners(cell):
    row, column = divmod(cell, ROW_STRIDE)
    return [(row_edge * CELL_DEG - 90, column_edge * CELL_DEG - 180)
            for row_edge in (row, row + 1) for column_edge in (column, column + 1)]


def _rows_of(spans):
    return range(spans[0][0] // ROW_STRIDE, spans[-1][0] // ROW_STRIDE + 1)


def test_a_level_l_block_holds_the_cells_whose_row_and_column_share_their_high_bits():
    cell = 6890 * ROW_STRIDE + 9123
    assert block_of(cell, 0) == cell
    assert block_of(cell, 2) == (6890 // 4) * ROW_STRIDE + 9123 // 4
    assert block_of(cell + 1, 4) == block_of(cell, 4)


def test_blocks_cover_every_inside_cell_exactly_once_and_nothing_else():
    rng = random.Random(5)
    for _ in range(200):
        start, inside = rng.randrange(0, 60), {}
        centre = rng.randrange(100, 200)
        for row in range(start, start + rng.randrange(1, 70)):
            half = rng.randrange(0, 40)
            inside[row] = (centre - half + rng.randrange(0, 3), centre + half)
            if rng.random() < 0.05:
                del inside[row]
        inside = {row: run for row, run in inside.items() if run[0] <= run[1]}
        cover = cover_with_blocks(inside)
        cells = _cells_of_blocks(cover.blocks)
        assert len(cells) == len(set(cells))
        assert sorted(cells) == sorted(row * ROW_STRIDE + column for row, (first, last) in inside.items()
                                       for column in range(first, last + 1))
        assert cover.covered == inside
        assert all(0 <= level <= LEVELS for level, _, _ in cover.blocks)


def test_large_areas_are_covered_by_large_blocks():
    inside = {row: (1000, 1200) for row in range(3000, 3200)}
    cover = cover_with_blocks(inside)
    assert sum(last - first + 1 for level, first, last in cover.blocks if level == LEVELS) >= 11 * 11
    # runs of blocks grow with the boundary (two per block row at most), not with the 40,000 cells
    assert len(cover.blocks) <= 2 * len(inside)


@pytest.mark.parametrize("seed", range(4))
def test_cells_said_inside_a_circle_are_inside_and_the_others_touch_its_edge(seed):
    rng = random.Random(seed)
    for _ in range(30):
        circle = Circle(rng.uniform(42, 51), rng.uniform(-5, 8), rng.choice([0.1, 1, 5, 20, 100]))
        query = SearchQuery(circle=circle)
        spans = row_spans(*bounding_box(circle.lat, circle.lon, circle.radius_km))
        cover = cover_with_blocks(inside_cells(query, _rows_of(spans)))
        inside = set(_cells_of_blocks(cover.blocks))
        for first, last in spans:
            for cell in range(first, last + 1):
                distances = [haversine_km(circle.lat, circle.lon, lat, lon) for lat, lon in _corners(cell)]
                if cell in inside:
                    assert max(distances) < circle.radius_km
                elif max(distances) < circle.radius_km - 0.01:
                    pytest.fail(f"cellule {cell} entièrement dans le cercle mais lue ligne à ligne")
        edges = {cell for first, last in edge_cell_runs(spans, cover.covered) for cell in range(first, last + 1)}
        assert edges.isdisjoint(inside)
        assert edges | inside == {cell for first, last in spans for cell in range(first, last + 1)}


def test_cells_said_inside_a_box_are_inside_it():
    rng = random.Random(9)
    for _ in range(100):
        lat, lon = rng.uniform(42, 51), rng.uniform(-5, 8)
        box = BBox(min_lon=lon, min_lat=lat, max_lon=lon + rng.uniform(0.001, 1), max_lat=lat + rng.uniform(0.001, 1))
        query = SearchQuery(bbox=box)
        spans = row_spans(box.min_lat, box.max_lat, box.min_lon, box.max_lon)
        inside = set(_cells_of_blocks(cover_with_blocks(inside_cells(query, _rows_of(spans))).blocks))
        for first, last in spans:
            for cell in range(first, last + 1):
                corners_inside = all(box.min_lat < lat < box.max_lat and box.min_lon < lon < box.max_lon
                                     for lat, lon in _corners(cell))
                assert (cell in inside) == corners_inside


@pytest.fixture(scope="module")
def embedded(tmp_path_factory, generated_population):
    backend = open_backend(f"sqlite://{tmp_path_factory.mktemp('aggregates') / 'index.sqlite3'}")
    backend.replace_all(iter(generated_population), data_date=None, demo=False)
    return backend


def _random_place_query(rng, anchor):
    filters = rng.choice([{}, {"professions": (anchor.profession,)}, {"sectors": ("1", "2")},
                          {"specialties": anchor.specialties[:1]}, {"optam": True, "carte_vitale": True},
                          {"modes": ("L",), "professions": ("10", "60")}])
    if rng.random() < 0.5:
        return SearchQuery(circle=Circle(anchor.location.lat, anchor.location.lon, rng.choice([10, 40, 100])),
                           per_page=3, **filters)
    half = rng.choice([0.2, 0.6, 1.5])
    box = BBox(min_lon=anchor.location.lon - half, min_lat=anchor.location.lat - half * 0.7,
               max_lon=anchor.location.lon + half, max_lat=anchor.location.lat + half * 0.7)
    return SearchQuery(bbox=box, per_page=3, **filters)


def test_totals_and_facets_counted_from_blocks_are_those_of_every_row(embedded, generated_population):
    rng = random.Random(21)
    with_blocks = 0
    for _ in range(60):
        query = _random_place_query(rng, rng.choice(generated_population))
        box = (query.bbox.min_lat, query.bbox.max_lat, query.bbox.min_lon, query.bbox.max_lon) if query.bbox \
            else bounding_box(query.circle.lat, query.circle.lon, query.circle.radius_km)
        with_blocks += bool(cover_with_blocks(inside_cells(query, _rows_of(row_spans(*box)))).blocks)
        total, facets, ids, _ = expected(generated_population, query)
        page = embedded.search(query)
        assert page.total == total
        assert [hit.practitioner.id for hit in page.hits] == ids[:3]
        for name, counts in facets.items():
            assert {entry.code: entry.count for entry in page.facets[name]} == dict(counts), name
    assert with_blocks >= 40


def test_a_circle_reads_only_the_cells_of_its_box_that_can_hold_a_point_within_its_radius():
    from directory.sqlite_cells import cell_of, circle_row_spans

    rng = random.Random(13)
    for _ in range(40):
        lat, lon, radius = rng.uniform(-60, 70), rng.uniform(-179, 179), rng.choice([0.1, 2, 20, 100, 500])
        box_spans = row_spans(*bounding_box(lat, lon, radius))
        spans = circle_row_spans(box_spans, lat, lon, radius)
        cells = {cell for first, last in spans for cell in range(first, last + 1)}
        for _ in range(300):  # points within the radius, some right on the edge
            distance = radius * (1 - rng.random() ** 3)
            bearing = rng.uniform(0, 2 * math.pi)
            point_lat, point_lon = _destination(lat, lon, distance, bearing)
            assert cell_of(point_lat, point_lon) in cells, (lat, lon, radius, distance)
        if radius >= 20:
            assert len(cells) < 0.9 * sum(last - first + 1 for first, last in box_spans)


def _destination(lat, lon, distance_km, bearing):
    angle = distance_km / 6371.0087714
    phi, lam = math.radians(lat), math.radians(lon)
    phi2 = math.asin(math.sin(phi) * math.cos(angle) + math.cos(phi) * math.sin(angle) * math.cos(bearing))
    lam2 = lam + math.atan2(math.sin(bearing) * math.sin(angle) * math.cos(phi),
                            math.cos(angle) - math.sin(phi) * math.sin(phi2))
    return math.degrees(phi2), (math.degrees(lam2) + 540) % 360 - 180
