"""The pages: ``/`` (search), ``/contacts`` (CPAM finder), ``/embed`` (search for an ``<iframe>``),
``/widget.js`` (mounts the search in a portal's ``<div>``), and their static files.

Pages are small Jinja templates (autoescaped) that only pass configuration to the scripts in
``data-`` attributes: no inline script or style, so a strict Content-Security-Policy holds.
Everything shown from the API is built by the scripts as DOM text, never as HTML.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template

from .assets import AssetFiles, Body
from .outlines import outlines_body

HERE = Path(__file__).resolve().parent
LEAFLET = "leaflet-1.9.4"
STATIC = AssetFiles(HERE / "static")
VENDOR = AssetFiles(HERE / "vendor")
OUTLINES_PATH = "/static/departements.geojson"

bp = Blueprint("pages", __name__, template_folder="templates")


def _settings():
    return current_app.config["ANNUAIRE"]


def asset_url(relative: str) -> str:
    """URL of a file of ``frontend/static``, with its content hash (long browser cache)."""
    return STATIC.url("/static", relative)


def leaflet_url(relative: str) -> str:
    return VENDOR.url("/vendor", f"{LEAFLET}/{relative}")


@bp.app_context_processor
def _template_helpers():
    return {"asset_url": asset_url, "leaflet_url": leaflet_url}


def _map_config() -> dict[str, str]:
    settings = _settings()
    return {"tile_url": settings.tile_url, "tile_attribution": settings.tile_attribution,
            "outlines_url": OUTLINES_PATH}


def _page(template: str, **context) -> Response:
    response = Response(render_template(template, map=_map_config(), **context), mimetype="text/html")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/")
def index():
    return _page("search.html")


@bp.get("/contacts")
def contacts():
    return _page("contacts.html")


@bp.get("/embed")
def embed():
    """The search alone, for an ``<iframe>``; its options come from the query string
    (``profession``, ``specialty``, ``place``, ``fixed_place``, ``radius_km``, ``map``)."""
    return _page("embed.html")


@bp.get("/widget.js")
def widget():
    """The loader a portal includes: it adds the styles and scripts below, then mounts the search
    in each ``<div data-annuaire-widget>`` of the host page, calling the API of the origin it was
    loaded from (which must list the portal in ``ANNUAIRE_CORS_ORIGINS``)."""
    script = render_template("widget.js", map=_map_config(),
                             styles=[leaflet_url("leaflet.css"), asset_url("annuaire.css")],
                             leaflet=leaflet_url("leaflet.js"),
                             scripts=[asset_url("annuaire.js"), asset_url("search.js")])
    body = Body.of(script.encode("utf-8"), "text/javascript")
    return body.response("public, max-age=300")


@bp.get("/static/<path:filename>")
def static_file(filename: str):
    return STATIC.serve(filename)


@bp.get("/vendor/<path:filename>")
def vendor_file(filename: str):
    return VENDOR.serve(filename, "public, max-age=31536000, immutable")


@bp.get(OUTLINES_PATH)
def departement_outlines():
    """The départements' outlines (simplified GeoJSON), drawn when the map tiles cannot load.
    Built on first request, then kept for the life of the application."""
    body = current_app.extensions.get("annuaire.outlines")
    if body is None:
        body = current_app.extensions["annuaire.outlines"] = outlines_body(
            current_app.extensions["annuaire"].reference.departements)
    return body.response("public, max-age=86400", {"Access-Control-Allow-Origin": "*"})
