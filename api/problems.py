"""Errors as ``application/problem+json`` (RFC 9457), in one place.

Views raise :class:`Problem` (or return :func:`problem_response`); the app turns every
error, including unexpected ones, into a problem document. No stack trace reaches a client.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from flask import Response, json

PROBLEM_MIMETYPE = "application/problem+json"

TITLES = {
    400: "Paramètres invalides",
    404: "Ressource introuvable",
    405: "Méthode non autorisée",
    406: "Format non disponible",
    413: "Requête trop volumineuse",
    414: "Adresse trop longue",
    415: "Type de contenu non pris en charge",
    429: "Trop de requêtes",
    431: "En-têtes trop volumineux",
    500: "Erreur interne",
    503: "Service indisponible",
}


class Problem(Exception):
    """An error to report to the client as problem+json."""

    def __init__(self, status: int, detail: str, errors: Mapping[str, Sequence[str]] | None = None,
                 title: str | None = None, headers: Mapping[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = {key: list(values) for key, values in (errors or {}).items()}
        self.title = title or TITLES.get(status, "Erreur")
        self.headers = dict(headers or {})

    def to_response(self) -> Response:
        return problem_response(self.status, self.detail, self.errors, self.title, self.headers)


def problem_response(status: int, detail: str, errors: Mapping[str, Sequence[str]] | None = None,
                     title: str | None = None, headers: Mapping[str, str] | None = None) -> Response:
    body = {"type": "about:blank", "title": title or TITLES.get(status, "Erreur"), "status": status, "detail": detail}
    if errors:
        body["errors"] = {key: list(values) for key, values in errors.items()}
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def invalid_parameters(errors: Mapping[str, Sequence[str]]) -> Problem:
    """A 400 whose ``detail`` sums up the per-field ``errors`` in French."""
    detail = "; ".join(f"{field} {' ; '.join(messages)}" for field, messages in sorted(errors.items()))
    return Problem(400, detail, errors)
