"""A cursor whose keys do not fit the sort is refused before anything reaches the node (no node needed)."""
from __future__ import annotations

import pytest

from directory.backend import InvalidCursor
from directory.cursors import encode_cursor
from directory.elasticsearch_backend import ElasticsearchBackend, cursor_keys_fit
from directory.model import Circle, SearchQuery

BY_DISTANCE = SearchQuery(circle=Circle(0.0, 0.0, 10.0))
BY_RELEVANCE = SearchQuery(text="martin")
BY_NAME = SearchQuery()


@pytest.mark.parametrize("query, keys", [
    (BY_DISTANCE, [0.0, "p01-1"]), (BY_DISTANCE, [3, "x"]),
    (BY_RELEVANCE, [3.0, "martin", "", "p01-1"]), (BY_NAME, ["martin", "jeanne", "p01-1"]),
])
def test_keys_of_the_right_kinds_fit(query, keys):
    assert cursor_keys_fit(query, keys)


@pytest.mark.parametrize("query, keys", [
    (BY_DISTANCE, ["0", "p01-1"]), (BY_DISTANCE, [float("nan"), "x"]), (BY_DISTANCE, [float("inf"), "x"]),
    (BY_DISTANCE, [True, "x"]), (BY_DISTANCE, [1.0]), (BY_RELEVANCE, ["martin", "", "p01-1"]),
    (BY_NAME, ["martin", None, "p01-1"]), (BY_NAME, [{"a": 1}, "b", "c"]),
])
def test_keys_of_other_kinds_do_not(query, keys):
    assert not cursor_keys_fit(query, keys)


def test_a_forged_cursor_is_invalid_without_a_request():
    backend = ElasticsearchBackend(["http://127.0.0.1:9"])
    forged = encode_cursor(BY_NAME, [1, 2, 3], 2)
    with pytest.raises(InvalidCursor):
        backend.search(SearchQuery(cursor=forged))
