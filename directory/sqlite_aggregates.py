"""Pre-counted practitioners per grid block and facet combination, so that counts over large areas
do not read every row.

``cell_facet_count`` holds, for each block of grid cells and each facet combination
(``facet_combination.id``), how many practitioners it has. Level 0 blocks are the grid's cells;
a level ``L`` block is ``2**L`` by ``2**L`` cells, aligned (see :func:`block_of`).

A count over a circle or a box then splits the area's cells in two:

- cells wholly inside, covered by as few aligned blocks as possible (largest first), whose
  counts are summed from the table;
- cells the boundary crosses, whose rows are read and tested one by one, exactly as before.

Whether a cell is wholly inside is decided conservatively: every corner of it must pass the exact
test with a margin (1 m for a circle, 1e-9° for a box), so a row stored in a cell said to be
inside always passes the row-level test. On a sphere the farthest point of a latitude-longitude
rectangle from a point is one of its corners (distance grows with the longitude difference along a
parallel and has no interior maximum along a short meridian arc), hence corners suffice.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from math import ceil, cos, floor

from .distance import EARTH_RADIUS_KM
from .model import SearchQuery
from .sqlite_cells import CELL_DEG, ROW_STRIDE, half_width_deg, meridian, parallel, unit_vector

LEVELS = 4  # blocks of up to 16 × 16 cells
CIRCLE_MARGIN_KM = 0.001
BOX_MARGIN_DEG = 1e-9

TABLE = """
CREATE TABLE cell_facet_count (level INTEGER NOT NULL, block INTEGER NOT NULL, facet_key INTEGER NOT NULL,
                               documents INTEGER NOT NULL, PRIMARY KEY (level, block, facet_key)) WITHOUT ROWID;
"""


def block_of(cell: int, level: int) -> int:
    """The number of the level-``level`` block holding grid cell ``cell``."""
    return (cell // ROW_STRIDE >> level) * ROW_STRIDE + (cell % ROW_STRIDE >> level)


def build_aggregates(connection: sqlite3.Connection) -> None:
    """Fill ``cell_facet_count`` from ``practitioner`` (level 0), then each level from the one below."""
    connection.executescript(TABLE + """
        INSERT INTO cell_facet_count
            SELECT 0, cell, facet_key, COUNT(*) FROM practitioner GROUP BY cell, facet_key ORDER BY cell, facet_key;
    """)
    for level in range(1, LEVELS + 1):
        connection.execute(
            f"INSERT INTO cell_facet_count SELECT ?, (block / {ROW_STRIDE} >> 1) * {ROW_STRIDE} "
            f"+ (block % {ROW_STRIDE} >> 1) AS parent, facet_key, SUM(documents) FROM cell_facet_count "
            "WHERE level = ? GROUP BY parent, facet_key ORDER BY parent, facet_key", (level, level - 1))


def can_use_aggregates(query: SearchQuery) -> bool:
    """Counts of a search without words come from the blocks when every filter is a facet
    combination's (or a place)."""
    return (query.postal_code is None and query.commune_code is None
            and query.departement is None and (query.circle is not None or query.bbox is not None))


# -- which cells are wholly inside -----------------------------------------------------------
def _circle_corner_columns(query: SearchQuery, lat: float) -> tuple[int, int] | None:
    """The meridians (numbers) whose crossing with parallel ``lat`` is inside the circle, with the margin."""
    circle = query.circle
    inner = circle.radius_km - CIRCLE_MARGIN_KM
    if inner <= 0:
        return None
    threshold = cos(inner / EARTH_RADIUS_KM)
    centre = unit_vector(circle.lat, circle.lon)

    def inside(column: int) -> bool:
        point = unit_vector(lat, meridian(column))
        return point[0] * centre[0] + point[1] * centre[1] + point[2] * centre[2] >= threshold

    dlon = half_width_deg(circle.lat, lat, inner / EARTH_RADIUS_KM)
    if dlon is None:
        return None
    first = ceil((circle.lon - dlon + 180.0) / CELL_DEG)
    last = floor((circle.lon + dlon + 180.0) / CELL_DEG)
    # the formula finds the interval; the exact test confirms its ends (monotone along a parallel)
    while first <= last and not inside(first):
        first += 1
    while last >= first and not inside(last):
        last -= 1
    return (first, last) if first <= last else None


