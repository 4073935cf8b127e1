"""What every response carries and every request must respect, in one place.

- Security headers on every response: ``Content-Security-Policy`` (built from the settings by
  :func:`content_security_policy`), ``X-Content-Type-Options: nosniff``, ``Referrer-Policy``;
  ``frame-ancestors`` is ``ANNUAIRE_FRAME_ANCESTORS`` on the embeddable page (``/embed``) and
  ``'self'`` elsewhere.
- CORS on ``/api/``: origins from ``ANNUAIRE_CORS_ORIGINS`` (``*`` only when listed), preflight
  ``OPTIONS`` answered (204) on every endpoint.
- Limits: URL length (414), declared request body size (413), optional per-client rate limit (429).
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

from directory.settings import Settings

from .problems import Problem
from .rate_limit import TokenBuckets, retry_after_seconds

MAX_URL_LENGTH = 4096
MAX_CONTENT_LENGTH = 16 * 1024
EMBEDDABLE_PATHS = ("/embed",)
RATE_LIMIT_EXEMPT = ("/api/v1/health",)
CORS_MAX_AGE_S = 600
CORS_EXPOSED_HEADERS = "ETag, Retry-After, Content-Type"
CORS_DEFAULT_HEADERS = "Accept, Accept-Language, Content-Type, If-None-Match"
_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,64}$")


def tile_source(tile_url: str | None) -> str | None:
    """The CSP source that lets the map load tiles from ``tile_url`` (``{s}`` subdomains → ``*.``)."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = re.sub(r"^\{[a-z]+\}\.", "*.", parts.netloc)
    return f"{parts.scheme}://{host}"


def content_security_policy(settings: Settings, *, framable: bool) -> str:
    """The one CSP of the service: own scripts and styles only, tiles from the configured host,
    ``data:`` images; framable by ``settings.frame_ancestors`` only where ``framable``."""
    images = ["'self'", "data:"]
    tiles = tile_source(settings.tile_url)
    if tiles:
        images.append(tiles)
    ancestors = " ".join(settings.frame_ancestors) if framable and settings.frame_ancestors else "'self'"
    directives = [
        ("default-src", "'self'"),
        ("script-src", "'self'"),
        ("style-src", "'self'"),
        ("img-src", " ".join(images)),
        ("font-src", "'self'"),
        ("connect-src", "'self'"),
        ("object-src", "'none'"),
        ("base-uri", "'self'"),
        ("form-action", "'self'"),
        ("frame-ancestors", ancestors),
    ]
    return "; ".join(f"{name} {value}" for name, value in directives)


def _settings() -> Settings:
    return current_app.config["ANNUAIRE"]


def _allowed_origin(origin: str | None, allowed: tuple[str, ...]) -> str | None:
    if not origin or not allowed:
        return None
    if "*" in allowed:
        return "*"
    return origin if origin.rstrip("/") in {entry.rstrip("/") for entry in allowed} else None


def _limits() -> None:
    environ = request.environ
    if len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", "")) > MAX_URL_LENGTH:
        raise Problem(414, f"l'adresse demandée dépasse {MAX_URL_LENGTH} caractères")
    if (request.content_length or 0) > current_app.config["MAX_CONTENT_LENGTH"]:
        raise Problem(413, f"le corps de la requête dépasse {current_app.config['MAX_CONTENT_LENGTH']} octets")
    buckets: TokenBuckets | None = current_app.extensions.get("annuaire_rate_limit")
    if buckets is not None and request.path.startswith("/api/") and not request.path.startswith(RATE_LIMIT_EXEMPT):
        wait = buckets.take(request.remote_addr or "?")
        if wait > 0:
            raise Problem(429, f"trop de requêtes : au plus {int(buckets.capacity)} par minute ; "
                               f"réessayez dans {retry_after_seconds(wait)} s",
                          headers={"Retry-After": retry_after_seconds(wait)})


def _cors(response: Response) -> None:
    settings = _settings()
    if not request.path.startswith("/api/") or not settings.cors_origins:
        return
    if "*" not in settings.cors_origins:
        response.vary.add("Origin")
    origin = _allowed_origin(request.headers.get("Origin"), settings.cors_origins)
    if origin is None:
        return
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSED_HEADERS
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        requested = [name.strip() for name in request.headers.get("Access-Control-Request-Headers", "").split(",")]
        names = [name for name in requested if _HEADER_NAME.match(name)][:20]
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = ", ".join(names) if names else CORS_DEFAULT_HEADERS
        response.headers["Access-Control-Max-Age"] = str(CORS_MAX_AGE_S)


def _security_headers(response: Response) -> None:
    framable = request.path in EMBEDDABLE_PATHS
    response.headers["Content-Security-Policy"] = current_app.extensions["annuaire_csp"][framable]
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if not framable:
        response.headers["X-Frame-Options"] = "SAMEORIGIN"


def _after(response: Response) -> Response:
    if request.method == "OPTIONS" and response.status_code == 200 and not response.get_data():
        response.status_code = 204
        response.headers.pop("Content-Type", None)
    _cors(response)
    _security_headers(response)
    return response


def init_app(app: Flask) -> None:
    settings: Settings = app.config["ANNUAIRE"]
    app.config["MAX_CONTENT_LENGTH"] = MAX_CONTENT_LENGTH
    app.extensions["annuaire_csp"] = {framable: content_security_policy(settings, framable=framable)
                                      for framable in (False, True)}
    if settings.rate_limit_per_minute > 0:
        app.extensions["annuaire_rate_limit"] = TokenBuckets(settings.rate_limit_per_minute)
    app.before_request(_limits)
    app.after_request(_after)
