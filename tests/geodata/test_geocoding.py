"""Geocoding: the commune centre without network, the BAN through a local server answering in
BAN's GeoJSON format, and the on-disk cache."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from geodata.geocoding import (ADDRESS, MUNICIPALITY, BanGeocoder, CommuneCentreGeocoder, GeocodeResult,
                               make_geocoder)


class FakeBan:
    """A BAN ``/search`` endpoint on 127.0.0.1 that answers from ``self.answers`` and counts requests."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: dict[str, dict] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlsplit(self.path)
                query = {key: values[0] for key, values in parse_qs(url.query).items()}
                fake.requests.append({"path": url.path, **query})
                feature = next((f for text, f in fake.answers.items() if text in query.get("q", "")), None)
                body = json.dumps({"type": "FeatureCollection", "version": "draft", "query": query.get("q"),
                                   "features": [feature] if feature else []}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def ban_feature(lon, lat, *, type_="housenumber", score=0.93, citycode="75111", postcode="75011"):
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"label": "1 bis Rue de la Pierre Levée 75011 Paris", "score": score, "type": type_,
                           "citycode": citycode, "postcode": postcode, "city": "Paris", "id": "75111_7403_00001"}}


@pytest.fixture
def ban():
    with FakeBan() as server:
        server.answers["Pierre-Levée"] = ban_feature(2.371113, 48.866430)
        yield server


@pytest.fixture
def geocoder(ban, reference, tmp_path):
    geocoder = BanGeocoder(ban.url, reference, tmp_path / "geocodes.sqlite3", timeout=2, min_delay_seconds=0)
    yield geocoder
    geocoder.close()


def test_the_commune_centre_is_a_municipality_precision_result(reference):
    result = CommuneCentreGeocoder(reference).geocode("1 rue inconnue", "75011", "75111")
    paris_11 = reference.commune("75111")
    assert result == GeocodeResult(paris_11.lat, paris_11.lon, MUNICIPALITY)


def test_the_commune_centre_falls_back_to_the_postal_codes_largest_commune(reference):
    result = CommuneCentreGeocoder(reference).geocode(None, "20000", None)
    assert (result.lat, result.lon) == (reference.commune("2A004").lat, reference.commune("2A004").lon)
    assert CommuneCentreGeocoder(reference).geocode(None, "99999", "99999") is None


def test_ban_locates_an_address_with_address_precision(geocoder, ban):
    result = geocoder.geocode("1 bis rue de la Pierre-Levée", "75011", "75111")
    assert result == GeocodeResult(48.866430, 2.371113, ADDRESS)
    request, = ban.requests
    assert request["path"] == "/search" and request["limit"] == "1"
    assert request["q"] == "1 bis rue de la Pierre-Levée 75011 Paris 11e Arrondissement"


def test_an_address_is_never_sent_twice_not_even_across_restarts(ban, reference, tmp_path):
    cache = tmp_path / "geocodes.sqlite3"
    first = BanGeocoder(ban.url, reference, cache, min_delay_seconds=0)
    assert first.geocode("1 bis rue de la Pierre-Levée", "75011", "75111").precision == ADDRESS
    assert first.geocode("1 bis rue de la Pierre-Levée", "75011", "75111").precision == ADDRESS
    first.close()
    second = BanGeocoder(ban.url, reference, cache, min_delay_seconds=0)
    assert second.geocode("1 BIS RUE DE LA PIERRE LEVEE", "75011", "75111").precision == ADDRESS
    second.close()
    assert len(ban.requests) == 1


def test_an_address_ban_does_not_find_gives_the_commune_centre_and_is_not_asked_again(geocoder, ban, reference):
    result = geocoder.geocode("99 impasse introuvable", "75011", "75111")
    assert result.precision == MUNICIPALITY and result.lat == reference.commune("75111").lat
    geocoder.geocode("99 impasse introuvable", "75011", "75111")
    assert len(ban.requests) == 1


def test_a_ban_answer_in_another_commune_or_too_unsure_is_not_trusted(geocoder, ban):
    ban.answers["rue de Lyon"] = ban_feature(4.85, 45.75, citycode="69383", postcode="69003")
    ban.answers["vague"] = ban_feature(2.37, 48.86, score=0.2)
    ban.answers["just the town"] = ban_feature(2.37, 48.86, type_="municipality")
    for line in ("3 rue de Lyon", "vague adresse", "just the town"):
        assert geocoder.geocode(line, "75011", "75111").precision == MUNICIPALITY


def test_a_line_less_address_is_not_sent_to_ban(geocoder, ban):
    assert geocoder.geocode(None, "75011", "75111").precision == MUNICIPALITY
    assert geocoder.geocode("  ", "75011", "75111").precision == MUNICIPALITY
    assert ban.requests == []


def test_an_unreachable_ban_gives_the_commune_centre_and_caches_nothing(reference, tmp_path):
    cache = tmp_path / "geocodes.sqlite3"
    with FakeBan() as stopped:
        unreachable = stopped.url
    offline = BanGeocoder(unreachable, reference, cache, timeout=0.5, min_delay_seconds=0, retry_wait_seconds=0)
    assert offline.geocode("1 bis rue de la Pierre-Levée", "75011", "75111").precision == MUNICIPALITY
    assert len(offline.cache) == 0
    offline.close()
    with FakeBan() as ban:
        ban.answers["Pierre-Levée"] = ban_feature(2.371113, 48.866430)
        online = BanGeocoder(ban.url, reference, cache, min_delay_seconds=0)
        assert online.geocode("1 bis rue de la Pierre-Levée", "75011", "75111").precision == ADDRESS
        online.close()
        assert len(ban.requests) == 1


def test_make_geocoder_uses_ban_only_when_an_endpoint_is_configured(reference, tmp_path):
    assert isinstance(make_geocoder(reference, None, None), CommuneCentreGeocoder)
    ban = make_geocoder(reference, "http://127.0.0.1:9", tmp_path / "cache.sqlite3")
    assert isinstance(ban, BanGeocoder)
    ban.close()
