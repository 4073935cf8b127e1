"""The application factory: ``create_app(config=None)``."""
from __future__ import annotations

import logging
from typing import Any, Mapping

from flask import Flask
from werkzeug.exceptions import HTTPException

from directory.backend import BackendUnavailable
from directory.settings import Settings, load_settings

from . import http_policy
from .problems import Problem, problem_response
from .services import Services

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    400: "requête mal formée",
    404: "ressource introuvable",
    405: "méthode non autorisée : seuls GET, HEAD et OPTIONS sont acceptés",
    406: "format de réponse non disponible",
    413: "requête trop volumineuse",
    414: "adresse (URL) trop longue",
    415: "type de contenu non pris en charge",
    431: "en-têtes de requête trop volumineux",
}


def _register_errors(app: Flask) -> None:
    @app.errorhandler(Problem)
    def _problem(error: Problem):
        return error.to_response()

    @app.errorhandler(BackendUnavailable)
    def _unavailable(error: BackendUnavailable):
        log.warning("backend indisponible : %s", error)
        return problem_response(503, "le moteur de recherche ne répond pas ; réessayez dans un instant",
                                title="Service indisponible", headers={"Retry-After": "5"})

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        status = error.code or 500
        headers = {key: value for key, value in error.get_headers() if key.lower() not in ("content-type", "content-length")}
        return problem_response(status, HTTP_MESSAGES.get(status, "requête refusée"), headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("erreur inattendue")
        return problem_response(500, "erreur interne ; elle a été consignée")


def create_app(config: Mapping[str, Any] | Settings | None = None, *, backend=None, reference=None) -> Flask:
    """Build the app. ``config`` overrides settings (see :mod:`directory.settings`); ``backend`` and
    ``reference`` may be given ready-made (tests)."""
    settings = config if isinstance(config, Settings) else load_settings(config)
    app = Flask(__name__, static_folder=None)
    app.config["ANNUAIRE"] = settings
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["annuaire"] = Services(settings, backend=backend, reference=reference)
    http_policy.init_app(app)

    from . import openapi, practitioners_views

    app.register_blueprint(practitioners_views.bp)
    app.register_blueprint(openapi.bp)
    for module_name in ("cpam_views", "places_views"):
        module = _optional_module(module_name)
        if module is not None:
            app.register_blueprint(module.bp)
    from frontend import pages

    app.register_blueprint(pages.bp)
    _register_errors(app)
    return app


def _optional_module(name: str):
    import importlib

    try:
        return importlib.import_module(f"api.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"api.{name}":
            raise
        return None
