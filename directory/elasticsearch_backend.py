"""The Elasticsearch backend: the same protocol as the SQLite one, for scale.

Connection and protocol methods only: request bodies are built by :mod:`directory.es_queries`,
loads are done by :mod:`directory.es_loading`, exact distance order by
:mod:`directory.es_distance_order`. The index is an alias (``BackendSettings.index_name``) over one
versioned index; a missing alias, a node that does not answer or a timeout is
:class:`~directory.backend.BackendUnavailable`, as a missing SQLite file is.
"""
from __future__ import annotations

import math
import threading
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from . import es_distance_order as order
from . import es_queries as bodies
from .backend import BackendSettings, BackendUnavailable, InvalidCursor, ProgressCallback
from .cursors import decode_cursor, encode_cursor
from .distance import great_circle_km
from .es_loading import drop_all, index_definition, load_index, schema_problem
from .model import SORT_RELEVANCE, FacetCount, Hit, IndexInfo, Practitioner, SearchPage, SearchQuery
from .records import practitioner_from_dict

BAND_PAGE = 1000
DISTANCE_WINDOW_EXTRA = 20
"""Results fetched beyond a page sorted by distance: practitioners of one place (a commune's centre)
share a distance, and the page can only be cut after their group, so one request usually sees the cut."""
MAX_PLACES = 1000
UNAVAILABLE_STATUSES = {404, 408, 429, 502, 503, 504}
MAX_RESULT_WINDOW = int(index_definition()["settings"]["index"]["max_result_window"])


