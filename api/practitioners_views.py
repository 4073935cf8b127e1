"""``/api/v1/practitioners`` (search, detail), nomenclatures and health: parse → call → serialize."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from marshmallow import ValidationError

from directory.backend import BackendUnavailable, InvalidCursor
from directory.nomenclatures import professions, specialties

from .context import backend, reference
from .problems import Problem, invalid_parameters
from .search_params import SearchParamsSchema, flatten_args, to_query
from .serializers import geojson, page_json, practitioner_json

bp = Blueprint("practitioners", __name__)


def parse_search_args(args) -> tuple[dict, tuple[float, float] | None]:
    data, errors = flatten_args(args)
    try:
        params = SearchParamsSchema().load(data)
    except ValidationError as error:
        errors.update({key: list(value) if isinstance(value, list) else [str(value)]
                       for key, value in error.normalized_messages().items()})
    if errors:
        raise invalid_parameters({key: [str(message) for message in messages] for key, messages in errors.items()})
    point = None
    if "near" in params:
        place = resolve_place(params["near"])
        if place is None:
            raise invalid_parameters({"near": [f"lieu introuvable : {params['near']}"]})
        point = place
    return params, point


def resolve_place(text: str) -> tuple[float, float] | None:
    suggestions = reference().suggest_places(text, 1)
    if not suggestions:
        return None
    return suggestions[0]["lat"], suggestions[0]["lon"]


@bp.get("/api/v1/practitioners")
def search():
    params, point = parse_search_args(request.args)
    query = to_query(params, point)
    try:
        page = backend().search(query)
    except InvalidCursor as error:
        raise invalid_parameters({"cursor": [str(error)]}) from error
    page_number = query.page
    if query.cursor is not None:
        from directory.cursors import decode_cursor

        page_number = decode_cursor(query)[1]
    if params.get("format") == "geojson":
        response = jsonify(geojson(page, page_number, query.per_page))
        response.mimetype = "application/geo+json"
        return response
    return jsonify(page_json(page, page_number, query.per_page))


@bp.get("/api/v1/practitioners/<practitioner_id>")
def detail(practitioner_id: str):
    if len(practitioner_id) > 100:
        raise invalid_parameters({"id": ["identifiant trop long"]})
    practitioner = backend().get(practitioner_id)
    if practitioner is None:
        raise Problem(404, f"aucun praticien avec l'identifiant {practitioner_id}")
    body = practitioner_json(practitioner)
    body["other_places"] = [practitioner_json(other) for other in backend().places_of(practitioner.person_id)
                            if other.id != practitioner.id]
    return jsonify(body)


def _nomenclature_json(code_list, counts: dict[str, int]):
    return jsonify([{"code": entry.code, "label": entry.label, "count": counts.get(entry.code, 0)}
                    for entry in code_list.codes])


@bp.get("/api/v1/professions")
def list_professions():
    return _nomenclature_json(professions(), backend().counts("profession"))


@bp.get("/api/v1/specialties")
def list_specialties():
    return _nomenclature_json(specialties(), backend().counts("specialty"))


@bp.get("/api/v1/health")
def health():
    try:
        info = backend().info()
    except BackendUnavailable:
        return jsonify({"status": "degraded", "backend": backend().kind, "documents": 0, "data_date": None,
                        "demo": False}), 503
    return jsonify({"status": "ok", "backend": backend().kind, "documents": info.documents,
                    "data_date": info.data_date, "demo": info.demo})
