"""Opaque keyset cursors for deep pagination, shared by both backends.

A cursor carries the sort keys of the last result of a page, the number of the next page and a
fingerprint of the query it belongs to, so it cannot be replayed on another query or sort.
"""
from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import replace

from .backend import InvalidCursor
from .model import SearchQuery


def query_fingerprint(query: SearchQuery) -> str:
    """A short digest of everything in ``query`` that decides the order and the matches, not the page."""
    stable = replace(query, page=1, cursor=None, facets=True, per_page=1, sort=query.effective_sort)
    return hashlib.sha256(repr(stable).encode()).hexdigest()[:16]


def encode_cursor(query: SearchQuery, last_keys: list, next_page: int) -> str:
    payload = {"f": query_fingerprint(query), "k": last_keys, "p": next_page}
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(query: SearchQuery) -> tuple[list, int]:
    """The sort keys after which the page starts, and that page's number; :class:`InvalidCursor` if foreign."""
    token = query.cursor or ""
    try:
        payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        keys, page, fingerprint = payload["k"], int(payload["p"]), payload["f"]
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidCursor("curseur illisible") from error
    if fingerprint != query_fingerprint(query) or not isinstance(keys, list) or page < 2:
        raise InvalidCursor("ce curseur ne correspond pas à cette recherche")
    return keys, page
