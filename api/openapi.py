"""The OpenAPI 3 document, generated from the same marshmallow schemas that validate requests.

Each view says what it takes and returns with :func:`document` (schemas, not prose); on the first
``GET /api/openapi.json`` :func:`build_spec` walks the application's URL map, so every blueprint
(practitioners, places, CPAM…) is described the same way, and a view under ``/api/`` that is not
documented is an error (a test asserts none is missing). ``/api/docs`` is Swagger UI, vendored
from the npm registry by ``scripts/vendor_api_docs.sh`` (no CDN).
"""
from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any, Callable

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app, jsonify, send_from_directory
from marshmallow import fields

from .response_schemas import ProblemSchema
from .search_params import BBoxField, KnownCodes

OPENAPI_VERSION = "3.0.3"
API_VERSION = "1.0.0"
DOCS_STATIC = Path(__file__).resolve().parent / "docs_static"
PROBLEM_MIMETYPE = "application/problem+json"

bp = Blueprint("openapi", __name__)

# -- describing views ----------------------------------------------------------------------------


def document(**operation: Any) -> Callable:
    """Attach an OpenAPI operation (apispec's dict form: ``summary``, ``parameters`` with marshmallow
    schemas, ``responses`` from :func:`json_response` / :func:`problems`…) to a view function."""

    def decorate(view: Callable) -> Callable:
        view.__openapi__ = operation
        return view

    return decorate


def json_response(description: str, schema, mimetype: str = "application/json", **extra: Any) -> dict:
    return {"description": description, "content": {mimetype: {"schema": schema}}, **extra}


def problem(description: str, **extra: Any) -> dict:
    return json_response(description, ProblemSchema, PROBLEM_MIMETYPE, **extra)


NOT_MODIFIED = {"description": "Non modifié depuis la version désignée par If-None-Match (corps vide)."}


def problems(*statuses: int) -> dict[int, dict]:
    """Problem+json responses for these statuses, with the project's usual wording."""
    wording = {
        400: "Paramètre invalide, inconnu ou en conflit avec un autre (détail en français, erreurs par paramètre).",
        404: "Ressource inexistante.",
        405: "Méthode non autorisée.",
        413: "Requête trop volumineuse.",
        414: "Adresse (URL) trop longue.",
        429: "Trop de requêtes pour ce client (voir Retry-After).",
        503: "Moteur de recherche injoignable ou trop lent (voir Retry-After).",
    }
    return {status: problem(wording[status]) for status in statuses}


def standard_problems(*statuses: int) -> dict[int, dict]:
    """The problems that any API endpoint may answer (URL too long, rate limit) plus ``statuses``."""
    return problems(*sorted({414, 429, *statuses}))


def cached_json(description: str, schema) -> dict:
    """A 200 that carries ``ETag`` and ``Cache-Control`` (see :mod:`api.caching`)."""
    return json_response(description, schema, headers={
        "ETag": {"description": "version du contenu (If-None-Match → 304)", "schema": {"type": "string"}},
        "Cache-Control": {"description": "durée de mise en cache", "schema": {"type": "string"}},
    })


# -- building the document -----------------------------------------------------------------------


def _known_codes_enum(self, field, ret, **_kwargs) -> dict:
    """List fields validated by :class:`KnownCodes` → ``items.enum`` of the nomenclature's codes."""
    for validator in getattr(field, "validators", ()):
        if isinstance(validator, KnownCodes) and isinstance(field, fields.List):
            return {"items": {**ret.get("items", {}), "enum": list(validator.code_list_factory().allowed())}}
    return {}


def _resolved(parameter: dict) -> dict:
    """A parameter whose ``schema`` is a plain function (a factory reading the settings) → its schema."""
    schema = parameter.get("schema")
    if inspect.isfunction(schema):
        return {**parameter, "schema": schema()}
    return parameter


def _path_template(rule: str) -> tuple[str, list[str]]:
    names = re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule)
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule), names


def build_spec(app: Flask) -> dict:
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Annuaire — API des professionnels de santé",
        version=API_VERSION,
        openapi_version=OPENAPI_VERSION,
        plugins=[plugin],
        info={"description": (
            "Recherche géographique des professionnels de santé et des caisses primaires d'assurance maladie. "
            "Toutes les réponses sont en JSON (UTF-8) ; toute erreur est un document application/problem+json "
            "(RFC 9457) avec un détail en français et, pour un paramètre invalide, les erreurs par paramètre. "
            "Chaque point d'entrée répond aussi à OPTIONS (CORS)."),
            "license": {"name": "MIT"}},
    )
    plugin.map_to_openapi_type(BBoxField, "string", None)
    plugin.converter.add_attribute_function(_known_codes_enum)
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        view = app.view_functions.get(rule.endpoint)
        operation = getattr(view, "__openapi__", None)
        if operation is None:
            continue
        path, names = _path_template(rule.rule)
        operation = {**operation, "responses": {str(k): v for k, v in operation.get("responses", {}).items()}}
        parameters = [_resolved(parameter) for parameter in operation.get("parameters", [])]
        declared = {parameter.get("name") for parameter in parameters}
        operation["parameters"] = parameters + [
            {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
            for name in names if name not in declared]
        operation.setdefault("operationId", rule.endpoint.replace(".", "_"))
        methods = sorted(method.lower() for method in rule.methods - {"HEAD", "OPTIONS"})
        spec.path(path=path, operations={method: operation for method in methods})
    return spec.to_dict()


def undocumented_api_rules(app: Flask) -> list[str]:
    """Rules under ``/api/v1/`` whose view has no :func:`document` (should be none)."""
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if rule.rule.startswith("/api/v1/")
                  and getattr(app.view_functions.get(rule.endpoint), "__openapi__", None) is None)


# -- serving it ----------------------------------------------------------------------------------


@bp.get("/api/openapi.json")
def openapi_json():
    cache = current_app.extensions.setdefault("annuaire_openapi", {})
    if "spec" not in cache:
        cache["spec"] = build_spec(current_app)
    return jsonify(cache["spec"])


@bp.get("/api/docs")
def docs_page():
    return send_from_directory(DOCS_STATIC, "index.html")


@bp.get("/api/docs/<path:filename>")
def docs_asset(filename: str):
    return send_from_directory(DOCS_STATIC, filename)