def _box_cell_columns(query: SearchQuery) -> tuple[int, int] | None:
    """The columns of the cells wholly inside the query's box, in a grid row that is."""
    box = query.bbox
    first = ceil((box.min_lon + BOX_MARGIN_DEG + 180.0) / CELL_DEG)
    last = floor((box.max_lon - BOX_MARGIN_DEG + 180.0) / CELL_DEG) - 1
    while first <= last and meridian(first) < box.min_lon + BOX_MARGIN_DEG:
        first += 1
    while last >= first and meridian(last + 1) > box.max_lon - BOX_MARGIN_DEG:
        last -= 1
    return (first, last) if first <= last else None


def _box_holds_row(query: SearchQuery, row: int) -> bool:
    """Whether grid row ``row`` lies wholly between the box's parallels."""
    box = query.bbox
    return parallel(row) >= box.min_lat + BOX_MARGIN_DEG and parallel(row + 1) <= box.max_lat - BOX_MARGIN_DEG


def _intersect(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
    if a is None or b is None:
        return None
    first, last = max(a[0], b[0]), min(a[1], b[1])
    return (first, last) if first <= last else None


def inside_cells(query: SearchQuery, rows: range) -> dict[int, tuple[int, int]]:
    """For each grid row, the run of cells (first and last column) wholly inside the query's place."""
    runs = {}
    box_columns = _box_cell_columns(query) if query.bbox is not None else (-1, 10 ** 9)
    if box_columns is None:
        return runs
    for row in rows:
        run: tuple[int, int] | None = box_columns
        if query.bbox is not None and not _box_holds_row(query, row):
            continue
        if query.circle is not None:
            below, above = (_circle_corner_columns(query, parallel(row + step)) for step in (0, 1))
            corners = _intersect(below, above)
            run = _intersect(run, None if corners is None or corners[1] - 1 < corners[0]
                             else (corners[0], corners[1] - 1))
        if run is not None:
            runs[row] = run
    return runs


# -- covering them with blocks -----------------------------------------------------------------
@dataclass(frozen=True)
class Cover:
    """Aligned blocks that exactly cover the cells inside: ``blocks`` as (level, first, last block)
    runs, and per grid row the run of cells (first, last column) they cover."""

    blocks: list[tuple[int, int, int]]
    covered: dict[int, tuple[int, int]]


def cover_with_blocks(inside: dict[int, tuple[int, int]], levels: int = LEVELS) -> Cover:
    """The fewest aligned blocks (largest first) covering exactly the cells of ``inside``.

    ``common[L]`` gives, for each level-L block row, the cells inside in every one of its grid rows.
    Per block row the cells already covered stay one run: a block row of a lower level lies within
    one block row of every higher level, and its blocks extend the run on either side.
    """
    common = [inside]
    for _ in range(levels):
        below, here = common[-1], {}
        for block_row in {row >> 1 for row in below}:
            run = _intersect(below.get(2 * block_row), below.get(2 * block_row + 1))
            if run is not None:
                here[block_row] = run
        common.append(here)
    blocks: list[tuple[int, int, int]] = []
    covered: dict[int, tuple[int, int]] = {}  # per block row of the level being worked on
    for level in range(levels, -1, -1):
        size, above = 1 << level, covered
        covered = {}
        for block_row, (first_cell, last_cell) in common[level].items():
            first_block, last_block = -(-first_cell // size), (last_cell + 1) // size - 1
            done = above.get(block_row >> 1)
            runs = ([(first_block, last_block)] if done is None else
                    [(first_block, done[0] // size - 1), ((done[1] + 1) // size, last_block)])
            run = done
            for first, last in runs:
                if first <= last:
                    blocks.append((level, block_row * ROW_STRIDE + first, block_row * ROW_STRIDE + last))
                    run = (first * size, (last + 1) * size - 1) if run is None else \
                        (min(run[0], first * size), max(run[1], (last + 1) * size - 1))
            if run is not None:
                covered[block_row] = run
    return Cover(blocks, covered)


def edge_cell_runs(spans: list[tuple[int, int]], covered: dict[int, tuple[int, int]]) -> list[tuple[int, int]]:
    """The runs of cells (first, last cell number) of ``spans`` that no block covers: those the
    boundary crosses, whose rows are tested one by one."""
    runs = []
    for first_cell, last_cell in spans:
        row = first_cell // ROW_STRIDE
        done = covered.get(row)
        if done is None:
            runs.append((first_cell, last_cell))
            continue
        left, right = row * ROW_STRIDE + done[0], row * ROW_STRIDE + done[1]
        if first_cell < left:
            runs.append((first_cell, min(last_cell, left - 1)))
        if last_cell > right:
            runs.append((max(first_cell, right + 1), last_cell))
    return runs