class ElasticsearchBackend:
    kind = "elasticsearch"

    def __init__(self, urls: list[str], settings: BackendSettings | None = None):
        self.urls = list(urls)
        self.settings = settings or BackendSettings()
        self.alias = self.settings.index_name
        self._client = None
        self._lenient = None
        self._lock = threading.Lock()
        self._schema_checked = False

    # -- connection ----------------------------------------------------------------------------
    @property
    def client(self):
        """The client, made on first use (never at import or construction)."""
        with self._lock:
            if self._client is None:
                self._client = self._connect()
        return self._client

    def _client_404(self):
        """The client answering 404 as a response: made once, ``options()`` costs ≈ 0.4 ms per call."""
        client = self.client
        with self._lock:
            if self._lenient is None or self._lenient[0] is not client:
                self._lenient = (client, client.options(ignore_status=404))
            return self._lenient[1]

    def _connect(self):
        from elasticsearch import Elasticsearch

        settings, options = self.settings, {}
        if settings.username is not None:
            options["basic_auth"] = (settings.username, settings.password or "")
        if settings.api_key:
            options["api_key"] = settings.api_key
        if settings.ca_certs:
            options["ca_certs"] = settings.ca_certs
        # Refused connections and 502/503/504 are retried on the other nodes at once; a timeout is not:
        # retried, a hung node would hold a request for (retries + 1) × timeout_s, past the 503 deadline.
        # The node that timed out is marked dead, so the next requests go to the others.
        return Elasticsearch(self.urls, request_timeout=settings.timeout_s, max_retries=settings.retries,
                             retry_on_timeout=False, **options)

    @contextmanager
    def _unavailable_on_errors(self) -> Iterator[None]:
        """Connection errors, timeouts, a missing index and overload become :class:`BackendUnavailable`."""
        from elasticsearch import ApiError, TransportError

        try:
            yield
        except TransportError as error:  # connection refused, timeout, TLS
            raise BackendUnavailable(f"Elasticsearch injoignable ({', '.join(self.urls)}) : {error}") from error
        except ApiError as error:
            if error.meta.status in UNAVAILABLE_STATUSES:
                raise BackendUnavailable(f"index Elasticsearch « {self.alias} » indisponible : {error}") from error
            raise

    def _search(self, body: dict) -> dict:
        with self._unavailable_on_errors():
            return self.client.search(index=self.alias, body=dict(body)).body

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
            self._lenient = None

    # -- writing -------------------------------------------------------------------------------
    def replace_all(self, practitioners: Iterable[Practitioner], *, data_date: str | None, demo: bool,
                    on_progress: ProgressCallback | None = None) -> IndexInfo:
        with self._unavailable_on_errors():
            return load_index(self.client, self.alias, practitioners, data_date=data_date, demo=demo,
                              replicas=int(self.settings.extra.get("replicas", 0)), on_progress=on_progress)

    def drop(self) -> None:
        """Delete the alias and every index of this backend."""
        with self._unavailable_on_errors():
            drop_all(self.client, self.alias)

    # -- reading -------------------------------------------------------------------------------
    def _live_meta(self) -> dict:
        """The live index's ``_meta``; :class:`BackendUnavailable` if it is of another schema version (an
        index loaded by an older version lacks fields the queries count on: its facets would be empty)."""
        with self._unavailable_on_errors():
            mappings = self.client.indices.get_mapping(index=self.alias).body
        meta = next(iter(mappings.values()))["mappings"].get("_meta", {})
        problem = schema_problem(self.alias, meta)
        if problem is not None:
            raise BackendUnavailable(problem)
        self._schema_checked = True
        return meta

    def _require_current_schema(self) -> None:
        """Checks the live index's schema version on the first read (then on every :meth:`info`)."""
        if not self._schema_checked:
            self._live_meta()

    def info(self) -> IndexInfo:
        meta = self._live_meta()
        return IndexInfo(documents=int(meta.get("documents", 0)), data_date=meta.get("data_date"),
                         demo=bool(meta.get("demo", False)))

    def get(self, practitioner_id: str) -> Practitioner | None:
        """One document by ``_id`` (the practitioner id, given at load time): no search, no scoring."""
        if not practitioner_id:
            return None
        self._require_current_schema()
        with self._unavailable_on_errors():
            response = self._client_404().get(index=self.alias, id=practitioner_id,
                                              source_includes=bodies.RECORD_SOURCE)
        body = response.body
        if "found" not in body:  # a 404 without a document answer: the alias or its index is missing
            raise BackendUnavailable(f"index Elasticsearch « {self.alias} » indisponible : {body.get('error')}")
        return practitioner_from_dict(body["_source"]["record"]) if body["found"] else None

    def places_of(self, person_id: str) -> list[Practitioner]:
        self._require_current_schema()
        hits = self._search(bodies.ids_body("person_id", person_id, size=MAX_PLACES))["hits"]["hits"]
        return [practitioner_from_dict(hit["_source"]["record"]) for hit in hits]

    def counts(self, facet: str) -> dict[str, int]:
        self._require_current_schema()
        response = self._search(bodies.counts_body(facet))
        return dict(bodies.facet_buckets(response["aggregations"], [facet])[facet])

    def search(self, query: SearchQuery) -> SearchPage:
        after, page = decode_cursor(query) if query.cursor is not None else (None, query.page)
        if after is not None and not cursor_keys_fit(query, after):
            raise InvalidCursor("curseur illisible")
        self._require_current_schema()
        if bodies.sorts_distance(query):
            return self._search_by_distance(query, after, page)
        size = query.per_page + (1 if after is not None else 0)
        start = (page - 1) * query.per_page
        response, _ = self._first_response(query, size=size, start=start if after is None else 0, search_after=after)
        total = response["hits"]["total"]["value"]
        hits = response["hits"]["hits"]
        has_more = len(hits) > query.per_page if after is not None else start + len(hits) < total
        hits = hits[:query.per_page]
        next_cursor = encode_cursor(query, hits[-1]["sort"], page + 1) if hits and has_more else None
        return SearchPage(total=total, hits=[self._hit(query, hit["_source"]["record"]) for hit in hits],
                          facets=self._facets(query, response), next_cursor=next_cursor)

    # -- search helpers ------------------------------------------------------------------------
    def _first_response(self, query: SearchQuery, **page) -> tuple[dict, list[str] | None]:
        """The page's response with exact shapes, and the band's inside ids (``None``: no band, plain shapes).

        With a shape, the band and the page with plain shapes go in one ``_msearch``: when nobody lies
        near an edge (nearly always), that page is already exact; otherwise it is asked again.
        """
        plain = bodies.search_body(query, **page)
        if not bodies.has_shape(query):
            return self._search(plain), None
        band_response, response = self._msearch([bodies.band_body(query, size=BAND_PAGE), plain])
        band = band_response["hits"]["hits"]
        if not band:
            return response, None
        while len(band) % BAND_PAGE == 0:
            more = self._search(bodies.band_body(query, size=BAND_PAGE, after_id=band[-1]["sort"][0]))["hits"]["hits"]
            if not more:
                break
            band += more
        inside = [hit["_id"] for hit in band if exactly_inside(query, hit["_source"]["record"]["location"])]
        return self._search(bodies.search_body(query, inside_ids=inside, **page)), inside

    def _msearch(self, searches: list[dict]) -> list[dict]:
        with self._unavailable_on_errors():
            responses = self.client.msearch(index=self.alias, searches=[part for body in searches
                                                                        for part in ({}, body)]).body["responses"]
        for response in responses:
            if "error" in response:
                status = response.get("status", 500)
                if status in UNAVAILABLE_STATUSES:
                    raise BackendUnavailable(f"index Elasticsearch « {self.alias} » indisponible : {response['error']}")
                raise RuntimeError(f"Elasticsearch a refusé la recherche ({status}) : {response['error']}")
        return responses

    def _hit(self, query: SearchQuery, record: dict) -> Hit:
        distance = km_from_centre(query, record["location"]) if query.circle is not None else None
        return Hit(practitioner_from_dict(record), distance)

    def _facets(self, query: SearchQuery, response: dict) -> dict[str, list[FacetCount]]:
        if not query.facets:
            return {}
        return {name: [FacetCount(code, count) for code, count in buckets]
                for name, buckets in bodies.facet_buckets(response["aggregations"]).items()}

    def _ranked(self, query: SearchQuery, hit: dict, *, with_record: bool = True) -> order.Ranked:
        record = hit["_source"]["record"]
        return order.Ranked(es_distance=hit["sort"][0], id=hit["sort"][1],
                            exact_km=km_from_centre(query, record["location"]), record=record if with_record else None)

    def _search_by_distance(self, query: SearchQuery, after: list | None, page: int) -> SearchPage:
        size = query.per_page + 2 + DISTANCE_WINDOW_EXTRA  # the page, a neighbour before, the cut after it
        if after is None:
            start = (page - 1) * query.per_page
            first = max(0, start - 1)
            size = max(query.per_page + 2, min(size, MAX_RESULT_WINDOW - first))
            response, inside_ids = self._first_response(query, size=size, start=first)
        else:
            key = (float(after[0]), str(after[1]))
            response, inside_ids = self._first_response(query, size=size, search_after=order.search_after_for(key))
        total = response["hits"]["total"]["value"]
        window = [self._ranked(query, hit) for hit in response["hits"]["hits"]]

        def fetch(search_after: list, size: int, backwards: bool) -> list[order.Ranked]:
            body = bodies.search_body(query, size=size, search_after=search_after, inside_ids=inside_ids,
                                      with_totals=False, reverse=backwards)
            return [self._ranked(query, hit) for hit in self._search(body)["hits"]["hits"]]

        def fetch_within(search_after: list, max_km: float, size: int) -> list[order.Ranked]:
            body = bodies.search_body(query, size=size, search_after=search_after, inside_ids=inside_ids,
                                      with_totals=False, source=bodies.LOCATION_SOURCE, within_km=max_km)
            return [self._ranked(query, hit, with_record=False) for hit in self._search(body)["hits"]["hits"]]

        if after is None:
            ranked = order.page_at(window, first, start, query.per_page, total, fetch, fetch_within)
            has_more = start + len(ranked) < total
        else:
            ranked, has_more = order.page_after(key, window, size, query.per_page, fetch, fetch_within)
        next_cursor = encode_cursor(query, list(ranked[-1].key), page + 1) if ranked and has_more else None
        records = self._records([item.id for item in ranked if item.record is None])
        hits = [Hit(practitioner_from_dict(item.record if item.record is not None else records[item.id]), item.exact_km)
                for item in ranked]
        return SearchPage(total=total, hits=hits, facets=self._facets(query, response), next_cursor=next_cursor)

    def _records(self, ids: list[str]) -> dict[str, dict]:
        """The stored records of ``ids`` (results a look-ahead fetched by location only)."""
        if not ids:
            return {}
        hits = self._search(bodies.records_body(ids))["hits"]["hits"]
        return {hit["_id"]: hit["_source"]["record"] for hit in hits}


def cursor_keys_fit(query: SearchQuery, keys: list) -> bool:
    """The keys of a cursor have the types of this query's sort values (a forged cursor never reaches the node)."""
    def number(value) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

    if bodies.sorts_distance(query):
        kinds = [number, str]
    elif query.effective_sort == SORT_RELEVANCE:
        kinds = [number, str, str, str]
    else:
        kinds = [str, str, str]
    return len(keys) == len(kinds) and all(kind(key) if kind is number else isinstance(key, kind)
                                           for kind, key in zip(kinds, keys))


def km_from_centre(query: SearchQuery, location: dict[str, Any]) -> float:
    """The exact great-circle distance from the query's circle centre to a stored ``location``."""
    return great_circle_km(query.circle.lat, query.circle.lon, location["lat"], location["lon"])


def exactly_inside(query: SearchQuery, location: dict[str, Any]) -> bool:
    """The exact test of both backends: great-circle distance ≤ radius, box bounds inclusive."""
    if query.circle is not None and km_from_centre(query, location) > query.circle.radius_km:
        return False
    lat, lon = location["lat"], location["lon"]
    box = query.bbox
    return box is None or (box.min_lat <= lat <= box.max_lat and box.min_lon <= lon <= box.max_lon)
