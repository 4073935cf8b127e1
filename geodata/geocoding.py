"""Geocoding behind one small interface, :class:`Geocoder`.

- :class:`CommuneCentreGeocoder`: the centre of the commune (or of the postal code's largest
  commune), precision ``municipality``; needs no network.
- :class:`BanGeocoder`: the Base Adresse Nationale through geopy's ``BANFrance``, at a
  configurable endpoint, with a timeout, a rate limit (geopy ``RateLimiter``) and an on-disk
  cache (sqlite3) so that no address is sent twice, not even one BAN did not find. A result
  is kept only when BAN placed it in the expected commune with a fair score; otherwise, and
  when BAN cannot be reached, the commune centre is returned.

:func:`make_geocoder` picks one from the configuration.
"""
from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import BANFrance

from directory.model import PRECISION_ADDRESS, PRECISION_MUNICIPALITY
from directory.normalize import normalize_text

ADDRESS, MUNICIPALITY = PRECISION_ADDRESS, PRECISION_MUNICIPALITY
# BAN result types that locate the address itself rather than its commune
_ADDRESS_TYPES = frozenset({"housenumber", "street", "locality"})
NOT_CACHED = object()


@dataclass(frozen=True)
class GeocodeResult:
    lat: float
    lon: float
    precision: str  # ADDRESS or MUNICIPALITY


class Geocoder(Protocol):
    def geocode(self, line: str | None, postal_code: str | None, commune_code: str | None) -> GeocodeResult | None:
        """Where the address is, or ``None`` when not even its commune is known."""


class CommuneCentreGeocoder:
    """The commune's centre (``commune_code``, else the postal code's largest commune)."""

    def __init__(self, reference):
        self.reference = reference

    def geocode(self, line: str | None, postal_code: str | None, commune_code: str | None) -> GeocodeResult | None:
        candidates = [self.reference.current_commune(commune_code)] if commune_code else []
        candidates += self.reference.communes_for_postal_code(postal_code) if postal_code else []
        for commune in candidates:
            if commune is not None and commune.lat is not None and commune.lon is not None:
                return GeocodeResult(commune.lat, commune.lon, MUNICIPALITY)
        return None


class GeocodeCache:
    """What the geocoding service answered, by query, in a sqlite3 file (``None`` answers included)."""

    def __init__(self, path: Path | str = ":memory:"):
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS geocodes (query TEXT PRIMARY KEY, lat REAL, lon REAL, precision TEXT)")
        self._db.commit()

    def get(self, query: str):
        """The cached :class:`GeocodeResult` or ``None``; :data:`NOT_CACHED` when never asked."""
        with self._lock:
            row = self._db.execute("SELECT lat, lon, precision FROM geocodes WHERE query = ?", (query,)).fetchone()
        if row is None:
            return NOT_CACHED
        return None if row[2] is None else GeocodeResult(row[0], row[1], row[2])

    def put(self, query: str, result: GeocodeResult | None) -> None:
        values = (query, result.lat, result.lon, result.precision) if result else (query, None, None, None)
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO geocodes VALUES (?, ?, ?, ?)", values)
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM geocodes").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()


class BanGeocoder:
    """Addresses through the BAN (geopy ``BANFrance``), falling back to ``fallback``."""

    def __init__(self, url: str, reference, cache_path: Path | str | None = None, *, timeout: float = 5.0,
                 min_delay_seconds: float = 1 / 40, retry_wait_seconds: float = 2.0, min_score: float = 0.5,
                 user_agent: str = "annuaire-sante"):
        """``url``: the BAN endpoint (``https://api-adresse.data.gouv.fr`` or a self-hosted addok);
        ``min_delay_seconds`` between requests (BAN allows 50 per second and per IP); one retry
        after ``retry_wait_seconds`` on error; answers scored below ``min_score`` are not trusted."""
        endpoint = urlsplit(url if "://" in url else f"https://{url}")
        self._ban = BANFrance(domain=(endpoint.netloc + endpoint.path).rstrip("/"), scheme=endpoint.scheme,
                              timeout=timeout, user_agent=user_agent)
        self._search = RateLimiter(self._ban.geocode, min_delay_seconds=min_delay_seconds, max_retries=1,
                                   error_wait_seconds=retry_wait_seconds, swallow_exceptions=False)
        self.reference = reference
        self.fallback = CommuneCentreGeocoder(reference)
        self.cache = GeocodeCache(cache_path or ":memory:")
        self.min_score = min_score

    def geocode(self, line: str | None, postal_code: str | None, commune_code: str | None) -> GeocodeResult | None:
        if not (line and line.strip()):
            return self.fallback.geocode(line, postal_code, commune_code)
        query = self._query(line, postal_code, commune_code)
        key = normalize_text(f"{query} {commune_code or ''}")
        cached = self.cache.get(key)
        if cached is NOT_CACHED:
            try:
                location = self._search(query, limit=1)
            except GeopyError:
                # unreachable or failing: answer from the commune, cache nothing, try again next time
                return self.fallback.geocode(line, postal_code, commune_code)
            cached = self._accepted(location, postal_code, commune_code)
            self.cache.put(key, cached)
        return cached or self.fallback.geocode(line, postal_code, commune_code)

    def _query(self, line: str, postal_code: str | None, commune_code: str | None) -> str:
        commune = self.reference.current_commune(commune_code) if commune_code else None
        return " ".join(part for part in (line.strip(), postal_code, commune.name if commune else None) if part)

    def _accepted(self, location, postal_code: str | None, commune_code: str | None) -> GeocodeResult | None:
        """The BAN answer when it is an address in the expected commune with a fair score."""
        if location is None:
            return None
        properties = (location.raw or {}).get("properties", {})
        if properties.get("type") not in _ADDRESS_TYPES or float(properties.get("score") or 0) < self.min_score:
            return None
        if commune_code:
            found = self.reference.current_commune(properties.get("citycode"))
            expected = self.reference.current_commune(commune_code)
            if found is None or expected is None or expected.code not in (found.code, found.parent):
                return None
        elif postal_code and properties.get("postcode") != postal_code:
            return None
        return GeocodeResult(location.latitude, location.longitude, ADDRESS)

    def close(self) -> None:
        self.cache.close()


def make_geocoder(reference, ban_url: str | None, cache_path: Path | None) -> Geocoder:
    """The BAN geocoder when ``ban_url`` is set (e.g. ``https://api-adresse.data.gouv.fr``),
    else the commune centres."""
    if ban_url:
        return BanGeocoder(ban_url, reference, cache_path)
    return CommuneCentreGeocoder(reference)
